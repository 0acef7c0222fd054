"""The history chart's geometry (diplomacy/timeline/chart.py): examples, then properties for random histories."""

import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diplomacy.timeline import chart
from diplomacy.timeline.chart import Frame, Marker, Point, Reading, Series, Size

D = datetime.date
SIZE = Size()  # 560 × 300; the plot from x 66 to 546 and y 26 (100 %) to 266 (0 %)
TWO = [Series("a", "Breakthrough", 1), Series("b", "No agreement", 2)]


def y(value: float) -> float:
    """Where a percentage goes with the default size, worked out by hand: 2.4 units a point up from 266."""
    return round(266 - value * 2.4, 2)


def test_the_default_plot_area_is_where_the_margins_leave_it():
    assert (SIZE.plot_left, SIZE.plot_right, SIZE.plot_top, SIZE.plot_bottom) == (66, 546, 26, 266)
    assert (SIZE.plot_width, SIZE.plot_height) == (480, 240)


def test_margins_that_leave_no_plot_are_refused():
    with pytest.raises(ValueError, match="no room"):
        Size(width=50, left=40, right=20)


def test_percentages_map_to_the_plot_from_bottom_to_top():
    frame = Frame(SIZE, D(2025, 1, 1), D(2025, 12, 31))
    assert frame.y(0) == 266
    assert frame.y(100) == 26
    assert frame.y(50) == 146
    assert frame.y(37) == y(37) == 177.2
    assert frame.y(-5) == 266 and frame.y(120) == 26  # never outside the plot


def test_dates_map_in_proportion_and_stay_inside_the_range():
    frame = Frame(SIZE, D(2025, 1, 1), D(2025, 1, 11))
    assert frame.x(D(2025, 1, 1)) == 66
    assert frame.x(D(2025, 1, 6)) == 306
    assert frame.x(D(2025, 1, 11)) == 546
    assert frame.x(D(2024, 12, 1)) == 66 and frame.x(D(2026, 1, 1)) == 546


def test_a_step_line_holds_each_number_until_the_next_revision_and_on_to_the_end():
    readings = [
        Reading(D(2025, 1, 1), {"a": 20, "b": 80}),
        Reading(D(2025, 1, 6), {"a": 50, "b": 50}),
    ]
    drawn = chart.draw(TWO, readings, [], start=D(2025, 1, 1), end=D(2025, 1, 11))
    first, second = drawn.lines
    assert first.runs == ((Point(66, y(20)), Point(306, y(20)), Point(306, y(50)), Point(546, y(50))),)
    assert first.dots == (Point(66, y(20)), Point(306, y(50)))
    assert (first.first, first.last, second.first, second.last) == (20, 50, 80, 50)
    assert first.polylines == ["66,218 306,218 306,146 546,146"]
    assert (first.css, second.css) == ("series-1", "series-2")


def test_a_single_revision_still_draws_a_line_across():
    drawn = chart.draw(TWO, [Reading(D(2025, 3, 1), {"a": 40, "b": 60})], [], start=D(2025, 3, 1), end=D(2025, 6, 1))
    assert drawn.lines[0].runs == ((Point(66, y(40)), Point(546, y(40))),)


def test_a_range_of_no_days_is_widened_to_one_so_the_line_shows():
    drawn = chart.draw(TWO, [Reading(D(2025, 3, 1), {"a": 40, "b": 60})], [], start=D(2025, 3, 1), end=D(2025, 3, 1))
    assert drawn.end == D(2025, 3, 2)
    assert drawn.lines[0].runs == ((Point(66, y(40)), Point(546, y(40))),)


def test_revisions_on_the_same_day_step_up_and_down_in_place():
    readings = [
        Reading(D(2025, 1, 1), {"a": 10, "b": 90}),
        Reading(D(2025, 1, 5), {"a": 30, "b": 70}),
        Reading(D(2025, 1, 5), {"a": 60, "b": 40}),
    ]
    line = chart.draw(TWO, readings, [], start=D(2025, 1, 1), end=D(2025, 1, 9)).lines[0]
    x = 306
    assert line.runs[0] == (
        Point(66, y(10)),
        Point(x, y(10)),
        Point(x, y(30)),
        Point(x, y(30)),
        Point(x, y(60)),
        Point(546, y(60)),
    )
    assert len(line.dots) == 3


