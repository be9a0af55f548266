"""Bar charts drawn as SVG on the server (no JavaScript): geometry only, the template draws.

Each chart carries its values: a value axis with round steps and grid lines, category labels
spaced so that they never overlap, the exact figure of every bar in its `<title>` (on hover),
and for the horizontal chart the figure printed at the end of each bar. The template also
lists the figures in a table under the chart, for touch screens and screen readers.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

# Average width of a character of the 12 px axis font, in chart units (a chart unit is a pixel
# at the chart's full width): used to keep labels apart and inside their margin.
CHAR_WIDTH = 7.2
LABEL_GAP = 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: Decimal
    title: str  # "label: figure", shown on hover
    value_text: str = ""  # printed at the end of the bar (horizontal charts)
    text_x: float = 0.0
    text_y: float = 0.0


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    max_value: Decimal
    horizontal: bool
    # The plot area: the value axis runs along its left (vertical) or bottom (horizontal) edge.
    left: float
    top: float
    right: float
    bottom: float
    value_ticks: list[Tick]  # round values, with their grid line
    ticks: list[Tick]  # category labels (vertical charts)


def nice_step(top: float, steps: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) that covers `top` in about `steps` steps."""
    if top <= 0:
        return 1.0
    raw = top / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * magnitude >= raw:
            return m * magnitude
    return 10 * magnitude


def _value_axis(max_value: Decimal) -> tuple[float, list[float]]:
    step = nice_step(float(max_value))
    n = max(1, math.ceil(float(max_value) / step))
    return step * n, [step * i for i in range(n + 1)]


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def bar_chart(
    points: list[tuple[str, Decimal]],
    *,
    width: int = 900,
    height: int = 260,
    fmt: Callable[[Decimal], str] = str,
    axis_fmt: Callable[[Decimal], str] | None = None,
) -> Chart:
    """Vertical bars (e.g. one per day) under a value axis; `fmt` formats a figure."""
    axis_fmt = axis_fmt or fmt
    max_value = max((v for _, v in points), default=Decimal("0"))
    top_value, steps = _value_axis(max_value)
    labels = [axis_fmt(Decimal(str(s))) for s in steps]
    left = max(_text_width(t) for t in labels) + LABEL_GAP
    widest = max((_text_width(label) for label, _ in points), default=0)
    # Room on the right for half of the last label, which is centred under the last bar.
    top, right, bottom = 12.0, width - max(12.0, widest / 2 + 4), height - 28.0
    plot_w, plot_h = right - left, bottom - top
    value_ticks = [Tick(left, round(bottom - s / top_value * plot_h, 2), t) for s, t in zip(steps, labels, strict=True)]

    n = max(len(points), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.8, 1)
    label_every = max(1, math.ceil((widest + LABEL_GAP) / slot))
    bars, ticks = [], []
    for i, (label, value) in enumerate(points):
        h = float(value) / top_value * plot_h
        x = left + i * slot + (slot - bar_w) / 2
        bars.append(
            Bar(round(x, 2), round(bottom - h, 2), round(bar_w, 2), round(h, 2), label, value, f"{label}: {fmt(value)}")
        )
        # Counted from the last bar, so that today always has its label.
        if (n - 1 - i) % label_every == 0:
            ticks.append(Tick(round(x + bar_w / 2, 2), height - 8, label))
    return Chart(width, height, bars, max_value, False, left, top, right, bottom, value_ticks, ticks)


def horizontal_bar_chart(
    points: list[tuple[str, Decimal]],
    *,
    width: int = 900,
    row: int = 30,
    fmt: Callable[[Decimal], str] = str,
    name_chars: int = 28,
) -> Chart:
    """One horizontal bar per name (e.g. per biller), its figure printed at its end.

    Names get a row each, so they never overlap; a name longer than `name_chars` is cut
    with "…" (the whole name stays in the bar's title).
    """
    max_value = max((v for _, v in points), default=Decimal("0"))
    top_value, steps = _value_axis(max_value)
    names = [label if len(label) <= name_chars else label[: name_chars - 1] + "…" for label, _ in points]
    left = max((_text_width(t) for t in names), default=0) + LABEL_GAP
    right = width - max((_text_width(fmt(v)) for _, v in points), default=0) - LABEL_GAP
    top = 8.0
    bottom = top + row * max(len(points), 1)
    height = int(bottom + 26)
    plot_w = right - left
    value_ticks = [Tick(round(left + s / top_value * plot_w, 2), height - 8, fmt(Decimal(str(s)))) for s in steps]
    # Only the axis labels that fit side by side: the first, then every k-th.
    widest = max(_text_width(t.label) for t in value_ticks)
    every = max(1, math.ceil((widest + LABEL_GAP) / (plot_w / max(len(steps) - 1, 1))))
    value_ticks = [t if i % every == 0 else Tick(t.x, t.y, "") for i, t in enumerate(value_ticks)]
    bars = []
    for i, ((label, value), name) in enumerate(zip(points, names, strict=True)):
        w = float(value) / top_value * plot_w
        y = top + i * row + row * 0.15
        bars.append(
            Bar(
                round(left, 2),
                round(y, 2),
                round(w, 2),
                round(row * 0.7, 2),
                name,
                value,
                f"{label}: {fmt(value)}",
                fmt(value),
                round(left + w + 6, 2),
                round(y + row * 0.35, 2),
            )
        )
    return Chart(width, height, bars, max_value, True, left, top, right, bottom, value_ticks, [])
