"""The API's answers from the cache (diplomacy/api/caching.py), tested as two people in sequence,
before and after each kind of change: a cached answer must equal a fresh one, and a change must
reach exactly the answers that show it."""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from diplomacy.forecasts.models import Community, CommunityVersion
from tests.factories import make_annotation, make_topic_with_scenarios
from tests.timeline.factories import make_revision

pytestmark = pytest.mark.django_db


def answer(client: Client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def served_from_the_cache(client: Client, path: str) -> bool:
    """One query (the scopes' tokens) and nothing else: the answer came from the cache."""
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries) == 1


def fresh(path: str) -> dict:
    """What the API answers built afresh (the cache left as it is, for the next request)."""
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        return answer(Client(), path)


@pytest.fixture
def editor_then_reader(client, editor):
    signed_in = Client()
    signed_in.force_login(editor)
    return signed_in, client


PATHS = [
    "/api/v1/topics",
    "/api/v1/topics/arms-control",
    "/api/v1/topics/arms-control/history",
    "/api/v1/scenarios?topic=arms-control",
    "/api/v1/annotations",
    "/api/v1/annotations?topic=arms-control",
]


def test_a_cached_answer_equals_a_fresh_one_whoever_asked_first(world, editor_then_reader):
    editor, reader = editor_then_reader
    for path in PATHS:
        filled = answer(editor, path)  # the editor's session fills the cache: drafts must not get in
        assert served_from_the_cache(reader, path)
        assert answer(reader, path) == filled == fresh(path)
        assert "Secret talks" not in str(filled) and "On a draft scenario." not in str(filled)


def test_the_author_of_a_private_note_fills_the_cache_and_nobody_sees_it(world, contributor, other_contributor):
    author, other = Client(), Client()
    author.force_login(contributor)
    other.force_login(other_contributor)
    mine = answer(author, "/api/v1/annotations?topic=arms-control")
    assert world.private.pk not in [a["id"] for a in mine["items"]]
    assert answer(other, "/api/v1/annotations?topic=arms-control") == mine


def test_a_new_public_annotation_reaches_its_topic_and_the_whole_list_only(world, outcomes, contributor, client):
    elsewhere = make_topic_with_scenarios(outcomes, slug="trade")
    paths = ["/api/v1/topics", "/api/v1/annotations", "/api/v1/annotations?topic=arms-control"]
    for path in [*paths, "/api/v1/annotations?topic=trade"]:
        answer(client, path)
    note = make_annotation(elsewhere.scenarios.first(), contributor, body="On trade.")
    assert note.pk in [a["id"] for a in answer(client, "/api/v1/annotations?topic=trade")["items"]]
    assert note.pk in [a["id"] for a in answer(client, "/api/v1/annotations")["items"]]
    assert served_from_the_cache(client, "/api/v1/annotations?topic=arms-control")  # not shown there: kept
    assert served_from_the_cache(client, "/api/v1/topics")


def test_an_annotation_made_private_or_hidden_leaves_every_answer(world, client, editor):
    paths = ["/api/v1/annotations", "/api/v1/annotations?topic=arms-control", f"/api/v1/annotations/{world.note.pk}"]
    for path in paths:
        answer(client, path)
    world.note.edit(is_public=False)
    assert client.get(paths[2]).status_code == 404
    for path in paths[:2]:
        ids = [a["id"] for a in answer(client, path)["items"]]
        assert world.note.pk not in ids and world.reply.pk not in ids  # its thread goes with it
    world.note.edit(is_public=True)
    assert answer(client, paths[2])["id"] == world.note.pk
    world.note.hide(by=editor, reason="Spam")
    assert client.get(paths[2]).status_code == 404
    assert answer(client, paths[1]) == fresh(paths[1])


def test_an_authors_new_name_reaches_their_annotations(world, client, contributor):
    path = f"/api/v1/annotations/{world.note.pk}"
    assert answer(client, path)["author"] == "contributor"
    contributor.username = "renamed"
    contributor.save()
    assert answer(client, path)["author"] == "renamed"
    assert answer(client, "/api/v1/annotations?topic=arms-control") == fresh("/api/v1/annotations?topic=arms-control")