def test_a_revision_without_a_number_for_an_outcome_breaks_its_line_there():
    readings = [
        Reading(D(2025, 1, 1), {"a": 10, "b": 90}),
        Reading(D(2025, 1, 3), {"b": 100}),
        Reading(D(2025, 1, 5), {"a": 40, "b": 60}),
    ]
    line = chart.draw(TWO, readings, [], start=D(2025, 1, 1), end=D(2025, 1, 9)).lines[0]
    assert line.runs == (
        (Point(66, y(10)), Point(186, y(10))),
        (Point(306, y(40)), Point(546, y(40))),
    )
    assert len(line.polylines) == 2


def test_an_outcome_first_estimated_later_starts_there():
    readings = [Reading(D(2025, 1, 1), {"b": 100}), Reading(D(2025, 1, 5), {"a": 20, "b": 80})]
    line = chart.draw(TWO, readings, [], start=D(2025, 1, 1), end=D(2025, 1, 9)).lines[0]
    assert line.runs == ((Point(306, y(20)), Point(546, y(20))),)


def test_an_outcome_never_estimated_has_no_line():
    drawn = chart.draw(TWO, [Reading(D(2025, 1, 1), {"a": 100})], [], start=D(2025, 1, 1), end=D(2025, 2, 1))
    assert [line.key for line in drawn.lines] == ["a"]


def test_the_focus_is_drawn_last_and_the_others_faint():
    three = [*TWO, Series("c", "Worse", 3)]
    drawn = chart.draw(
        three,
        [Reading(D(2025, 1, 1), {"a": 20, "b": 30, "c": 50})],
        [],
        start=D(2025, 1, 1),
        end=D(2025, 2, 1),
        focus="b",
    )
    assert [line.key for line in drawn.lines] == ["a", "b", "c"]  # the legend's order: the outcomes'
    assert [line.key for line in drawn.layered] == ["a", "c", "b"]
    assert [(line.focus, line.faint) for line in drawn.lines] == [(False, True), (True, False), (False, True)]


def test_without_a_focus_no_line_is_faint():
    drawn = chart.draw(TWO, [Reading(D(2025, 1, 1), {"a": 20, "b": 80})], [], start=D(2025, 1, 1), end=D(2025, 2, 1))
    assert not any(line.faint or line.focus for line in drawn.lines)


def test_line_styles_follow_the_outcome_and_repeat_after_eight():
    many = [Series(n, f"Outcome {n}", n) for n in range(1, 11)]
    drawn = chart.draw(
        many, [Reading(D(2025, 1, 1), dict.fromkeys(range(1, 11), 10))], [], start=D(2025, 1, 1), end=D(2025, 2, 1)
    )
    assert [line.style for line in drawn.lines] == [1, 2, 3, 4, 5, 6, 7, 8, 1, 2]


def test_markers_sit_at_their_dates_in_order_and_outside_the_range_are_left_out():
    markers = [
        Marker(D(2025, 1, 6), "Later", "/developments/2/later/"),
        Marker(D(2025, 1, 1), "First", "/developments/1/first/"),
        Marker(D(2024, 12, 31), "Before", "/developments/3/before/"),
        Marker(D(2025, 2, 1), "After", "/developments/4/after/"),
    ]
    drawn = chart.draw(
        TWO, [Reading(D(2025, 1, 1), {"a": 1, "b": 99})], markers, start=D(2025, 1, 1), end=D(2025, 1, 11)
    )
    assert [(m.title, m.x, m.url) for m in drawn.markers] == [
        ("First", 66, "/developments/1/first/"),
        ("Later", 306, "/developments/2/later/"),
    ]


def test_the_y_axis_has_ticks_every_quarter():
    drawn = chart.draw(TWO, [Reading(D(2025, 1, 1), {"a": 1, "b": 99})], [], start=D(2025, 1, 1), end=D(2025, 2, 1))
    assert [(tick.position, tick.label) for tick in drawn.y_ticks] == [
        (266, "0\u2009%"),
        (206, "25\u2009%"),
        (146, "50\u2009%"),
        (86, "75\u2009%"),
        (26, "100\u2009%"),
    ]


def test_the_chart_knows_where_its_labels_go():
    drawn = chart.draw(TWO, [Reading(D(2025, 1, 1), {"a": 1, "b": 99})], [], start=D(2025, 1, 1), end=D(2025, 2, 1))
    assert drawn.view_box == "0 0 560 300"
    assert (drawn.y_label_x, drawn.x_label_y, drawn.x_tick_y, drawn.marker_y) == (58, 274, 271, 13)


