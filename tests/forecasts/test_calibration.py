"""The calibration chart (diplomacy/forecasts/calibration.py, templates/forecasts/_calibration.html):
binning by hand, the drawing's geometry, properties for random forecasts, and the include's markup."""

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from diplomacy.forecasts import calibration
from diplomacy.forecasts.calibration import MAX_RADIUS, MIN_RADIUS, Bin, Forecast, Segment, Size, bins, draw
from tests.html_check import check, describe, java_or_skip

SIZE = Size()  # 372 × 360; the plot from x 64 to 344 and y 16 (100 %) to 296 (0 %): 2.8 units a point
SVG = "{http://www.w3.org/2000/svg}"
T = "\u2009"  # the thin space before %


def yes(p: float) -> Forecast:
    return Forecast(p, happened=True)


def no(p: float) -> Forecast:
    return Forecast(p, happened=False)


# Binning, by hand


def test_three_forecasts_fall_into_their_bins_with_their_means_and_shares():
    result = bins([yes(0.05), no(0.44), yes(0.46)])
    assert len(result) == 10
    assert result[0] == Bin(0.0, 0.1, 1, 0.05, 1.0)
    assert result[4] == Bin(0.4, 0.5, 2, pytest.approx(0.45), 0.5)
    assert all(b == Bin(b.low, b.high, 0, None, None) for i, b in enumerate(result) if i not in (0, 4))


def test_the_bins_tile_zero_to_one_without_gaps():
    result = bins([])
    assert [(b.low, b.high) for b in result] == [(i / 10, (i + 1) / 10) for i in range(10)]
    assert result[0].low == 0.0 and result[-1].high == 1.0


def test_no_forecasts_leave_every_bin_empty():
    assert all(b.count == 0 and b.mean_forecast is None and b.observed is None for b in bins([]))


@pytest.mark.parametrize(
    ("probability", "index"),
    [(0.0, 0), (0.0999, 0), (0.1, 1), (0.2, 2), (0.3, 3), (0.5, 5), (0.7, 7), (0.9, 9), (0.99, 9), (1.0, 9)],
)
def test_a_probability_goes_into_the_bin_that_starts_at_or_below_it(probability, index):
    """Bin i is [i/10, (i+1)/10): an edge belongs to the bin above it, except 1.0, which has none."""
    result = bins([yes(probability)])
    assert [i for i, b in enumerate(result) if b.count] == [index]


def test_edges_that_are_not_whole_percentages_are_kept_exactly():
    result = bins([yes(1 / 3), no(0.3333), yes(2 / 3)], count=3)
    assert [b.count for b in result] == [1, 1, 1]
    assert result[1].low == 1 / 3 and result[1].mean_forecast == 1 / 3


def test_one_bin_holds_everything():
    (only,) = bins([yes(0.0), no(0.5), no(1.0)], count=1)
    assert only == Bin(0.0, 1.0, 3, 0.5, pytest.approx(1 / 3))


def test_the_forecasts_may_come_from_a_generator():
    assert sum(b.count for b in bins(yes(p / 100) for p in range(101))) == 101


@pytest.mark.parametrize("probability", [-0.01, 1.01, -math.inf, math.inf, math.nan])
def test_a_probability_outside_zero_to_one_is_refused(probability):
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bins([yes(0.5), yes(probability)])


@pytest.mark.parametrize("count", [0, -1])
def test_there_must_be_a_bin(count):
    with pytest.raises(ValueError, match="at least one bin"):
        bins([], count=count)


# Words


def test_a_bin_in_words():
    (bin_,) = [b for b in bins([yes(0.42), no(0.44), no(0.46)]) if b.count]
    assert bin_.label == f"40–50{T}%"
    assert (bin_.mean_label, bin_.observed_label) == (f"44{T}%", f"33{T}%")
    assert bin_.summary == f"40–50{T}%: 3 outcomes forecast 44{T}% on average, 33{T}% happened"


def test_a_bin_of_one_says_whether_it_happened():
    assert bins([yes(0.72)])[7].summary == f"70–80{T}%: 1 outcome forecast 72{T}%, which happened"
    assert bins([no(0.72)])[7].summary == f"70–80{T}%: 1 outcome forecast 72{T}%, which did not happen"


def test_an_empty_bin_in_words():
    empty = bins([])[0]
    assert (empty.label, empty.mean_label, empty.observed_label) == (f"0–10{T}%", "—", "—")
    assert empty.summary == f"0–10{T}%: no outcomes"


