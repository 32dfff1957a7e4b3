"""The SVG charts: user text stays text, missing values say "—", the CJK font is on every text."""
from decimal import Decimal

from portal.reports.charts import FONT, bar_chart, line_chart


def test_bar_chart_escapes_names_and_marks_missing_values():
    svg = str(bar_chart("<script>t</script>", [('<img src=x onerror=alert(1)>"', Decimal(50)), ("李娜", None)]))
    assert "<script>" not in svg and "<img" not in svg and "&lt;img src=x" in svg
    assert ">—</text>" in svg and ">50.0</text>" in svg
    assert svg.count("<text") == svg.count(f'font-family="{FONT}"')


def test_line_chart_plots_every_point():
    svg = str(line_chart("月度成交金额", [("2026-07", Decimal(30000)), ("2026-08", Decimal(0)), ("2026-09", Decimal(15000))]))
    assert svg.count("<circle") == 3 and ">30,000</text>" in svg and ">2026-08</text>" in svg
    assert 'points="60.0,40.0 340.0,180.0 620.0,110.0"' in svg  # max at the top, zero on the axis, half way


def test_bar_chart_label_column_fits_long_names():
    import re

    name = "欧阳娜娜（华东区大客户部）"
    svg = str(bar_chart("综合得分", [(name, Decimal(80)), ("李娜", Decimal(70))]))
    label_x = float(re.search(r'<text x="([\d.]+)"[^>]*text-anchor="end"[^>]*>' + re.escape(name), svg).group(1))
    assert label_x >= len(name) * 11  # the whole name is drawn right of x=0, not clipped at the left edge
    very_long = "某某" * 40
    svg = str(bar_chart("综合得分", [(very_long, Decimal(80))]))
    assert f"<title>{very_long}</title>" in svg and "…</text>" in svg
