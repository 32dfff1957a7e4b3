"""Server-rendered SVG charts, the same markup in the web view and the PDF.

SVG text does not inherit the page's font in WeasyPrint, so every text element names the CJK font, the
one of the interface language (繁體 glyphs differ from 简体 ones for the same character).
"""
from decimal import Decimal

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from portal.i18n import TRADITIONAL

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
FONT_TRADITIONAL = "Noto Sans CJK TC, Microsoft JhengHei, PingFang TC, sans-serif"


def chart_font() -> str:
    """The font stack of the interface language (简体 and English: SC, whose Latin glyphs are fine)."""
    locale = get_locale()
    return FONT_TRADITIONAL if locale is not None and str(locale) == TRADITIONAL else FONT
COLORS = ("#2f6fb0", "#9bb8d6")


SVG_OPEN = Markup(
    '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
    'role="img" aria-label="{title}">'
)
SVG_CLOSE = Markup("</svg>")


def _text(x, y, content, size=11, anchor="start", fill="#333") -> Markup:
    # Markup.format escapes every argument: names and labels from the database stay text.
    return Markup(
        '<text x="{x}" y="{y}" font-family="{font}" font-size="{size}" text-anchor="{anchor}" fill="{fill}">'
        "{content}</text>"
    ).format(x=f"{x:.1f}", y=f"{y:.1f}", font=chart_font(), size=size, anchor=anchor, fill=fill, content=content)


def _rect(x, y, width, height, fill) -> Markup:
    return Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"/>').format(
        x=f"{x:.1f}", y=f"{y:.1f}", w=f"{width:.1f}", h=height, fill=fill
    )


LABEL_SIZE = 11
LABEL_MIN, LABEL_MAX = 80, 260


def text_width(text: str, size: float = LABEL_SIZE) -> float:
    """Estimated drawn width: CJK and full-width characters are one em, others about 0.6 em."""
    return sum(size if ord(char) >= 0x2E80 else size * 0.6 for char in text)


def fit_label(text: str, width: float, size: float = LABEL_SIZE) -> str:
    """The label, cut with … when even the widest label column cannot hold it."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _label(x, y, text: str, width: float) -> Markup:
    shown = fit_label(text, width)
    if shown == text:
        return _text(x, y, text, LABEL_SIZE, "end")
    # A cut label keeps the full name as its tooltip (and for screen readers).
    return Markup("<g><title>{full}</title>{text}</g>").format(full=text, text=_text(x, y, shown, LABEL_SIZE, "end"))


def bar_chart(title: str, items: list[tuple[str, Decimal | None]], series: tuple[str, ...] | None = None,
              values2: list[Decimal | None] | None = None, maximum: float = 100, unit: str = "",
              bar_width: int = 300, row_height: int | None = None) -> Markup:
    """Horizontal bars, one row per item (optionally a second, lighter series such as the previous
    period); missing values are labelled "—" rather than drawn as zero. The label column is as wide
    as the longest label needs (long employee names stay readable), up to LABEL_MAX."""
    series = series or (_("得分"),)
    longest = max((text_width(str(label)) for label, _value in items), default=0)
    label_width = min(max(LABEL_MIN, longest + 12), LABEL_MAX)
    row_height = row_height or (22 if values2 is None else 26)
    width = label_width + bar_width + 70
    height = 40 + row_height * max(len(items), 1) + 20
    parts = [SVG_OPEN.format(w=width, h=height, title=title), _text(0, 16, title, 13, fill="#111")]
    for index, name in enumerate(series):
        parts.append(_rect(label_width + index * 90, 24, 10, 10, COLORS[index]))
        parts.append(_text(label_width + index * 90 + 14, 33, name, 10))
    for row, (label, value) in enumerate(items):
        top = 44 + row * row_height
        parts.append(_label(label_width - 6, top + 12, str(label), label_width - 8))
        bars = [value] if values2 is None else [value, values2[row]]
        for index, bar in enumerate(bars):
            y = top + index * 12
            if bar is None:
                parts.append(_text(label_width + 4, y + 10, "—", 10, fill="#666"))
                continue
            length = max(0.0, min(float(bar) / maximum, 1.0)) * bar_width
            parts.append(_rect(label_width, y, length, 10, COLORS[index]))
            parts.append(_text(label_width + length + 4, y + 9, f"{float(bar):.1f}{unit}", 10))
    parts.append(SVG_CLOSE)
    return Markup("").join(parts)


def line_chart(title: str, points: list[tuple[str, Decimal]], unit: str = "", width: int = 640,
               height: int = 220) -> Markup:
    """A line over labelled points (e.g. months), value labels on each point, axis at zero."""
    left, right, top, bottom = 60, 20, 40, 40
    inner_w, inner_h = width - left - right, height - top - bottom
    values = [float(value) for _, value in points]
    maximum = max(values + [1.0])
    step = inner_w / max(len(points) - 1, 1)
    parts = [SVG_OPEN.format(w=width, h=height, title=title), _text(0, 16, title, 13, fill="#111"),
             Markup('<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="#999"/>').format(
                 x1=left, x2=width - right, y=top + inner_h)]
    coords = [(left + i * step, top + inner_h - (v / maximum) * inner_h) for i, v in enumerate(values)]
    if coords:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(Markup('<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>').format(
            path=path, color=COLORS[0]))
    every = max(1, len(points) // 12)
    for index, ((label, value), (x, y)) in enumerate(zip(points, coords)):
        parts.append(Markup('<circle cx="{x}" cy="{y}" r="3" fill="{color}"/>').format(
            x=f"{x:.1f}", y=f"{y:.1f}", color=COLORS[0]))
        if index % every == 0:
            parts.append(_text(x, top + inner_h + 16, label, 10, "middle"))
            parts.append(_text(x, y - 6, f"{float(value):,.0f}{unit}", 9, "middle", "#555"))
    parts.append(SVG_CLOSE)
    return Markup("").join(parts)


def review_charts(review, employees=None, for_pdf: bool = False) -> dict[str, Markup]:
    """The charts a review shows: weighted score per employee (`employees`: the web page's rows; all
    of them by default), and each rate now vs. the previous period.

    `for_pdf`: the score chart and the monthly line are drawn narrower (at their printed size, not
    scaled), to sit side by side under the summary table on its page."""
    from portal.reports.kpis import KPIS, PERCENT

    charts = {}
    employees = review.employees if employees is None else employees
    if employees:
        size = {"bar_width": 170, "row_height": 17} if for_pdf else {}
        charts["scores"] = bar_chart(_("综合得分（按员工）"), [(row.label, row.score) for row in employees],
                                     (_("得分"),), **size)
    codes = [code for code, spec in KPIS.items() if spec.available and spec.display == PERCENT]
    percent = [(_(KPIS[c].name), pct(review.total.figures[c].value)) for c in codes]
    charts["kpis"] = bar_chart(_("指标对比（本期 / 上期，%）"), percent, (_("本期"), _("上期")),
                               [pct(review.total.previous[c].value) for c in codes], unit="%")
    if review.trend:
        size = {"width": 330, "height": 180} if for_pdf else {}
        charts["deals"] = line_chart(_("月度成交金额（元，上期至本期）"), review.trend, **size)
    return charts


def pct(value: Decimal | None) -> Decimal | None:
    return None if value is None else value * 100
