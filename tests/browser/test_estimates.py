"""Readers give their own estimates, the community's appears at the fifth, an editor resolves the
topic, and the scores show: in a real browser, with and without JavaScript."""

from __future__ import annotations

import contextlib
import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from diplomacy.forecasts.models import CommunityVersion, ForecastVersion
from diplomacy.timeline.models import Revision
from tests.browser.test_annotations import another_context
from tests.factories import make_topic_with_scenarios

pytestmark = pytest.mark.browser

THIN = "\u2009"
PASSWORD = "a-reader-password"
ESTIMATES = [(10, 50, 30, 10), (20, 40, 30, 10), (10, 40, 40, 10), (5, 45, 35, 15), (10, 45, 30, 15)]


def _grant_permissions() -> None:
    """Browser tests empty every table after they run, the Editors group's permissions included."""
    importlib.import_module("diplomacy.forecasts.migrations.0002_editors_permissions").grant(apps, None)


def log_in(page: Page, username: str, password: str = PASSWORD, then: str = "/") -> None:
    page.goto(f"/accounts/login/?next={then}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(then.split("#")[0]) + "$"))
    page.wait_for_load_state("load")  # its scripts too, before a test acts on the page


def boxes(page: Page):
    return page.locator("#your-estimate input.estimate-number")


@contextlib.contextmanager
def reader_page(browser, live_server, username: str, topic, **options):
    with another_context(browser, live_server, **options) as page:
        log_in(page, username, then=topic.get_absolute_url())
        yield page


def test_readers_estimate_the_community_appears_at_the_fifth_an_editor_resolves_and_the_scores_show(
    browser, live_server, transactional_db, editor, outcomes
):
    _grant_permissions()
    topic = make_topic_with_scenarios(outcomes, title="Arms control", slug="arms-control")
    Revision.snapshot(topic, as_of=timezone.localdate() - datetime.timedelta(days=40), reason="The first estimates.")
    names = [f"reader{n}" for n in range(1, 6)]
    for name in names:
        User.objects.create_user(name, f"{name}@example.org", PASSWORD)

    # The first reader types numbers that do not add up, watches the total, and scales them to 100 in place.
    with reader_page(browser, live_server, names[0], topic) as page:
        total = page.locator("[data-estimate-total]")
        expect(total).to_have_text("—")
        boxes(page).nth(0).fill("1")
        expect(total).to_have_text(f"1{THIN}% (99 to go)")
        for n, value in enumerate(["2", "2", "1"], start=1):
            boxes(page).nth(n).fill(value)
        expect(total).to_have_text(f"6{THIN}% (94 to go)")
        page.get_by_role("button", name="Scale to 100").click()
        expect(total).to_have_text(f"100{THIN}%")
        assert [boxes(page).nth(n).input_value() for n in range(4)] == ["17", "33", "33", "17"]
        for n, value in enumerate(ESTIMATES[0]):
            boxes(page).nth(n).fill(str(value))
        page.get_by_label("Why (optional)").fill("Talks are drifting.")
        page.get_by_role("button", name="Save my estimate").click()
        expect(page.locator(".messages")).to_contain_text("Your estimate is saved.")
        expect(page.locator("#scenarios-heading ~ .note")).to_contain_text("1 reader so far")

    # Three more: the community's estimate is still hidden, with how many readers so far.
    for name, numbers in zip(names[1:4], ESTIMATES[1:4], strict=True):
        with reader_page(browser, live_server, name, topic) as page:
            for n, value in enumerate(numbers):
                boxes(page).nth(n).fill(str(value))
            page.get_by_role("button", name="Save my estimate").click()
            expect(page.locator(".messages")).to_contain_text("Your estimate is saved.")
    with another_context(browser, live_server) as anonymous:
        anonymous.goto(topic.get_absolute_url())
        expect(anonymous.locator("#scenarios-heading ~ .note")).to_contain_text("4 readers so far")
        expect(anonymous.locator(".community-number")).to_have_count(0)

    # The fifth reader's estimate makes it appear, beside the editors', for everyone.
    with reader_page(browser, live_server, names[4], topic) as page:
        for n, value in enumerate(ESTIMATES[4]):
            boxes(page).nth(n).fill(str(value))
        page.get_by_role("button", name="Save my estimate").click()
        expect(page.locator(".community-number")).to_have_count(4)
        community = page.locator("#your-estimate tbody td:nth-child(3)")
        expect(community.first).not_to_have_text("—")
    with another_context(browser, live_server) as anonymous:
        anonymous.goto(topic.get_absolute_url())
        expect(anonymous.locator(".community-number")).to_have_count(4)
        expect(anonymous.locator("#scenarios-heading ~ .note")).to_contain_text("median of 5 readers")
        anonymous.goto("/topics/?estimates=community")
        expect(anonymous.locator(".matrix .cell-value").first).to_have_text(re.compile(rf"\d+{THIN}%"))

    # The estimates were made days before it happened (moved back here, as time would have).
    earlier = timezone.now() - datetime.timedelta(days=10)
    ForecastVersion.objects.update(made_at=earlier)
    CommunityVersion.objects.update(made_at=earlier)

    # An editor resolves the topic in the admin.
    with another_context(browser, live_server) as admin:
        admin.goto("/admin/login/?next=/admin/")
        admin.locator("#id_username").fill("editor")
        admin.locator("#id_password").fill("editor-password")
        admin.get_by_role("button", name="Log in").click()
        admin.goto(f"/admin/scenarios/topic/{topic.pk}/change/")
        admin.get_by_role("link", name="Resolve").click()
        expect(admin.locator("#id_topic")).to_have_value(str(topic.pk))
        happened = topic.scenarios.get(outcome__order=1)
        admin.locator("#id_scenario").select_option(str(happened.pk))
        admin.locator("#id_happened_on").fill(timezone.localdate().isoformat())
        admin.locator("#id_source_title").fill("The joint statement")
        admin.locator("#id_source_url").fill("https://example.org/statement")
        admin.locator("input[name=_save]").click()
        expect(admin.locator(".messagelist")).to_contain_text("7 estimates scored")

    # Readers see the resolution and their score; the scores page ranks them, named or not.
    with reader_page(browser, live_server, names[0], topic) as page:
        expect(page.locator(".resolution-banner")).to_contain_text("Resolved:")
        expect(page.locator("#your-estimate")).to_contain_text("Your estimate scored a Brier score of")
        expect(page.locator("#your-estimate input")).to_have_count(0)
        page.get_by_role("link", name="Everyone’s scores").click()
        board = page.locator(".scores-table")
        expect(board).to_contain_text("The editors")
        expect(board).to_contain_text("The community")
        expect(board.locator(".scores-yours")).to_contain_text("(you)")
        expect(board).not_to_contain_text("reader2")
        page.goto("/scores/")
        expect(page.locator("svg.calibration-chart")).to_be_visible()
        expect(page.locator("svg.calibration-chart circle")).not_to_have_count(0)


def test_without_javascript_the_form_scales_and_saves_on_the_server(browser, live_server, transactional_db, outcomes):
    topic = make_topic_with_scenarios(outcomes, title="Trade", slug="trade")
    User.objects.create_user("plain", "plain@example.org", PASSWORD)
    with reader_page(browser, live_server, "plain", topic, java_script_enabled=False) as page:
        for n, value in enumerate(["1", "1", "2", "0"]):
            boxes(page).nth(n).fill(value)
        page.get_by_role("button", name="Scale to 100").click()
        expect(page.locator("[data-estimate-total]")).to_have_text(f"100{THIN}%")
        assert [boxes(page).nth(n).input_value() for n in range(4)] == ["25", "25", "50", "0"]
        boxes(page).nth(3).fill("oops")
        page.get_by_role("button", name="Save my estimate").click()
        expect(page.locator("#your-estimate .field-error")).to_have_text("Give a whole number from 0 to 100.")
        expect(boxes(page).nth(3)).to_have_value("oops")
        boxes(page).nth(3).fill("0")
        page.get_by_role("button", name="Save my estimate").click()
        expect(page.locator(".messages")).to_contain_text("Your estimate is saved.")
        expect(boxes(page).nth(2)).to_have_value("50")
