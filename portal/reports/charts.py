"""Server-rendered SVG charts, the same markup in the web view and the PDF.

SVG text does not inherit the page's font in WeasyPrint, so every text element names the CJK font.
"""
from decimal import Decimal

from flask_babel import gettext as _
from markupsafe import Markup

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
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
    ).format(x=f"{x:.1f}", y=f"{y:.1f}", font=FONT, size=size, anchor=anchor, fill=fill, content=content)


def _rect(x, y, width, height, fill) -> Markup:
    return Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"/>').format(
        x=f"{x:.1f}", y=f"{y:.1f}", w=f"{width:.1f}", h=height, fill=fill
    )


def bar_chart(title: str, items: list[tuple[str, Decimal | None]], series: tuple[str, ...] = ("得分",),
              values2: list[Decimal | None] | None = None, maximum: float = 100, unit: str = "") -> Markup:
    """Horizontal bars, one row per item (optionally a second, lighter series such as the previous
    period); missing values are labelled "—" rather than drawn as zero."""
    label_width, bar_width, row_height = 150, 300, 22 if values2 is None else 30
    width = label_width + bar_width + 70
    height = 40 + row_height * max(len(items), 1) + 20
    parts = [SVG_OPEN.format(w=width, h=height, title=title), _text(0, 16, title, 13, fill="#111")]
    for index, name in enumerate(series):
        parts.append(_rect(label_width + index * 90, 24, 10, 10, COLORS[index]))
        parts.append(_text(label_width + index * 90 + 14, 33, name, 10))
    for row, (label, value) in enumerate(items):
        top = 44 + row * row_height
        parts.append(_text(label_width - 6, top + 12, label, 11, "end"))
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


def line_chart(title: str, points: list[tuple[str, Decimal]], unit: str = "") -> Markup:
    """A line over labelled points (e.g. months), value labels on each point, axis at zero."""
    width, height, left, right, top, bottom = 640, 220, 60, 20, 40, 40
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


def review_charts(review) -> dict[str, Markup]:
    """The charts a review shows: weighted score per employee, and each rate now vs. the previous period."""
    from portal.reports.kpis import KPIS, PERCENT

    charts = {}
    if review.employees:
        charts["scores"] = bar_chart(_("综合得分（按员工）"), [(row.label, row.score) for row in review.employees],
                                     (_("得分"),))
    codes = [code for code, spec in KPIS.items() if spec.available and spec.display == PERCENT]
    percent = [(_(KPIS[c].name), pct(review.total.figures[c].value)) for c in codes]
    charts["kpis"] = bar_chart(_("指标对比（本期 / 上期，%）"), percent, (_("本期"), _("上期")),
                               [pct(review.total.previous[c].value) for c in codes], unit="%")
    if review.trend:
        charts["deals"] = line_chart(_("月度成交金额（元，上期至本期）"), review.trend)
    return charts


def pct(value: Decimal | None) -> Decimal | None:
    return None if value is None else value * 100