def test_edges_of_thirds_and_eighths_show_one_decimal():
    assert [b.label for b in bins([], count=3)] == [f"0–33.3{T}%", f"33.3–66.7{T}%", f"66.7–100{T}%"]
    assert bins([], count=8)[1].label == f"12.5–25{T}%"


# The drawing, by hand


def test_the_default_plot_is_a_square_where_the_margins_leave_it():
    assert (SIZE.plot_left, SIZE.plot_right, SIZE.plot_top, SIZE.plot_bottom) == (64, 344, 16, 296)
    assert SIZE.plot_width == SIZE.plot_height == 280


def test_margins_that_leave_no_plot_are_refused():
    with pytest.raises(ValueError, match="no room"):
        Size(width=70, left=60, right=20)


def test_the_diagonal_runs_from_bottom_left_to_top_right():
    assert draw(bins([])).diagonal == Segment(64, 296, 344, 16)


def test_both_axes_are_marked_every_quarter_with_thin_spaced_percentages():
    chart = draw(bins([]))
    labels = [f"{v}{T}%" for v in (0, 25, 50, 75, 100)]
    assert [(t.position, t.label) for t in chart.x_ticks] == list(zip([64, 134, 204, 274, 344], labels, strict=True))
    assert [(t.position, t.label) for t in chart.y_ticks] == list(zip([296, 226, 156, 86, 16], labels, strict=True))


def test_a_point_sits_at_its_mean_forecast_and_share_with_its_gap_to_the_diagonal():
    chart = draw(bins([yes(0.05), no(0.44), yes(0.46)]))
    first, second = chart.points
    assert (first.x, first.y, first.diagonal_y) == (64 + 14, 16, 296 - 14)  # 5 %: 2.8 × 5 = 14 units
    assert (second.x, second.y, second.diagonal_y) == (190, 156, 170)  # 45 % forecast, 50 % happened
    assert second.title == f"40–50{T}%: 2 outcomes forecast 45{T}% on average, 50{T}% happened"
    assert first.title == first.bin.summary


def test_the_fullest_bin_has_the_largest_point_and_small_ones_are_raised_to_the_least_that_shows():
    forecasts = [yes(0.15)] + [no(0.55)] * 4 + [yes(0.95)] * 100
    by_count = {p.bin.count: p.radius for p in draw(bins(forecasts)).points}
    assert by_count == {100: MAX_RADIUS, 4: MIN_RADIUS, 1: MIN_RADIUS}  # √(4/100) × 10 = 2 and 1: too small


def test_radii_between_the_bounds_follow_the_square_root():
    by_count = {p.bin.count: p.radius for p in draw(bins([yes(0.15)] * 4 + [yes(0.55)] * 9)).points}
    assert by_count == {9: 10, 4: round(10 * 2 / 3, 2)}


def test_coordinates_are_rounded_to_hundredths():
    (point,) = draw(bins([yes(1 / 3)], count=3)).points
    assert point.x == 157.33  # 64 + 280 / 3
    assert point.diagonal_y == 202.67


def test_nothing_resolved_draws_the_diagonal_and_no_point():
    chart = draw(bins([]))
    assert chart.points == () and chart.outcomes == 0
    assert chart.described == "No outcome of a resolved topic to show yet: the chart has only its diagonal."


def test_the_description_names_the_bin_furthest_from_the_diagonal():
    chart = draw(bins([yes(0.05), no(0.44), yes(0.46)]))
    assert chart.described == (
        "3 outcomes of resolved topics in 2 groups by the community’s forecast, each a point that lies on the "
        f"diagonal when its outcomes happened as often as forecast; the furthest from it is 0–10{T}%: 1 outcome "
        f"forecast 5{T}%, which happened."
    )


def test_one_outcome_is_described_in_the_singular():
    assert draw(bins([no(0.5)])).described.startswith("1 outcome of resolved topics in 1 group by")


def test_the_view_box_and_label_places_follow_the_size():
    chart = draw(bins([]), Size(width=400.5, height=380, left=70, right=20, top=10, bottom=60))
    assert chart.view_box == "0 0 400.5 380"
    assert chart.diagonal == Segment(70, 320, 380.5, 10)
    assert (chart.y_label_x, chart.x_label_y) == (62, 328)
    assert (chart.x_title.x, chart.x_title.y) == (225.25, 360)
    assert (chart.y_title.x, chart.y_title.y) == (24, 165)


