"""A reader browses from the home page to a topic and sees its scenarios."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_outcome, make_topic_with_scenarios

pytestmark = pytest.mark.browser


def test_a_reader_follows_a_topic_from_the_home_page(page):
    outcomes = [make_outcome(name=name, order=i) for i, name in enumerate(["Breakthrough", "No agreement"], start=1)]
    topic = make_topic_with_scenarios(outcomes, title="Arms control")

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("US–Russia")
    page.locator("#topics").get_by_role("link", name="Arms control").click()

    expect(page).to_have_url(re.compile(f"{topic.get_absolute_url()}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Arms control")
    scenarios = page.locator(".scenario-item")
    expect(scenarios).to_have_count(2)
    expect(scenarios.first).to_contain_text("Breakthrough")
    expect(scenarios.first).to_contain_text(re.compile(r"50\s*%"))


def _seed_four_outcomes():
    names = ["Breakthrough", "Limited agreement", "No agreement", "Worsened relations"]
    outcomes = [make_outcome(name=name, order=i) for i, name in enumerate(names, start=1)]
    return [make_topic_with_scenarios(outcomes, title=title) for title in ("Arms control", "Ukraine")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_matrix_scrolls_sideways_with_the_topics_kept_in_view(page, scheme):
    _seed_four_outcomes()
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(color_scheme=scheme)
    page.goto("/")
    expect(page.locator(".scroll-hint")).to_be_visible()
    region = page.locator(".matrix-scroll")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "the matrix should overflow and scroll"
    topic = page.locator(".matrix tbody th").first
    before = topic.bounding_box()
    region.evaluate("el => el.scrollBy(400, 0)")
    page.wait_for_function("document.querySelector('.matrix-scroll').scrollLeft > 0")
    after = topic.bounding_box()
    # It sticks to the region's left edge (the table's border spacing is the few pixels it moves).
    assert after["x"] == pytest.approx(before["x"], abs=5), "the topic column should stay put"
    assert after["x"] >= region.bounding_box()["x"]
    # The column is opaque: the cells scrolled under it do not show through.
    assert topic.evaluate("el => getComputedStyle(el).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    # The legend stays on the screen.
    legend = page.locator(".legend").bounding_box()
    assert legend["x"] + legend["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_wide_screens_show_the_whole_matrix_without_the_hint(page):
    _seed_four_outcomes()
    page.goto("/")
    expect(page.locator(".scroll-hint")).to_be_hidden()
    assert page.locator(".matrix-scroll").evaluate("el => el.scrollWidth <= el.clientWidth")


def test_a_reader_jumps_to_a_section_of_a_long_topic_page(page):
    topic = _seed_four_outcomes()[0]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(topic.get_absolute_url())
    page.get_by_role("navigation", name="On this page").get_by_role("link", name="Forces at work").click()
    expect(page).to_have_url(re.compile("#factors-heading$"))
    heading = page.get_by_role("heading", name="Forces at work")
    expect(heading).to_be_in_viewport()
    assert heading.bounding_box()["y"] < 100