def test_unpublishing_a_scenario_takes_its_annotations_and_numbers_away(world, client):
    for path in PATHS:
        answer(client, path)
    world.scenario.is_published = False
    world.scenario.save()
    served = {path: answer(client, path) for path in PATHS}
    for path, body in served.items():
        assert world.scenario.slug not in str(body), path
        assert body == fresh(path)


def test_a_revision_reaches_every_answer_with_numbers(world, client):
    for path in PATHS:
        answer(client, path)
    make_revision(world.topic, [10, 20, 70, 0], reason="Talks stall.")
    assert [n["likelihood"] for n in answer(client, "/api/v1/topics")["items"][0]["estimates"]["editors"]] == [
        10,
        20,
        70,
    ]
    assert answer(client, "/api/v1/topics/arms-control/history")["revisions"][-1]["reason"] == "Talks stall."
    served = {path: answer(client, path) for path in PATHS}
    for path, body in served.items():
        assert body == fresh(path), path


def test_a_new_reader_changes_the_topic_but_not_the_list_until_the_numbers_move(world, client):
    answer(client, "/api/v1/topics")
    assert answer(client, "/api/v1/topics/arms-control")["estimates"]["community"]["readers"] == 7
    community = Community.objects.get(topic=world.topic)
    community.readers = 8
    community.save()
    CommunityVersion.objects.create(topic=world.topic, numbers=community.numbers, readers=8)  # numbers unchanged
    assert answer(client, "/api/v1/topics/arms-control")["estimates"]["community"]["readers"] == 8
    assert served_from_the_cache(client, "/api/v1/topics")  # the list shows no count of readers
    assert answer(client, "/api/v1/topics") == fresh("/api/v1/topics")

    moved = {pk: 40.0 if n == 0 else 20.0 for n, pk in enumerate(community.numbers)}
    community.numbers = moved
    community.save()
    CommunityVersion.objects.create(topic=world.topic, numbers=moved, readers=8)
    numbers = answer(client, "/api/v1/topics")["items"][0]["estimates"]["community"]["numbers"]
    assert numbers[0]["likelihood"] == 40
    assert answer(client, "/api/v1/topics/arms-control/history") == fresh("/api/v1/topics/arms-control/history")


def test_each_page_and_filter_is_its_own_answer(world, outcomes, contributor, client):
    for _ in range(3):
        make_annotation(world.scenario, contributor)
    first = answer(client, "/api/v1/annotations?limit=2")
    following = urlsplit(first["next"])
    second = answer(client, f"{following.path}?{following.query}")
    assert {a["id"] for a in first["items"]}.isdisjoint(a["id"] for a in second["items"])
    assert answer(client, "/api/v1/annotations?limit=3")["items"] != first["items"]
    assert answer(client, "/api/v1/annotations?topic=secret-talks")["items"] == []


def test_refusals_are_never_cached(world, client):
    assert client.get("/api/v1/annotations?topic=a%00b").status_code == 400
    assert client.get("/api/v1/topics/nowhere").status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/topics/nowhere").status_code == 404
    assert len(queries) > 1


def test_a_cached_answer_keeps_its_etag_and_answers_304(world, client):
    first = client.get("/api/v1/topics")
    assert first["X-Cache"] == "miss" and client.get("/api/v1/topics")["X-Cache"] == "hit"
    assert served_from_the_cache(client, "/api/v1/topics")
    again = client.get("/api/v1/topics", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert client.get("/api/v1/topics")["Cache-Control"] == "no-cache"


def test_an_editors_new_name_reaches_the_histories(world, client, editor):
    path = "/api/v1/topics/arms-control/history"
    revision = world.topic.revisions.get()
    revision.editor = editor
    revision.save()
    assert answer(client, path)["revisions"][0]["editor"] == "editor"
    editor.username = "chief-editor"
    editor.save()
    assert answer(client, path)["revisions"][0]["editor"] == "chief-editor"
