"""The geometry of a topic's history chart: step lines of its outcomes' likelihoods over time.

Plain Python, no Django: given the outcomes, the revisions in order, the developments to mark
and a date range, `draw` returns where everything goes in an SVG's user space (a `Size`); the
template only writes it out. The lines are step functions: an estimate holds from its revision's
date until the next revision changes it, so each revision adds one horizontal run (the old value,
held until that day) and one vertical move (to the new value), and the last value runs on to the
end of the range. Numbers are rounded to hundredths of a unit: enough for any screen, and short.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

FULL = 100
Y_TICKS = (0, 25, 50, 75, 100)
# Line styles are numbered series-1 … series-8 in static/css/chart.css; more outcomes reuse them.
STYLES = 8
PERCENT = "\u2009%"  # a thin space before the sign, as the pages write it
# English, whatever the server's locale: the pages are in English.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
Unit = Literal["day", "month", "year"]
# Candidate spacings of the date axis, finest first: the finest whose labels do not collide wins.
DATE_STEPS: tuple[tuple[Unit, int], ...] = (
    ("day", 1),
    ("day", 2),
    ("day", 7),
    ("day", 14),
    ("month", 1),
    ("month", 2),
    ("month", 3),
    ("month", 6),
    ("year", 1),
    ("year", 2),
    ("year", 5),
    ("year", 10),
    ("year", 25),
    ("year", 50),
    ("year", 100),
)


@dataclass(frozen=True)
class Size:
    """The chart's user space: its whole width and height, the margins around the plot, and the
    room a date label needs (labels closer than that would collide at the largest type size)."""

    width: float = 560
    height: float = 300
    left: float = 66
    right: float = 14
    top: float = 26
    bottom: float = 34
    label_gap: float = 100

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


@dataclass(frozen=True)
class Series:
    """One outcome's line: `key` names it in the revisions, `index` (1-based) picks its style."""

    key: Hashable
    name: str
    index: int


@dataclass(frozen=True)
class Reading:
    """The numbers a revision set, from its date on; outcomes it does not name have no number then."""

    day: datetime.date
    values: Mapping[Any, int]  # by series key


@dataclass(frozen=True)
class Marker:
    """A development to mark on the date axis, linked to its page."""

    day: datetime.date
    title: str
    url: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Line:
    """An outcome's step line, in one or more runs (a run stops where a revision gives it no
    number), and a dot at each revision's number."""

    key: Hashable
    name: str
    style: int
    runs: tuple[tuple[Point, ...], ...]
    dots: tuple[Point, ...]
    first: int
    last: int
    focus: bool = False
    faint: bool = False
    community: bool = False  # the community's line for this outcome, not the editors'

    @property
    def css(self) -> str:
        return f"series-{self.style}" + (" is-community" if self.community else "")

    @property
    def polylines(self) -> list[str]:
        """Each run as an SVG `points` attribute."""
        return [" ".join(f"{_num(p.x)},{_num(p.y)}" for p in run) for run in self.runs]


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class PlacedMarker:
    x: float
    day: datetime.date
    title: str
    url: str