@pytest.mark.parametrize(
    ("value", "text"), [(12.0, "12"), (12.5, "12.5"), (0.004, "0"), (-0.001, "0"), (1 / 3, "0.33")]
)
def test_numbers_are_written_short(value, text):
    assert calibration._num(value) == text


# Properties, for random forecasts

probabilities = st.one_of(
    st.floats(0, 1, allow_nan=False),
    st.sampled_from([0.0, 1.0, 0.1, 0.2, 0.3, 0.7, 1 / 3, 2 / 3, 0.999999999]),
    st.integers(0, 100).map(lambda p: p / 100),
)
forecast_lists = st.lists(st.builds(Forecast, probabilities, st.booleans()), max_size=60)
counts = st.integers(1, 40)


@given(forecast_lists, counts)
def test_every_forecast_is_counted_once(forecasts, count):
    result = bins(forecasts, count)
    assert len(result) == count
    assert sum(b.count for b in result) == len(forecasts)


@given(forecast_lists, counts)
def test_each_forecast_lies_in_its_bin(forecasts, count):
    result = bins(forecasts, count)
    for forecast in forecasts:
        (home,) = [b for b in result if b.low <= forecast.probability < b.high or forecast.probability == b.high == 1]
        assert home.count > 0


@given(forecast_lists, counts)
def test_means_lie_within_their_bins_and_shares_within_zero_and_one(forecasts, count):
    for b in bins(forecasts, count):
        assert (b.count == 0) == (b.mean_forecast is None) == (b.observed is None)
        if b.count:
            assert b.mean_forecast is not None and b.observed is not None
            assert b.low <= b.mean_forecast <= b.high
            assert 0 <= b.observed <= 1


@given(forecast_lists, counts)
def test_every_point_lies_inside_the_plot_and_its_dot_inside_the_drawing(forecasts, count):
    chart = draw(bins(forecasts, count))
    size = chart.size
    assert len(chart.points) == sum(1 for b in chart.bins if b.count)
    for point in chart.points:
        assert size.plot_left <= point.x <= size.plot_right
        assert size.plot_top <= point.y <= size.plot_bottom
        assert MIN_RADIUS <= point.radius <= MAX_RADIUS
        assert point.radius <= min(point.x, size.width - point.x, point.y, size.height - point.y)


@given(forecast_lists, counts)
def test_each_gap_starts_on_the_diagonal(forecasts, count):
    chart = draw(bins(forecasts, count))
    for point in chart.points:
        # The square plot: the diagonal climbs one unit for each unit right.
        assert point.diagonal_y == pytest.approx(SIZE.plot_bottom - (point.x - SIZE.plot_left), abs=0.02)


@given(forecast_lists.filter(bool), counts)
def test_the_fullest_bin_has_the_largest_dot(forecasts, count):
    chart = draw(bins(forecasts, count))
    fullest = max(chart.points, key=lambda p: p.bin.count)
    assert fullest.radius == MAX_RADIUS == max(p.radius for p in chart.points)
    assert all(a.radius <= b.radius for a in chart.points for b in chart.points if a.bin.count <= b.bin.count)


sizes = st.builds(
    Size,
    width=st.floats(200, 1000),
    height=st.floats(200, 1000),
    left=st.floats(10, 90),
    right=st.floats(10, 90),
    top=st.floats(10, 90),
    bottom=st.floats(10, 90),
)


@given(sizes)
def test_the_diagonal_runs_from_the_plots_bottom_left_to_its_top_right(size):
    diagonal = draw(bins([]), size).diagonal
    expected = (size.plot_left, size.plot_bottom, size.plot_right, size.plot_top)
    assert (diagonal.x1, diagonal.y1, diagonal.x2, diagonal.y2) == pytest.approx(expected, abs=0.005)


@given(forecast_lists, sizes)
def test_points_stay_in_the_plot_whatever_the_size(forecasts, size):
    for point in draw(bins(forecasts), size).points:
        assert size.plot_left - 0.005 <= point.x <= size.plot_right + 0.005
        assert size.plot_top - 0.005 <= point.y <= size.plot_bottom + 0.005


# The include


def render(chart, id="calibration"):
    return render_to_string("forecasts/_calibration.html", {"calibration": chart, "id": id})


