"""An editor records a development in the admin, re-estimates its topic watching the running total, and readers see it."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from diplomacy.scenarios.models import Signpost
from diplomacy.timeline.models import Development, Revision
from tests.browser.test_annotations import another_context
from tests.factories import make_topic_with_scenarios

pytestmark = pytest.mark.browser

THIN = "\u2009"  # between a number and its percent sign on the site's pages


def _grant_timeline_permissions() -> None:
    """Browser tests empty every table after they run, the Editors group's permissions included:
    give it those of the timeline again, as the migration does."""
    importlib.import_module("diplomacy.timeline.migrations.0003_editors_permissions").grant(apps, None)


def test_an_editor_records_a_development_then_reestimates_its_topic_and_a_reader_sees_it(
    page, browser, live_server, editor, outcomes
):
    _grant_timeline_permissions()
    topic = make_topic_with_scenarios(outcomes, title="Arms control", slug="arms-control")
    first = topic.scenarios.get(outcome__order=1)
    Signpost.objects.create(scenario=first, text="Negotiators meet on a successor treaty")
    Revision.snapshot(topic, as_of=datetime.date(2025, 1, 19), reason="The seeds' estimates.")

    # A reader looks at the topic's history first: one revision, a dot per outcome.
    with another_context(browser, live_server) as reader:
        reader.goto(f"/topics/{topic.slug}/")
        expect(reader.locator("svg .chart-dot")).to_have_count(4)
        expect(reader.locator("svg .chart-marker")).to_have_count(0)

    page.goto("/admin/login/?next=/admin/")
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill("editor-password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # A development, with a source and a signpost it marks as observed.
    page.goto("/admin/timeline/development/add/")
    page.locator("#id_title").fill("Envoys meet in Geneva")
    page.locator("#id_happened_on").fill("2025-02-10")
    page.locator("#id_summary").fill("Deputy foreign ministers met for a day of talks on strategic stability.")
    page.get_by_label("Arms control").check()
    page.locator("#id_is_published").check()
    page.locator("#id_sources-0-title").fill("Envoys meet in Geneva")
    page.locator("#id_sources-0-publisher").fill("A Wire Service")
    page.locator("#id_sources-0-url").fill("https://news.example.org/geneva")
    page.locator("#id_sources-0-quote").fill("The two sides agreed to meet again within a month.")
    page.locator("#id_signpost_marks-0-signpost").select_option(
        label=f"Arms control › {first.title}: Negotiators meet on a successor treaty"
    )
    page.locator("#id_signpost_marks-0-state").select_option("observed")
    page.locator("#id_signpost_marks-0-note").fill("They met, and agreed to meet again.")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    development = Development.objects.get()
    assert development.sources.count() == 1 and development.signpost_marks.get().state == "observed"

    # Re-estimate the topic from the development's page: the development comes already chosen.
    page.get_by_role("link", name="Re-estimate “Arms control”").click()
    expect(page.locator("h1")).to_have_text("Re-estimate “Arms control”")
    expect(page.locator("#id_development")).to_have_value(str(development.pk))
    total = page.locator("#estimates-total")
    submit = page.get_by_role("button", name="Record the new estimates")
    expect(total).to_have_text("Total: 100 %")  # the current numbers
    expect(submit).to_be_enabled()

    numbers = [page.locator(f"#id_scenario-{s.pk}") for s in topic.scenarios.order_by("outcome__order")]
    numbers[0].fill("")
    expect(total).to_have_text("Total: 75 % — 25 to go (1 outcome without a number)")
    expect(submit).to_be_disabled()
    numbers[0].fill("10")
    expect(total).to_have_text("Total: 85 % — 15 to go")
    numbers[1].fill("20")
    numbers[2].fill("30")
    expect(total).to_have_text("Total: 85 % — 15 to go")
    numbers[3].fill("45")
    expect(total).to_have_text("Total: 105 % — 5 too many")
    expect(submit).to_be_disabled()
    numbers[3].fill("40")
    expect(total).to_have_text("Total: 100 %")
    expect(submit).to_be_enabled()
    page.locator("#id_reason").fill("The envoys agreed to meet again: a successor treaty is less far off.")
    submit.click()

    expect(page).to_have_url(re.compile(rf"/admin/scenarios/topic/{topic.pk}/change/$"))
    today = timezone.localdate()
    expect(page.locator(".messagelist")).to_contain_text(f"The estimates of “Arms control” changed, as of {today:%b}")
    revision = Revision.objects.latest("created_at")
    assert (revision.editor, revision.development) == (editor, development)

    with another_context(browser, live_server) as reader:
        reader.goto(f"/topics/{topic.slug}/")
        values = reader.locator(".scenario-list .likelihood-value")
        expect(values).to_have_text([f"10{THIN}%", f"20{THIN}%", f"30{THIN}%", f"40{THIN}%"])
        # The chart moved: a second revision's dots, and the development marked and linked.
        expect(reader.locator("svg .chart-dot")).to_have_count(8)
        reader.locator("svg .chart-marker .chart-marker-hit").first.click()
        expect(reader).to_have_url(re.compile(re.escape(development.get_absolute_url()) + "$"))
