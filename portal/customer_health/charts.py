"""The monthly health history as a server-rendered SVG (same helpers as portal/reports/charts.py)."""
from flask_babel import gettext as _
from markupsafe import Markup

from portal.reports.charts import COLORS, SVG_CLOSE, SVG_OPEN, _text

BAND_COLORS = {"健康": "#e6f4ea", "关注": "#fff4e0", "风险": "#fde8e8"}


def history_chart(title: str, points: list[tuple[str, int | None]], thresholds: dict[str, int]) -> Markup:
    """Scores 0–100 by month over level bands (风险 / 关注 / 健康); a month without a score is a gap."""
    width, height, left, right, top, bottom = 560, 200, 36, 16, 28, 30
    inner_w, inner_h = width - left - right, height - top - bottom

    def y_of(score: float) -> float:
        return top + inner_h - score / 100 * inner_h

    parts = [SVG_OPEN.format(w=width, h=height, title=title), _text(0, 14, title, 12, fill="#111")]
    for level, low, high in (("风险", 0, thresholds["watch"]), ("关注", thresholds["watch"], thresholds["healthy"]),
                             ("健康", thresholds["healthy"], 100)):
        parts.append(Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"/>').format(
            x=left, y=f"{y_of(high):.1f}", w=inner_w, h=f"{y_of(low) - y_of(high):.1f}", fill=BAND_COLORS[level]))
        parts.append(_text(left - 4, y_of((low + high) / 2) + 4, _(level), 10, "end", "#555"))
    step = inner_w / max(len(points) - 1, 1)
    segment: list[str] = []
    segments: list[list[str]] = []
    for index, (label, score) in enumerate(points):
        x = left + index * step if len(points) > 1 else left + inner_w / 2
        parts.append(_text(x, top + inner_h + 16, label, 10, "middle"))
        if score is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x:.1f},{y_of(score):.1f}")
        parts.append(Markup('<circle cx="{x}" cy="{y}" r="3" fill="{color}"/>').format(
            x=f"{x:.1f}", y=f"{y_of(score):.1f}", color=COLORS[0]))
        parts.append(_text(x, y_of(score) - 6, str(score), 9, "middle", "#333"))
    if segment:
        segments.append(segment)
    for points_text in segments:
        parts.append(Markup('<polyline points="{p}" fill="none" stroke="{color}" stroke-width="2"/>').format(
            p=" ".join(points_text), color=COLORS[0]))
    parts.append(SVG_CLOSE)
    return Markup("").join(parts)
