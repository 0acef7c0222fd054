"""Dates a reader can trust: when each topic and scenario was updated and its estimate set."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from diplomacy.scenarios.dates import estimates_as_of, last_updated
from diplomacy.scenarios.models import Scenario
from diplomacy.scenarios.seeds import load_seeds, read_seeds
from tests.factories import make_scenario, make_topic_with_scenarios

pytestmark = pytest.mark.django_db
JAN_19 = datetime(2025, 1, 19, 12, tzinfo=UTC)


@pytest.fixture
def topic(outcomes):
    topic = make_topic_with_scenarios(outcomes, title="Arms control", slug="arms-control")
    topic.scenarios.update(estimated_at=JAN_19)
    return topic


def times(html: str) -> dict[str, str]:
    """Each <time>'s datetime attribute by its text."""
    return {text: value for value, text in re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', html)}


def test_a_changed_likelihood_is_dated_when_it_changes_and_only_then():
    scenario = make_scenario(likelihood=20)
    first = scenario.estimated_at
    assert first is not None and timezone.now() - first < timedelta(minutes=1)
    Scenario.objects.filter(pk=scenario.pk).update(estimated_at=JAN_19)
    scenario = Scenario.objects.get(pk=scenario.pk)
    scenario.title = "Retitled"
    scenario.save()
    assert Scenario.objects.get(pk=scenario.pk).estimated_at == JAN_19
    scenario.likelihood = 30
    scenario.save()
    assert Scenario.objects.get(pk=scenario.pk).estimated_at > JAN_19


def test_an_editor_can_date_an_estimate_by_hand_in_the_same_save():
    scenario = Scenario.objects.get(pk=make_scenario(likelihood=20).pk)
    scenario.likelihood = 40
    scenario.estimated_at = JAN_19
    scenario.save()
    assert Scenario.objects.get(pk=scenario.pk).estimated_at == JAN_19


def test_an_unestimated_scenario_has_no_estimate_date():
    assert make_scenario(likelihood=None).estimated_at is None


def test_seeded_estimates_are_dated_at_the_article_they_rest_on():
    load_seeds(read_seeds())
    assert set(Scenario.objects.values_list("estimated_at", flat=True)) == {JAN_19}


def test_the_topic_page_says_when_it_was_updated_and_when_each_estimate_was_set(client, topic):
    html = client.get(topic.get_absolute_url()).text
    updated = last_updated(topic, topic.scenarios.all())
    found = times(html)
    assert found[f"{updated:%-d %B %Y}"] == f"{updated.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
    assert found["19 January 2025"] == "2025-01-19T12:00:00Z"
    assert html.count("as of <time") == 1 + topic.scenarios.count()  # the header, and each scenario


def test_the_scenario_page_says_when_it_was_updated_and_its_estimate_set(client, topic):
    scenario = topic.scenarios.first()
    html = client.get(scenario.get_absolute_url()).text
    assert re.search(r'Updated <time datetime="[^"]+Z">', html)
    assert 'estimate, as of <time datetime="2025-01-19T12:00:00Z">19 January 2025</time>' in html


def test_the_home_page_says_what_period_it_covers_and_how_current_it_is(client, topic):
    html = client.get("/").text
    assert '<time datetime="2025-01-20">20 January 2025</time>' in html
    assert 'estimates as of <time datetime="2025-01-19T12:00:00Z">' in html
    assert html.count('class="card-meta">Updated <time') == 1


def test_all_topics_date_each_row(client, topic):
    assert re.search(r'updated <time datetime="[^"]+">\d+ \w{3} \d{4}</time>', client.get("/topics/").text)


def test_a_new_estimate_shows_on_the_pages_at_once(client, topic):
    scenario = topic.scenarios.first()
    new = 'as of <time datetime="2026-11-29T09:00:00Z">29 November 2026</time>'
    assert new not in client.get(scenario.get_absolute_url()).text  # and now it is cached
    scenario.likelihood = 31
    scenario.estimated_at = datetime(2026, 11, 29, 9, tzinfo=UTC)
    scenario.save()
    assert new in client.get(scenario.get_absolute_url()).text
    assert new in client.get(topic.get_absolute_url()).text


def test_machine_dates_have_whole_seconds_in_utc():
    render = Template("{% load scenarios_tags %}{{ value|iso }}").render
    value = datetime(2025, 1, 19, 12, 30, 5, 123456, tzinfo=UTC)
    assert render(Context({"value": value})) == "2025-01-19T12:30:05Z"
    assert render(Context({"value": date(2025, 1, 19)})) == "2025-01-19"
    assert render(Context({"value": None})) == ""


def test_the_newest_dates_are_taken():
    class Item:
        def __init__(self, updated_at, likelihood=10, estimated_at=None):
            self.updated_at, self.likelihood, self.estimated_at = updated_at, likelihood, estimated_at

    old, new = JAN_19, JAN_19 + timedelta(days=3)
    assert last_updated(Item(old), [Item(new), Item(old)]) == new
    assert last_updated(Item(new), []) == new
    assert estimates_as_of([Item(old, estimated_at=old), Item(old, estimated_at=new)]) == new
    assert estimates_as_of([Item(old, likelihood=None, estimated_at=new), Item(old, estimated_at=old)]) == old
    assert estimates_as_of([]) is None
