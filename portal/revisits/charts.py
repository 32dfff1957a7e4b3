"""Small server-rendered SVG charts (no script, no inline style: CSP) for the revisit analysis."""
from dataclasses import dataclass

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP, PAD_RIGHT = 560, 200, 36, 28, 12, 30


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list  # (x, y, label, value)
    polyline: str
    bars: list  # (x, y, w, h, label, value)
    gridlines: list  # (y, label)
    baseline: int


def _scale(value: float, max_value: float) -> float:
    plot = HEIGHT - PAD_BOTTOM - PAD_TOP
    return HEIGHT - PAD_BOTTOM - (plot * value / max_value if max_value else 0)


def _grid(max_value: float) -> list:
    steps = 5
    return [(round(_scale(max_value * i / steps, max_value), 1), f"{max_value * i / steps:g}") for i in range(steps + 1)]


def line_chart(series: list[tuple[str, float]], max_value: float) -> Chart:
    """A line of (label, value) points, e.g. mean satisfaction per month on a 0–5 axis."""
    step = (WIDTH - PAD_LEFT - 10 - PAD_RIGHT) / max(len(series) - 1, 1)
    points = [(round(PAD_LEFT + 10 + i * step, 1), round(_scale(v, max_value), 1), label, v)
              for i, (label, v) in enumerate(series)]
    polyline = " ".join(f"{x},{y}" for x, y, _l, _v in points)
    return Chart(WIDTH, HEIGHT, points, polyline, [], _grid(max_value), HEIGHT - PAD_BOTTOM)


def bar_chart(series: list[tuple[str, int]]) -> Chart:
    """Bars of (label, count), e.g. issues raised per category."""
    # Counts: whole-number gridlines (five steps of ceil(max / 5)).
    max_value = 5 * -(-max([v for _l, v in series] + [1]) // 5)
    slot = (WIDTH - PAD_LEFT - 10) / max(len(series), 1)
    bars = []
    for i, (label, value) in enumerate(series):
        top = _scale(value, max_value)
        bars.append((round(PAD_LEFT + i * slot + slot * 0.2, 1), round(top, 1), round(slot * 0.6, 1),
                     round(HEIGHT - PAD_BOTTOM - top, 1), label, value))
    return Chart(WIDTH, HEIGHT, [], "", bars, _grid(max_value), HEIGHT - PAD_BOTTOM)
