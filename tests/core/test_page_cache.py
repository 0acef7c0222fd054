"""Anonymous readers get cached pages, and never a stale one after a change."""

import pytest
from django.core.cache import cache

from diplomacy.core.models import ContentVersion
from tests.factories import make_annotation, make_topic_with_scenarios
from tests.utils import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(outcomes):
    return make_topic_with_scenarios(outcomes, title="Trade")


def test_a_second_anonymous_visit_is_served_from_the_cache_with_one_query(client, topic):
    first = client.get(topic.get_absolute_url())
    assert first["X-Cache"] == "miss"
    assert not first.cookies
    second = client.get(topic.get_absolute_url())
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert count_queries(client, topic.get_absolute_url(), cached=True) == 1  # the content version


@pytest.mark.parametrize(
    "change",
    ["rename topic", "edit scenario", "unpublish scenario", "new annotation", "hide annotation", "add source"],
)
def test_a_change_readers_can_see_is_never_served_stale(client, topic, contributor, change):
    scenario = topic.scenarios.first()
    annotation = make_annotation(scenario, contributor, body="Visible words")
    pages = [topic.get_absolute_url(), scenario.get_absolute_url(), "/", "/scenarios/"]
    before = {url: client.get(url).content for url in pages}
    assert all(client.get(url)["X-Cache"] == "hit" for url in pages)

    if change == "rename topic":
        topic.title = "Trade and energy"
        topic.save()
    elif change == "edit scenario":
        scenario.title = "A brand new title"
        scenario.save()
    elif change == "unpublish scenario":
        scenario.is_published = False
        scenario.save()
    elif change == "new annotation":
        make_annotation(scenario, contributor, body="Fresh words")
    elif change == "hide annotation":
        annotation.hide(by=contributor, reason="test")
    elif change == "add source":
        topic.sources.clear()

    for url in pages:
        response = client.get(url)
        if url == scenario.get_absolute_url() and change == "unpublish scenario":
            assert response.status_code == 404
            continue
        assert response["X-Cache"] == "miss", f"{url} was served from the cache after: {change}"
    after = client.get(scenario.get_absolute_url())
    if change == "new annotation":
        assert "Fresh words" in after.text
    if change == "hide annotation":
        assert "Visible words" not in after.text
    assert before  # pages were rendered before the change


def test_the_version_lives_in_the_database_so_every_process_sees_a_change(client, topic):
    client.get(topic.get_absolute_url())
    token = ContentVersion.current()
    ContentVersion.bump()  # as another app server would, by changing content
    assert ContentVersion.current() != token
    assert client.get(topic.get_absolute_url())["X-Cache"] == "miss"


def test_signed_in_users_always_get_a_fresh_page(client, topic, contributor):
    client.force_login(contributor)
    assert "X-Cache" not in client.get(topic.get_absolute_url())
    assert "X-Cache" not in client.get(topic.get_absolute_url())


def test_signed_in_users_get_shared_fragments_that_follow_changes(client, topic, contributor):
    client.force_login(contributor)
    scenario = topic.scenarios.first()
    full = count_queries(client, scenario.get_absolute_url())
    assert count_queries(client, scenario.get_absolute_url(), cached=True) < full
    scenario.implications = "Brand new implications."
    scenario.save()
    assert "Brand new implications." in client.get(scenario.get_absolute_url()).text
    topic.title = "Renamed for the fragments"
    topic.save()
    assert "Renamed for the fragments" in client.get(topic.get_absolute_url()).text
    assert "Renamed for the fragments" in client.get("/").text


def test_htmx_fragments_and_full_pages_are_cached_apart(client, topic):
    full = client.get("/scenarios/?topic=" + topic.slug)
    fragment = client.get("/scenarios/?topic=" + topic.slug, headers={"HX-Request": "true"})
    assert fragment["X-Cache"] == "miss"
    assert "<html" in full.text and "<html" not in fragment.text
    again = client.get("/scenarios/?topic=" + topic.slug, headers={"HX-Request": "true"})
    assert again["X-Cache"] == "hit"
    assert again["HX-Push-Url"] == fragment["HX-Push-Url"]


def test_pages_answer_a_conditional_get_with_304(client, topic):
    for url in (topic.get_absolute_url(), topic.scenarios.first().get_absolute_url()):
        etag = client.get(url)["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_other_pages_are_not_cached(client, topic):
    assert "X-Cache" not in client.get("/accounts/login/")
    assert "X-Cache" not in client.get("/healthz")
    assert "X-Cache" not in client.get("/topics/no-such-topic/")
    cache.clear()