@dataclass(frozen=True)
class Chart:
    size: Size
    start: datetime.date
    end: datetime.date
    lines: tuple[Line, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    markers: tuple[PlacedMarker, ...] = field(default=())

    @property
    def view_box(self) -> str:
        return f"0 0 {_num(self.size.width)} {_num(self.size.height)}"

    @property
    def layered(self) -> tuple[Line, ...]:
        """The lines in drawing order: the focus last, on top of the others."""
        return tuple(sorted(self.lines, key=lambda line: line.focus))

    @property
    def editors_lines(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if not line.community)

    @property
    def community_lines(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.community)

    @property
    def y_label_x(self) -> float:
        """Where the percentages end, left of the plot."""
        return self.size.plot_left - 8

    @property
    def x_label_y(self) -> float:
        """Where the dates hang from, under the plot."""
        return self.size.plot_bottom + 8

    @property
    def x_tick_y(self) -> float:
        """Where the date ticks end, under the plot."""
        return self.size.plot_bottom + 5

    @property
    def marker_y(self) -> float:
        """The middle of the band above the plot where developments are marked."""
        return self.size.plot_top - self.size.top / 2


def _num(value: float) -> str:
    """A coordinate as SVG wants it: short, no trailing zeros, never "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def date_range(first: datetime.date, last: datetime.date, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """From the first revision to today; when the last point is today or later (or all fall on
    one day), a little past it, so that its number shows as a run and not a dot."""
    if last < first:
        raise ValueError("The last revision comes before the first.")
    if last < today:
        return first, today
    pad = max(1, (last - first).days // 20)
    return first, last + datetime.timedelta(days=pad)


@dataclass(frozen=True)
class Frame:
    """Maps dates and percentages into the plot area of `size`."""

    size: Size
    start: datetime.date
    end: datetime.date

    def x(self, day: datetime.date) -> float:
        """Days since the start, in proportion; dates outside the range sit at its edges."""
        span = max((self.end - self.start).days, 1)
        share = min(max((day - self.start).days / span, 0.0), 1.0)
        return round(self.size.plot_left + share * self.size.plot_width, 2)

    def y(self, value: float) -> float:
        """0 % at the bottom of the plot, 100 % at its top."""
        share = min(max(value, 0), FULL) / FULL
        return round(self.size.plot_bottom - share * self.size.plot_height, 2)


def draw(
    series: Sequence[Series],
    readings: Sequence[Reading],
    markers: Iterable[Marker],
    *,
    start: datetime.date,
    end: datetime.date,
    size: Size | None = None,
    focus: Hashable | None = None,
    community: Sequence[Reading] = (),
) -> Chart:
    """The chart of `readings` (in chronological order) for `series`, from `start` to `end`.

    With `focus`, that series is marked as the focus (drawn last, on top) and the others faint.
    Markers outside the range are left out. A series no reading gives a number has no line.
    `community` readings (the community's estimates, in order) add a second line per series, in
    its style but dashed, after the editors' lines."""
    if end < start:
        raise ValueError("The range ends before it starts.")
    end = max(end, start + datetime.timedelta(days=1))  # a day at least, so that a number shows as a run
    for kept in (readings, community):
        if any(later.day < earlier.day for earlier, later in itertools.pairwise(kept)):
            raise ValueError("Readings must be in chronological order.")
    size = size or Size()
    frame = Frame(size, start, end)
    faint = focus is not None
    lines = [line for one in series if (line := _line(one, readings, frame, focus=focus, others_faint=faint))]
    lines += [
        replace(line, community=True, dots=())  # no dot per reading: there may be one a day
        for one in series
        if (line := _line(one, community, frame, focus=focus, others_faint=faint))
    ]
    return Chart(
        size=size,
        start=start,
        end=end,
        lines=tuple(lines),
        y_ticks=tuple(Tick(frame.y(value), f"{value}{PERCENT}") for value in Y_TICKS),
        x_ticks=date_ticks(frame),
        markers=tuple(
            PlacedMarker(frame.x(marker.day), marker.day, marker.title, marker.url)
            for marker in sorted(markers, key=lambda marker: marker.day)
            if start <= marker.day <= end
        ),
    )


def _line(series: Series, readings: Sequence[Reading], frame: Frame, *, focus, others_faint: bool) -> Line | None:
    runs: list[tuple[Point, ...]] = []
    run: list[Point] = []
    dots: list[Point] = []
    values: list[int] = []
    for reading in readings:
        x = frame.x(reading.day)
        value = reading.values.get(series.key)
        if run:  # the number so far holds until this revision
            run.append(Point(x, run[-1].y))
        if value is None:
            if run:
                runs.append(tuple(run))
                run = []
            continue
        point = Point(x, frame.y(value))
        run.append(point)
        dots.append(point)
        values.append(value)
    if not values:
        return None
    if run:  # the latest number holds to the end
        run.append(Point(frame.x(frame.end), run[-1].y))
        runs.append(tuple(run))
    is_focus = focus is not None and series.key == focus
    return Line(
        key=series.key,
        name=series.name,
        style=(series.index - 1) % STYLES + 1,
        runs=tuple(runs),
        dots=tuple(dots),
        first=values[0],
        last=values[-1],
        focus=is_focus,
        faint=others_faint and not is_focus,
    )


def date_ticks(frame: Frame) -> tuple[Tick, ...]:
    """Dates along the x axis: the finest spacing (days, weeks, months, quarters, years…) whose
    labels are at least `label_gap` apart and fit inside the chart; at least the start's."""
    span = (frame.end - frame.start).days
    for unit, step in DATE_STEPS:
        if unit == "day" and step <= span and step * frame.size.plot_width / span < frame.size.label_gap - 0.01:
            continue  # evenly spaced and too close: known without listing every day of a long range
        days = list(_tick_dates(frame.start, frame.end, unit, step))
        positions = [frame.x(day) for day in days]
        if any(b - a < frame.size.label_gap for a, b in itertools.pairwise(positions)):
            continue
        ticks = tuple(
            Tick(x, _label(day, unit))
            for day, x in zip(days, positions, strict=True)
            if frame.size.label_gap / 2 <= x <= frame.size.width - frame.size.label_gap / 2
        )
        if ticks:
            return ticks
    return (Tick(frame.x(frame.start), _label(frame.start, "day")),)


def _tick_dates(start: datetime.date, end: datetime.date, unit: Unit, step: int) -> Iterable[datetime.date]:
    if unit == "day":  # counted from the start, so the start always has its label
        for n in range(0, (end - start).days + 1, step):
            yield start + datetime.timedelta(days=n)
        return
    if unit == "month":
        year, month = start.year, start.month
        if start.day > 1:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        while (day := datetime.date(year, month, 1)) <= end:
            if (month - 1) % step == 0:
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return
    year = start.year if (start.month, start.day) == (1, 1) else start.year + 1
    year += -year % step
    while year <= end.year:
        yield datetime.date(year, 1, 1)
        year += step


def _label(day: datetime.date, unit: Unit) -> str:
    if unit == "year":
        return str(day.year)
    if unit == "month":
        return f"{MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {MONTHS[day.month - 1]}"
