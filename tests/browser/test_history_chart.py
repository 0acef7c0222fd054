"""The history chart in a browser: it fits a phone, and its labels neither collide nor leave the screen."""

import itertools
from datetime import date as D

import pytest

from tests.factories import make_outcome, make_topic_with_scenarios
from tests.timeline.factories import make_development, make_revision

OUTCOMES = ["Breakthrough", "Limited agreement", "No agreement", "Worsened relations"]


def make_outcomes():
    for order, name in enumerate(OUTCOMES, start=1):
        yield make_outcome(name=name, slug=name.lower().replace(" ", "-"), order=order)


@pytest.mark.browser
@pytest.mark.parametrize(("width", "scheme"), [(390, "light"), (390, "dark"), (1280, "light"), (1280, "dark")])
def test_the_chart_fits_the_screen_and_its_labels_do_not_collide(browser, live_server, transactional_db, width, scheme):
    from tests.conftest import editors_group

    editors_group()
    topic = make_topic_with_scenarios(list(make_outcomes()), slug="arms")
    for n, (month, numbers) in enumerate([(1, [10, 30, 40, 20]), (4, [20, 30, 30, 20]), (9, [15, 35, 30, 20])]):
        development = make_development(topic, title=f"Development {n}", happened_on=D(2025, month, 1))
        make_revision(topic, numbers, as_of=D(2025, month, 2), development=development)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, color_scheme=scheme
    )
    context.set_default_timeout(10_000)
    page_ = context.new_page()
    violations: list[str] = []
    page_.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    for url in (topic.get_absolute_url(), topic.scenarios.first().get_absolute_url()):
        page_.goto(url)
        page_.locator("details.chart-table summary").click()
        assert page_.evaluate("document.documentElement.scrollWidth") <= width, url
        boxes = page_.locator("svg.chart text").evaluate_all(
            "texts => texts.map(t => { const b = t.getBoundingClientRect(); return [b.left, b.right, b.top, b.bottom]; })"
        )
        svg = page_.locator("svg.chart").bounding_box()
        assert svg["x"] >= 0 and svg["x"] + svg["width"] <= width
        inside = [svg["x"] <= left and right <= svg["x"] + svg["width"] for left, right, _, _ in boxes]
        assert boxes and all(inside), f"labels outside the chart: {boxes} in {svg}"
        dates = boxes[5:]  # after the five percentages: the date axis, left to right
        assert all(a[1] < b[0] for a, b in itertools.pairwise(dates)), f"date labels collide: {dates}"
        sizes = page_.locator("svg.chart text").evaluate_all(
            "texts => texts.map(t => t.getBoundingClientRect().height)"
        )
        assert min(sizes) >= 10, f"chart labels too small to read at {width}px: {sizes}"
        legend = page_.locator(".chart-legend").bounding_box()
        assert legend["x"] + legend["width"] <= width
    page_.locator("svg.chart a .chart-marker-hit").first.click()  # the diamond, where a reader points
    page_.wait_for_url("**/developments/**")
    context.close()
    assert not violations, violations