def test_readings_out_of_order_or_a_backwards_range_are_refused():
    backwards = [Reading(D(2025, 2, 1), {"a": 1}), Reading(D(2025, 1, 1), {"a": 2})]
    with pytest.raises(ValueError, match="chronological"):
        chart.draw(TWO, backwards, [], start=D(2025, 1, 1), end=D(2025, 3, 1))
    with pytest.raises(ValueError, match="ends before"):
        chart.draw(TWO, [], [], start=D(2025, 3, 1), end=D(2025, 1, 1))


def test_the_range_runs_from_the_first_revision_to_today():
    assert chart.date_range(D(2025, 1, 19), D(2025, 8, 16), D(2026, 11, 29)) == (D(2025, 1, 19), D(2026, 11, 29))


def test_the_range_runs_a_little_past_a_last_point_of_today_or_later():
    assert chart.date_range(D(2025, 1, 1), D(2025, 11, 28), D(2025, 11, 28)) == (D(2025, 1, 1), D(2025, 12, 14))
    assert chart.date_range(D(2025, 1, 1), D(2025, 12, 31), D(2025, 6, 1)) == (D(2025, 1, 1), D(2026, 1, 18))
    assert chart.date_range(D(2025, 5, 1), D(2025, 5, 1), D(2025, 5, 1)) == (D(2025, 5, 1), D(2025, 5, 2))


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before the first"):
        chart.date_range(D(2025, 5, 1), D(2025, 4, 1), D(2025, 6, 1))


def ticks(start, end, size=SIZE) -> list[str]:
    return [tick.label for tick in chart.date_ticks(Frame(size, start, end))]


def test_date_ticks_for_decades_are_years():
    assert ticks(D(2001, 6, 1), D(2024, 6, 1)) == ["2005", "2010", "2015", "2020"]


def test_date_ticks_for_a_few_years_are_years_or_half_years():
    assert ticks(D(2023, 3, 1), D(2026, 11, 29)) == ["2024", "2025", "2026"]
    assert ticks(D(2025, 1, 19), D(2026, 11, 29)) == ["Jul 2025", "Jan 2026", "Jul 2026"]


def test_date_ticks_for_a_year_are_quarters_or_months():
    assert ticks(D(2025, 1, 1), D(2025, 12, 31)) == ["Jan 2025", "Apr 2025", "Jul 2025", "Oct 2025"]
    wide = Size(width=1200, label_gap=80)
    assert ticks(D(2025, 1, 1), D(2025, 12, 31), wide)[:3] == ["Jan 2025", "Feb 2025", "Mar 2025"]


def test_month_ticks_cross_the_new_year():
    assert ticks(D(2024, 11, 15), D(2025, 3, 20)) == ["Dec 2024", "Jan 2025", "Feb 2025", "Mar 2025"]


def test_date_ticks_for_weeks_and_days_count_from_the_start():
    assert ticks(D(2025, 3, 1), D(2025, 3, 29)) == ["1 Mar", "8 Mar", "15 Mar", "22 Mar"]
    assert ticks(D(2025, 3, 1), D(2025, 3, 2)) == ["1 Mar"]  # the end's label would stick out of the chart


def test_a_chart_too_small_for_two_labels_still_names_its_start():
    narrow = Size(width=120, left=10, right=10, label_gap=200)
    assert ticks(D(2025, 3, 1), D(2025, 3, 20), narrow) == ["1 Mar"]


def test_numbers_are_written_short():
    assert [chart._num(v) for v in (12.0, 12.5, 12.25, -0.001, 0.0)] == ["12", "12.5", "12.25", "0", "0"]


# Properties, for random histories.

days = st.integers(min_value=0, max_value=4000)
keys = ["a", "b", "c", "d", "e"]


