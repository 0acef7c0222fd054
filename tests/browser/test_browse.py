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
