"""The calibration chart of the community estimate: how often outcomes forecast at about p % happened.

Plain Python, no Django. Each outcome of a resolved topic is one `Forecast`: the community's
probability for it (the caller averages it over time) and whether it happened. `bins` groups them
into equal-width ranges of probability; a well-calibrated forecaster's 40–50 % outcomes happen
40–50 % of the time. `draw` places each non-empty bin at (mean forecast, share that happened) in
an SVG's user space, beside the diagonal where the two are equal, so a point's height above or
below the diagonal is its miscalibration; the template only writes the geometry out. A point's
area grows with its bin's count (radius ∝ √count), within bounds so that one outcome still shows
and a crowded bin does not cover its neighbours. Coordinates are rounded to hundredths of a unit,
as in diplomacy/timeline/chart.py: enough for any screen, and short.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TICKS = (0, 25, 50, 75, 100)  # percentages marked on both axes
PERCENT = "\u2009%"  # a thin space before the sign, as the pages write it
MIN_RADIUS = 3.0  # one outcome must still be seen and hovered
MAX_RADIUS = 10.0  # the largest bin's point; neighbours 10 % apart (28 units) do not overlap


@dataclass(frozen=True)
class Forecast:
    """One outcome of one resolved topic: the community's probability for it, and whether it happened."""

    probability: float  # 0..1
    happened: bool


@dataclass(frozen=True)
class Bin:
    """The outcomes forecast in [low, high): how many, their mean forecast and the share that happened
    (both None when there are none)."""

    low: float
    high: float
    count: int
    mean_forecast: float | None
    observed: float | None

    @property
    def label(self) -> str:
        """The range, "40–50 %"; one decimal where the edges are not whole percentages (thirds, say)."""
        return f"{_percent(self.low, 1)}–{_percent(self.high, 1)}{PERCENT}"

    @property
    def mean_label(self) -> str:
        return "—" if self.mean_forecast is None else f"{_percent(self.mean_forecast)}{PERCENT}"

    @property
    def observed_label(self) -> str:
        return "—" if self.observed is None else f"{_percent(self.observed)}{PERCENT}"

    @property
    def summary(self) -> str:
        """The bin in words, for a point's tooltip and the chart's description."""
        if self.count == 0:
            return f"{self.label}: no outcomes"
        if self.count == 1:
            verdict = "which happened" if self.observed else "which did not happen"
            return f"{self.label}: 1 outcome forecast {self.mean_label}, {verdict}"
        return (
            f"{self.label}: {self.count} outcomes forecast {self.mean_label} on average, {self.observed_label} happened"
        )


def bins(forecasts: Iterable[Forecast], count: int = 10) -> tuple[Bin, ...]:
    """`count` equal-width bins over [0, 1]; bin i holds [i/count, (i+1)/count), and the last also
    holds 1.0, so that a certainty is counted. Probabilities outside [0, 1], or NaN, are refused:
    they mean a bug upstream, and clamping would hide it."""
    if count < 1:
        raise ValueError("There must be at least one bin.")
    edges = [i / count for i in range(count + 1)]  # the edges Bin.low and Bin.high report, exactly
    members: list[list[Forecast]] = [[] for _ in range(count)]
    for forecast in forecasts:
        members[_index(forecast.probability, edges)].append(forecast)
    return tuple(_bin(edges[i], edges[i + 1], group) for i, group in enumerate(members))


def _index(probability: float, edges: Sequence[float]) -> int:
    # Compared with the edges themselves, not by int(p * count): p * count can round across an edge.
    if not 0.0 <= probability <= 1.0:  # also False for NaN
        raise ValueError(f"A probability must lie in [0, 1], not {probability!r}.")
    return min(bisect_right(edges, probability) - 1, len(edges) - 2)


def _bin(low: float, high: float, group: Sequence[Forecast]) -> Bin:
    if not group:
        return Bin(low, high, 0, None, None)
    mean = math.fsum(f.probability for f in group) / len(group)
    # The float mean of numbers in [low, high] can stray a last digit past an edge; it cannot truly.
    mean = min(max(mean, low), high)
    observed = sum(f.happened for f in group) / len(group)
    return Bin(low, high, len(group), mean, observed)


