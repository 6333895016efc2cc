"""Chart geometry for server-rendered SVG (no JavaScript library). No Django.

The templates draw what these functions compute: a line chart's path, dots and axis ticks
on "nice" round numbers (1, 2, 2.5 or 5 × 10^k, as in Heckbert's "Nice numbers for graph
labels", Graphics Gems, 1990), and bars as shares of the largest value. O(points).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is at least `value` (1 for 0 or less)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value - 1e-9:
            return float(candidate)
    return float(10 ** (exponent + 1))  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str
    value: float


@dataclass(frozen=True)
class Tick:
    y: float
    value: float


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    bottom: int  # y of the x axis
    path: str  # SVG path: "M x,y L x,y …", a new "M" after each gap
    area: str  # the same closed down to the axis, for a light fill ("" with gaps)
    dots: list[Dot]
    ticks: list[Tick]
    labels: list[tuple[float, str, str]]  # (x, text, SVG text-anchor) under the axis


def line_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    width: int = 560,
    height: int = 240,
    left: int = 44,
    right: int = 12,
    top: int = 12,
    bottom_margin: int = 28,
    ticks: int = 4,
) -> LineChart:
    """Geometry of a line through `points` ((label, value), oldest first); None is a gap."""
    values = [v for _, v in points if v is not None]
    top_value = nice_ceiling(max(values, default=0))
    plot_w, plot_h = width - left - right, height - top - bottom_margin
    axis_y = top + plot_h
    step = plot_w / max(1, len(points) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return round(left + i * step, 1), round(axis_y - plot_h * v / top_value, 1)

    parts: list[str] = []
    dots: list[Dot] = []
    pen_down = False
    for i, (label, v) in enumerate(points):
        if v is None:
            pen_down = False
            continue
        x, y = xy(i, v)
        parts.append(f"{'L' if pen_down else 'M'}{x},{y}")
        dots.append(Dot(x, y, label, v))
        pen_down = True
    path = " ".join(parts)
    area = ""
    if dots and len(dots) == len(points) and len(dots) > 1:
        area = f"{path} L{dots[-1].x},{axis_y} L{dots[0].x},{axis_y} Z"
    tick_list = [
        Tick(round(axis_y - plot_h * k / ticks, 1), top_value * k / ticks) for k in range(ticks + 1)
    ]
    every = max(1, math.ceil(len(points) / 6))
    last = len(points) - 1
    labels = [
        (round(left + i * step, 1), label, "start" if i == 0 else "end" if i == last else "middle")
        for i, (label, _) in enumerate(points)
        if (i % every == 0 and last - i >= every) or i == last  # the last one never crowded
    ]
    return LineChart(width, height, left, axis_y, path, area, dots, tick_list, labels)


@dataclass(frozen=True)
class Bar:
    key: str
    value: float | None
    share: float  # 0–100, of the largest value (for the bar's width)


def bars(values: Sequence[tuple[str, float | None]]) -> list[Bar]:
    largest = max((v for _, v in values if v), default=0)
    return [Bar(key, v, round(100 * v / largest, 1) if v and largest else 0.0) for key, v in values]
