"""Bar charts drawn on the server as SVG: no script, readable by screen readers (a
``<title>`` and ``<desc>``; the page's table holds the same numbers)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 180
VALUE_WIDTH = 90
CHART_WIDTH = 640
MAX_BARS = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    text: str
    y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def plot_width(self) -> int:
        return self.width - LABEL_WIDTH - VALUE_WIDTH


def bar_chart(points: list[tuple[str, Decimal]], money: bool = True) -> BarChart:
    """Horizontal bars for the first :data:`MAX_BARS` points (largest first given)."""
    shown = points[:MAX_BARS]
    top = max((value for _, value in shown), default=Decimal(0))
    plot = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            label=label if len(label) <= 26 else label[:25] + "…",
            value=value,
            text=f"{value:.2f}" if money else str(value),
            y=index * (BAR_HEIGHT + GAP),
            width=float(value / top * plot) if top > 0 and value > 0 else 0.0,
        )
        for index, (label, value) in enumerate(shown)
    ]
    return BarChart(bars, height=max(len(bars) * (BAR_HEIGHT + GAP) - GAP, BAR_HEIGHT))