@st.composite
def histories(draw):
    n = draw(st.integers(min_value=1, max_value=5))
    series = [Series(keys[i], f"Outcome {i}", i + 1) for i in range(n)]
    offsets = sorted(draw(st.lists(days, min_size=1, max_size=12)))
    start = D(2020, 1, 1)
    readings = []
    for offset in offsets:
        named = draw(st.lists(st.sampled_from(keys[:n]), unique=True, min_size=0, max_size=n))
        values = {key: draw(st.integers(min_value=0, max_value=100)) for key in named}
        readings.append(Reading(start + datetime.timedelta(days=offset), values))
    first, last = readings[0].day, readings[-1].day
    today = last + datetime.timedelta(days=draw(st.integers(min_value=-30, max_value=3000)))
    begin, end = chart.date_range(first, last, max(today, first))
    markers = [
        Marker(start + datetime.timedelta(days=offset), f"Development {i}", f"/d/{i}/")
        for i, offset in enumerate(draw(st.lists(days, max_size=6)))
    ]
    size = draw(st.sampled_from([SIZE, Size(width=360, height=240, label_gap=90), Size(width=1000, label_gap=70)]))
    return series, readings, markers, begin, end, size


def inside(point: Point, size: Size) -> bool:
    return size.plot_left <= point.x <= size.plot_right and size.plot_top <= point.y <= size.plot_bottom


@settings(max_examples=300, deadline=None)
@given(histories())
def test_every_point_is_inside_the_plot_and_x_never_goes_back(history):
    series, readings, markers, start, end, size = history
    drawn = chart.draw(series, readings, markers, start=start, end=end, size=size)
    for line in drawn.lines:
        for run in line.runs:
            assert all(inside(point, size) for point in run)
            assert all(a.x <= b.x for a, b in itertools.pairwise(run))
        assert all(inside(dot, size) for dot in line.dots)
    assert all(size.plot_left <= m.x <= size.plot_right and start <= m.day <= end for m in drawn.markers)


@settings(max_examples=300, deadline=None)
@given(histories())
def test_each_revision_adds_one_horizontal_run_and_one_vertical_move(history):
    series, readings, markers, start, end, size = history
    for line in chart.draw(series, readings, markers, start=start, end=end, size=size).lines:
        for run in line.runs:
            assert len(run) % 2 == 0 and len(run) >= 2
            for i, (a, b) in enumerate(itertools.pairwise(run)):
                assert (a.y == b.y) if i % 2 == 0 else (a.x == b.x)
        revisions_drawn = sum(len(run) // 2 for run in line.runs)
        assert revisions_drawn == len(line.dots)


@settings(max_examples=300, deadline=None)
@given(histories())
def test_there_is_one_dot_per_revision_per_outcome_at_its_number_exactly(history):
    series, readings, markers, start, end, size = history
    drawn = chart.draw(series, readings, markers, start=start, end=end, size=size)
    frame = Frame(size, drawn.start, drawn.end)
    lines = {line.key: line for line in drawn.lines}
    for one in series:
        given_numbers = [(r.day, r.values[one.key]) for r in readings if one.key in r.values]
        if not given_numbers:
            assert one.key not in lines
            continue
        line = lines[one.key]
        assert len(line.dots) == len(given_numbers)
        for dot, (day, value) in zip(line.dots, given_numbers, strict=True):
            assert dot.y == round(size.plot_bottom - value / 100 * size.plot_height, 2)
            assert dot.x == frame.x(day)
        assert (line.first, line.last) == (given_numbers[0][1], given_numbers[-1][1])
        # The last number runs on to the end of the range, unless a later revision left it out.
        if one.key in readings[-1].values:
            assert line.runs[-1][-1] == Point(size.plot_right, line.dots[-1].y)


@settings(max_examples=300, deadline=None)
@given(histories())
def test_date_labels_never_collide_and_stay_inside_the_chart(history):
    series, readings, markers, start, end, size = history
    drawn = chart.draw(series, readings, markers, start=start, end=end, size=size)
    positions = [tick.position for tick in drawn.x_ticks]
    assert positions, "at least one date is named"
    assert all(b - a >= size.label_gap for a, b in itertools.pairwise(positions))
    assert all(size.label_gap / 2 <= x <= size.width - size.label_gap / 2 for x in positions)
    assert all(size.plot_left <= x <= size.plot_right for x in positions)


@given(st.dates(), st.integers(min_value=0, max_value=20000), st.integers(min_value=-20000, max_value=20000))
def test_the_range_always_covers_every_revision_and_lasts_a_day_at_least(first, span, from_last):
    try:
        last = first + datetime.timedelta(days=span)
        today = last + datetime.timedelta(days=from_last)
    except OverflowError:
        return
    try:
        start, end = chart.date_range(first, last, today)
    except OverflowError:
        return
    assert start == first
    assert end > last and end >= today