def svg_of(html: str) -> ET.Element:
    """The chart, parsed as the XML it must also be."""
    return ET.fromstring(re.search(r"<svg.*</svg>", html, re.DOTALL).group(0))


@pytest.fixture
def chart():
    return draw(bins([yes(0.05), no(0.44), yes(0.46), no(0.91), yes(0.93), yes(0.97)]))


def test_the_chart_is_an_image_labelled_by_its_title_and_description(chart):
    svg = svg_of(render(chart, id="cal"))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "cal-title cal-desc"
    assert svg.get("viewBox") == "0 0 372 360"
    assert svg.find(f"{SVG}title").get("id") == "cal-title"
    desc = svg.find(f"{SVG}desc")
    assert desc.get("id") == "cal-desc" and desc.text == chart.described


def test_the_chart_draws_its_grid_axes_diagonal_and_a_titled_dot_per_point(chart):
    svg = svg_of(render(chart))
    grid = svg.find(f"{SVG}g[@class='calibration-grid']")
    assert len(grid.findall(f"{SVG}line")) == 10
    texts = [t.text for t in svg.find(f"{SVG}g[@class='calibration-axis']").iter(f"{SVG}text")]
    assert texts[:5] == texts[5:10] == [f"{v}{T}%" for v in (0, 25, 50, 75, 100)]
    assert texts[10:] == ["Community’s forecast", "How often it happened"]
    diagonal = svg.find(f"{SVG}line[@class='calibration-diagonal']")
    assert [diagonal.get(a) for a in ("x1", "y1", "x2", "y2")] == ["64", "296", "344", "16"]
    points = svg.findall(f"{SVG}g[@class='calibration-points']/{SVG}g")
    assert [p.find(f"{SVG}title").text for p in points] == [p.title for p in chart.points]
    dot = points[1].find(f"{SVG}circle")
    assert (dot.get("cx"), dot.get("cy"), dot.get("r")) == ("190.0", "156.0", str(chart.points[1].radius))
    gap = points[1].find(f"{SVG}line[@class='calibration-gap']")
    assert (gap.get("x1"), gap.get("y1"), gap.get("x2"), gap.get("y2")) == ("190.0", "170.0", "190.0", "156.0")


def test_the_table_has_a_row_per_group(chart):
    html = render(chart)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", html, re.DOTALL)
    assert [label for label, _ in rows] == [f"0–10{T}%", f"40–50{T}%", f"90–100{T}%"]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[2][1])
    assert cells == ["3", f"94{T}%", f"67{T}%"]
    assert "The same as a table" in html


def test_nothing_resolved_renders_an_empty_chart_and_says_so_in_the_table():
    html = render(draw(bins([])))
    svg = svg_of(html)
    assert svg.findall(f"{SVG}g[@class='calibration-points']/{SVG}g") == []
    assert svg.find(f"{SVG}line[@class='calibration-diagonal']") is not None
    assert "No outcome of a resolved topic to show yet." in html


def test_the_include_has_no_inline_style_or_script_and_unique_ids(chart):
    html = render(chart, id="one") + render(draw(bins([])), id="two")
    assert "style=" not in html and "<script" not in html and "<style" not in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)) == 4


def test_two_charts_on_a_page_are_valid_html(chart, tmp_path):
    """The Nu HTML Checker finds no error in a page with a full chart and an empty one."""
    java = java_or_skip()
    body = render(chart, id="all-topics") + render(draw(bins([])), id="none-yet")
    text = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Calibration</title></head>'
        f"<body><main>\n{body}\n</main></body></html>\n"
    )
    file = tmp_path / "calibration.html"
    file.write_text(text)
    problems = [describe(m, source=text) for m in check(java, [file])[file] if m.is_error]
    assert not problems, "\n".join(problems)


def test_the_stylesheet_has_light_and_dark_colours_and_a_chart_that_shrinks():
    css = (Path(django_settings.BASE_DIR) / "static" / "css" / "calibration.css").read_text()
    assert "@media (prefers-color-scheme: dark)" in css
    chart_rule = re.search(r"\.calibration-chart \{([^}]*)\}", css).group(1)
    assert "max-width: 100%" in chart_rule and "height: auto" in chart_rule
    for variable in re.findall(r"(--calibration-[a-z-]+):", css.split("@media (prefers-color-scheme: dark)")[0]):
        assert css.count(f"{variable}:") >= 2, f"{variable} has no dark colour"
