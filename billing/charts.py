"""Bar charts drawn as SVG on the server (no JavaScript): geometry only, the template draws."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: Decimal
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    max_value: Decimal
    axis_y: float
    ticks: list[tuple[float, str]]  # (x, label) under the bars


def bar_chart(
    points: list[tuple[str, Decimal]],
    *,
    width: int = 900,
    height: int = 220,
    label_every: int = 1,
    fmt=str,
) -> Chart:
    """Vertical bars scaled to the largest value; `fmt` formats a value for the bar's tooltip."""
    top, bottom, side = 10, 30, 20  # room for the labels under the first and last bars
    plot_h = height - top - bottom
    n = max(len(points), 1)
    slot = (width - 2 * side) / n
    bar_w = max(slot * 0.8, 1)
    max_value = max((v for _, v in points), default=Decimal("0"))
    bars = []
    ticks = []
    for i, (label, value) in enumerate(points):
        h = float(value / max_value) * plot_h if max_value > 0 else 0.0
        x = side + i * slot + (slot - bar_w) / 2
        bars.append(
            Bar(
                round(x, 2),
                round(top + plot_h - h, 2),
                round(bar_w, 2),
                round(h, 2),
                label,
                value,
                f"{label}: {fmt(value)}",
            )
        )
        if i % label_every == 0:
            ticks.append((round(x + bar_w / 2, 2), label))
    return Chart(width, height, bars, max_value, top + plot_h, ticks)
