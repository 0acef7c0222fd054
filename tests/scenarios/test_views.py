"""The first pages: the home page lists topics, a topic page shows its scenarios."""

import pytest
from django.urls import reverse

from tests.factories import make_scenario, make_topic, make_topic_with_scenarios
from tests.utils import count_queries

pytestmark = pytest.mark.django_db


def test_home_lists_published_topics_only(client, outcomes):
    shown = make_topic_with_scenarios(outcomes, title="Arms control")
    make_topic(title="A draft topic", is_published=False)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert shown.title in response.text
    assert shown.get_absolute_url() in response.text
    assert "A draft topic" not in response.text


def test_topic_page_shows_its_scenarios_with_likelihoods(client, outcomes):
    topic = make_topic_with_scenarios(outcomes, title="Ukraine", background="A long war.")
    make_scenario(topic=topic, title="A hidden draft", is_published=False)
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    scenarios = list(topic.scenarios.filter(is_published=True))
    assert len(scenarios) == 4
    for scenario in scenarios:
        assert scenario.title in response.text
        assert scenario.get_absolute_url() in response.text
    assert "25&thinsp;%" in response.text
    assert "A long war." in response.text
    assert "A hidden draft" not in response.text
    assert "illustrative estimates" in response.text


def test_scenario_page_shows_narrative_signposts_and_factors(client, outcomes):
    topic = make_topic_with_scenarios(outcomes)
    scenario = topic.scenarios.first()
    response = client.get(scenario.get_absolute_url())
    assert response.status_code == 200
    assert "The second paragraph." in response.text
    assert "<li>A second sign.</li>" in response.text
    assert scenario.influences.get().factor.name in response.text


def test_unpublished_topics_and_scenarios_are_not_found(client, outcomes):
    draft_topic = make_topic_with_scenarios(outcomes, is_published=False)
    assert client.get(draft_topic.get_absolute_url()).status_code == 404
    assert client.get(draft_topic.scenarios.first().get_absolute_url()).status_code == 404
    draft = make_scenario(is_published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_wrong_slug_gets_a_helpful_404_page(client):
    response = client.get("/topics/no-such-topic/")
    assert response.status_code == 404
    assert "We could not find that page" in response.text
    assert 'href="/"' in response.text


def test_text_is_escaped(client, outcomes):
    topic = make_topic_with_scenarios(outcomes, summary="<script>alert(1)</script>")
    response = client.get(topic.get_absolute_url())
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


@pytest.mark.parametrize("page", ["home", "topic", "scenario"])
def test_query_count_does_not_grow_with_the_data(client, outcomes, page):
    def url() -> str:
        topic = make_topic_with_scenarios(outcomes)
        return {
            "home": reverse("home"),
            "topic": topic.get_absolute_url(),
            "scenario": topic.scenarios.first().get_absolute_url(),
        }[page]

    with_little_data = count_queries(client, url())
    for _ in range(10):
        last = url()
    assert count_queries(client, last) == with_little_data