@dataclass(frozen=True)
class Size:
    """The chart's user space: by default a square plot (the diagonal at 45°) with room on the left
    and below for tick labels and axis titles, and at least MAX_RADIUS on every side, so that a
    point at 0 % or 100 % is not cut off."""

    width: float = 372
    height: float = 360
    left: float = 64
    right: float = 28  # room for half of the last label, "100 %", centred on the plot's edge
    top: float = 16
    bottom: float = 64

    def __post_init__(self) -> None:
        if self.plot_width <= 0 or self.plot_height <= 0:
            raise ValueError("The margins leave no room for the plot.")

    @property
    def plot_left(self) -> float:
        return self.left

    @property
    def plot_right(self) -> float:
        return self.width - self.right

    @property
    def plot_top(self) -> float:
        return self.top

    @property
    def plot_bottom(self) -> float:
        return self.height - self.bottom

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    def x(self, share: float) -> float:
        """A probability along the x axis: 0 at the plot's left, 1 at its right."""
        return round(self.plot_left + share * self.plot_width, 2)

    def y(self, share: float) -> float:
        """A probability up the y axis: 0 at the plot's bottom, 1 at its top."""
        return round(self.plot_bottom - share * self.plot_height, 2)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Place:
    x: float
    y: float


@dataclass(frozen=True)
class Point:
    """A non-empty bin drawn at (mean forecast, observed), and the diagonal's height at its x: the
    vertical segment between the two is how far the bin's outcomes missed their forecast."""

    bin: Bin
    x: float
    y: float
    radius: float
    diagonal_y: float

    @property
    def title(self) -> str:
        return self.bin.summary


@dataclass(frozen=True)
class CalibrationChart:
    size: Size
    bins: tuple[Bin, ...]
    points: tuple[Point, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    diagonal: Segment

    @property
    def view_box(self) -> str:
        return f"0 0 {_num(self.size.width)} {_num(self.size.height)}"

    @property
    def outcomes(self) -> int:
        return sum(b.count for b in self.bins)

    @property
    def y_label_x(self) -> float:
        """Where the percentages end, left of the plot."""
        return self.size.plot_left - 8

    @property
    def x_label_y(self) -> float:
        """Where the percentages hang from, under the plot."""
        return self.size.plot_bottom + 8

    @property
    def x_title(self) -> Place:
        """The middle of the x axis's title on its baseline, under the tick labels."""
        return Place(round(self.size.plot_left + self.size.plot_width / 2, 2), self.size.plot_bottom + 40)

    @property
    def y_title(self) -> Place:
        """The middle of the y axis's title on its baseline, left of the tick labels; the template
        turns it a quarter to read upwards."""
        return Place(self.size.plot_left - 46, round(self.size.plot_top + self.size.plot_height / 2, 2))

    @property
    def described(self) -> str:
        """One sentence for the SVG's <desc>: what is drawn, and the bin furthest from the diagonal."""
        if not self.points:
            return "No outcome of a resolved topic to show yet: the chart has only its diagonal."
        worst = max(self.points, key=lambda p: abs(p.y - p.diagonal_y)).bin
        outcomes = f"{self.outcomes} outcome{'s' if self.outcomes != 1 else ''}"
        groups = f"{len(self.points)} group{'s' if len(self.points) != 1 else ''}"
        return (
            f"{outcomes} of resolved topics in {groups} by the community’s forecast, each a point that lies "
            f"on the diagonal when its outcomes happened as often as forecast; the furthest from it is {worst.summary}."
        )


def draw(bins: Sequence[Bin], size: Size | None = None) -> CalibrationChart:
    """The chart of `bins` (from `bins()`): a point for each non-empty one, sized by its count
    relative to the fullest, ticks every 25 % on both axes, and the diagonal of perfect calibration."""
    size = size or Size()
    fullest = max((b.count for b in bins), default=0)
    points = tuple(_point(b, size, fullest) for b in bins if b.count)
    ticks = [(value / 100, f"{value}{PERCENT}") for value in TICKS]
    return CalibrationChart(
        size=size,
        bins=tuple(bins),
        points=points,
        x_ticks=tuple(Tick(size.x(share), label) for share, label in ticks),
        y_ticks=tuple(Tick(size.y(share), label) for share, label in ticks),
        diagonal=Segment(size.x(0), size.y(0), size.x(1), size.y(1)),
    )


def _point(bin_: Bin, size: Size, fullest: int) -> Point:
    assert bin_.mean_forecast is not None and bin_.observed is not None  # a non-empty bin has both
    radius = max(MIN_RADIUS, MAX_RADIUS * math.sqrt(bin_.count / fullest))
    return Point(
        bin=bin_,
        x=size.x(bin_.mean_forecast),
        y=size.y(bin_.observed),
        radius=round(radius, 2),
        diagonal_y=size.y(bin_.mean_forecast),
    )


def _percent(share: float, digits: int = 0) -> str:
    """A share as a percentage, without trailing zeros: 0.25 → "25", 1/3 with one digit → "33.3"."""
    text = f"{share * 100:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _num(value: float) -> str:
    """A coordinate as SVG wants it: short, no trailing zeros, never "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
