"""Unpublished content is not shown, listed, searched, fed or mapped to anyone but editors."""

import pytest

from tests.factories import make_scenario, make_topic_with_scenarios

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(outcomes):
    published = make_topic_with_scenarios(outcomes, title="Open topic")
    draft_topic = make_topic_with_scenarios(outcomes, title="Zanzibar draft topic", is_published=False)
    for scenario in draft_topic.scenarios.all():
        scenario.title = f"Zanzibar scenario {scenario.pk}"
        scenario.save()
    draft_scenario = make_scenario(
        topic=published, title="Zanzibar draft scenario", narrative="Zanzibar.", is_published=False
    )
    return draft_topic, draft_scenario


@pytest.mark.parametrize(
    "url",
    ["/", "/topics/", "/scenarios/", "/scenarios/?q=zanzibar", "/feeds/scenarios.atom", "/sitemap.xml"],
)
def test_readers_never_see_unpublished_content(client, drafts, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "zanzibar draft" not in response.text.lower()
    assert "zanzibar scenario" not in response.text.lower()
    for draft in [drafts[1], *drafts[0].scenarios.all()]:
        assert draft.get_absolute_url() not in response.text


def test_readers_get_404_for_unpublished_pages_and_images(client, drafts):
    draft_topic, draft_scenario = drafts
    for url in (
        draft_topic.get_absolute_url(),
        draft_topic.get_absolute_url() + "preview.png",
        draft_scenario.get_absolute_url(),
        draft_scenario.get_absolute_url() + "preview.png",
    ):
        assert client.get(url).status_code == 404, url


def test_search_does_not_find_unpublished_scenarios(client, drafts):
    response = client.get("/scenarios/", {"q": "Zanzibar"})
    assert list(response.context["page"]) == []
