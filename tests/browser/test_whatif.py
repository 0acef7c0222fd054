"""A reader moves a force on a topic's what-if: the bars and the address change in place; the address,
opened afresh elsewhere, shows the same; without JavaScript the form does the same by a plain GET."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_factor, make_influence, make_scenario, make_topic

pytestmark = pytest.mark.browser


@pytest.fixture
def topic(outcomes):
    arms = make_topic(slug="arms", title="Arms control")
    scenarios = [
        make_scenario(topic=arms, outcome=outcome, slug=f"arms-{n}", likelihood=likelihood)
        for n, (outcome, likelihood) in enumerate(zip(outcomes, [30, 40, 20, 10], strict=True))
    ]
    congress = make_factor(slug="congress", name="Congress", order=1, weaker="Congress resists less")
    trust = make_factor(slug="lack-of-trust", name="Lack of trust", order=2)
    make_influence(scenarios[0], congress, strength=-2, reason="The Senate must ratify.")
    make_influence(scenarios[2], congress, strength=2, reason="Sanctions harden.")
    make_influence(scenarios[0], trust, strength=-1)
    make_influence(scenarios[3], trust, strength=2)
    return arms


def numbers(page) -> list[int]:
    """Each outcome's number with these forces, as the result shows it."""
    return [
        int(re.search(r"(\d+)\s*%", text).group(1)) for text in page.locator(".shift-numbers strong").all_inner_texts()
    ]


def test_moving_a_force_shifts_the_bars_and_the_address_and_the_address_shows_the_same(
    page, browser, live_server, topic
):
    page.goto("/topics/arms/what-if/")
    before = numbers(page)
    assert before == [30, 40, 20, 10]
    bar = page.locator(".shift-fill").first
    width_before = bar.get_attribute("width")
    page.locator("#factor-congress").get_by_label("much stronger", exact=True).click()
    expect(page).to_have_url(re.compile(r"/topics/arms/what-if/\?congress=2$"))
    expect(page.locator("#whatif-result h2")).to_have_text("With these forces")
    after = numbers(page)
    assert after != before and sum(after) == 100
    assert after[0] < 30 and after[2] > 20  # Congress pushes away from the first, towards the third
    assert bar.get_attribute("width") != width_before  # the bar itself moved
    expect(page.locator(".whatif-settings")).to_contain_text("Congress: much stronger")
    page.locator("#factor-lack-of-trust").get_by_label("weaker", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?congress=2&lack-of-trust=-1$"))
    both = numbers(page)
    assert both != after
    differences = page.locator(".shift-difference").all_inner_texts()
    address = page.url

    fresh = browser.new_context(base_url=live_server.url)
    other = fresh.new_page()
    other.goto(address)
    assert numbers(other) == both
    assert other.locator(".shift-difference").all_inner_texts() == differences
    expect(other.locator('#factor-congress input[value="2"]')).to_be_checked()
    expect(other.locator('#factor-lack-of-trust input[value="-1"]')).to_be_checked()
    fresh.close()

    page.go_back()  # the address history follows the moves
    expect(page).to_have_url(re.compile(r"\?congress=2$"))


def test_without_javascript_the_form_goes_to_the_canonical_address(browser, live_server, topic):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/topics/arms/what-if/")
    page.locator("#factor-lack-of-trust").get_by_label("much stronger", exact=True).click()
    page.get_by_role("button", name="Show the result").click()
    expect(page).to_have_url(re.compile(r"/topics/arms/what-if/\?lack-of-trust=2$"))
    expect(page.locator(".whatif-settings")).to_contain_text("Lack of trust: much stronger")
    assert "+" in " ".join(page.locator(".shift-difference").all_inner_texts())
    context.close()


def test_the_topic_page_links_to_a_what_if_per_force(page, topic):
    page.goto("/topics/arms/")
    page.get_by_role("link", name="What if Congress resists less?").click()
    expect(page).to_have_url(re.compile(r"/topics/arms/what-if/\?congress=-1$"))
    expect(page.locator('#factor-congress input[value="-1"]')).to_be_checked()
