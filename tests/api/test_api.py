"""The public read API, /api/v1/: what each endpoint answers, what it never shows, its pages,
its errors, ETags, CORS and the rate limit."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diplomacy.annotations.models import Annotation
from diplomacy.api.pages import encode
from diplomacy.core.models import Version
from diplomacy.core.site import site_url
from diplomacy.scenarios.models import Scenario, Topic
from tests.api.conftest import grow

pytestmark = pytest.mark.django_db
SITE = site_url()


def get(client, path: str, **headers):
    response = client.get(path, headers=headers)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def all_items(client, path: str) -> list[dict]:
    """Every item of a list, following `next` a page at a time."""
    items, seen_pages = [], 0
    while path:
        body = get(client, path).json()
        items += body["items"]
        path, seen_pages = body["next"], seen_pages + 1
        assert seen_pages < 100
    return items


# Each endpoint


def test_the_index_names_every_list_the_schema_and_the_docs(client):
    body = get(client, "/api/v1/").json()
    assert body["topics"] == f"{SITE}/api/v1/topics"
    assert body["openapi"].endswith("/api/v1/openapi.json") and body["docs"].endswith("/api/docs/")
    for name in ("outcomes", "scenarios", "factors", "sources", "developments", "annotations"):
        assert get(client, body[name]).status_code == 200


def test_topics_carry_the_editors_and_the_communitys_estimates(client, world):
    [topic] = get(client, "/api/v1/topics").json()["items"]
    assert (topic["id"], topic["slug"], topic["title"]) == (world.topic.pk, "arms-control", "Arms control")
    assert topic["url"] == f"{SITE}/topics/arms-control/"
    assert topic["api_url"] == f"{SITE}/api/v1/topics/arms-control"
    editors = topic["estimates"]["editors"]
    assert [n["likelihood"] for n in editors] == [40, 30, 20]  # the draft scenario's number is not shown
    assert editors[0] == {
        "scenario": world.scenario.slug,
        "scenario_id": world.scenario.pk,
        "outcome": "breakthrough",
        "likelihood": 40,
    }
    assert topic["estimates"]["as_of"] == "2025-03-01"
    community = topic["estimates"]["community"]
    assert community["shown"] is True
    assert get(client, topic["api_url"]).json()["estimates"]["community"]["readers"] == 7
    assert sum(n["likelihood"] for n in community["numbers"]) <= 100
    assert world.draft_scenario.pk not in {n["scenario_id"] for n in community["numbers"]}


def test_a_community_estimate_of_too_few_readers_is_not_shown(client, world):
    world.topic.community.readers = 2
    world.topic.community.save()
    community = get(client, "/api/v1/topics/arms-control").json()["estimates"]["community"]
    assert community == community | {"readers": 2, "shown": False, "numbers": []}


def test_a_topic_has_its_background_scenarios_and_sources(client, world):
    topic = get(client, "/api/v1/topics/arms-control").json()
    assert topic["background"] == "Some background." and topic["stakes"]
    assert [s["slug"] for s in topic["scenarios"]] == [s["scenario"] for s in topic["estimates"]["editors"]]
    assert world.draft_scenario.slug not in {s["slug"] for s in topic["scenarios"]}
    assert [s["key"] for s in topic["sources"]] == [s.key for s in world.topic.sources.all()]


def test_a_scenario_has_its_narrative_signposts_influences_and_sources(client, world):
    body = get(client, f"/api/v1/topics/arms-control/scenarios/{world.scenario.slug}").json()
    assert body["narrative"] == world.scenario.narrative and body["likelihood"] == 40
    assert body["likelihood_rationale"] == "An illustrative guess."
    marked = [s for s in body["signposts"] if s["marks"]]
    assert [s["state"] for s in marked] == ["observed"]  # the draft development's mark is not shown
    assert marked[0]["marks"][0]["development_id"] == world.development.pk
    assert {s["state"] for s in body["signposts"] if not s["marks"]} == {None}
    assert [i["strength"] for i in body["influences"]] == [1]
    assert body["influences"][0]["factor_api_url"].startswith(f"{SITE}/api/v1/factors/")
    assert len(body["sources"]) == 1
    assert body["url"] == f"{SITE}/topics/arms-control/{world.scenario.slug}/"


def test_scenarios_filter_by_topic_and_outcome(client, world):
    slugs = {s["slug"] for s in all_items(client, "/api/v1/scenarios?topic=arms-control")}
    assert world.scenario.slug in slugs and world.draft_scenario.slug not in slugs and len(slugs) == 3
    [only] = all_items(client, "/api/v1/scenarios?topic=arms-control&outcome=breakthrough")
    assert only["id"] == world.scenario.pk
    assert all_items(client, "/api/v1/scenarios?topic=secret-talks") == []


def test_outcomes_best_first_and_each_by_slug(client, world):
    outcomes = all_items(client, "/api/v1/outcomes")
    assert [o["slug"] for o in outcomes][:2] == ["breakthrough", "limited-agreement"]
    assert get(client, "/api/v1/outcomes/breakthrough").json()["url"] == (f"{SITE}/scenarios/?outcome=breakthrough")


def test_factors_show_how_they_push_published_scenarios_only(client, world):
    factors = all_items(client, "/api/v1/factors")
    pushed = {i["scenario_id"] for f in factors for i in f["influences"]}
    assert world.scenario.pk in pushed
    assert world.draft_scenario.pk not in pushed
    assert not pushed & {s.pk for s in world.draft_topic.scenarios.all()}
    one = get(client, f"/api/v1/factors/{factors[0]['slug']}").json()
    assert one == factors[0]


def test_sources_are_those_published_content_rests_on(client, world):
    keys = {s["key"] for s in all_items(client, "/api/v1/sources")}
    assert {s.key for s in world.topic.sources.all()} <= keys
    assert {s.key for s in world.scenario.sources.all()} <= keys
    assert not keys & {s.key for s in world.draft_topic.sources.all()}
    assert not keys & {s.key for s in world.draft_scenario.sources.all()}
    draft_source = world.draft_topic.sources.get()
    assert get(client, f"/api/v1/sources/{draft_source.key}").status_code == 404


def test_developments_published_with_their_sources_and_marks(client, world):
    [development] = all_items(client, "/api/v1/developments")
    assert development["id"] == world.development.pk and development["topics"] == ["arms-control"]
    assert development["sources"][0]["url"].startswith("https://news.example.org/")
    assert [m["state"] for m in development["signpost_marks"]] == ["observed"]
    assert get(client, f"/api/v1/developments/{world.draft_development.pk}").status_code == 404
    assert all_items(client, "/api/v1/developments?topic=secret-talks") == []


def test_the_history_has_every_revision_and_the_communitys_readings(client, world):
    body = get(client, "/api/v1/topics/arms-control/history").json()
    [revision] = body["revisions"]
    assert revision["as_of"] == "2025-03-01" and revision["development_id"] == world.development.pk
    assert [n["likelihood"] for n in revision["numbers"]] == [40, 30, 20]
    assert body["csv_url"] == f"{SITE}/topics/arms-control/history.csv"
    assert body["community"][-1]["numbers"]
    assert get(client, "/api/v1/topics/secret-talks/history").status_code == 404


def test_annotations_and_replies_public_only(client, world):
    items = all_items(client, "/api/v1/annotations")
    assert [a["id"] for a in items] == [world.note.pk, world.reply.pk]
    note, reply = items
    assert note["body"] == "A **public** note." and "<strong>public</strong>" in note["body_html"]
    assert note["quote"] == "The first paragraph" and note["author"] == "contributor"
    assert (reply["kind"], reply["parent_id"], reply["root_id"]) == ("reply", world.note.pk, world.note.pk)
    assert note["url"] == f"{SITE}/annotations/{world.note.pk}/"
    for unseen in (world.private, world.hidden, world.on_draft):
        assert get(client, f"/api/v1/annotations/{unseen.pk}").status_code == 404


def test_annotations_filter_by_topic_scenario_and_since(client, world, outcomes, contributor):
    other = grow_one(outcomes, contributor)
    assert {a["id"] for a in all_items(client, "/api/v1/annotations?topic=arms-control")} == {
        world.note.pk,
        world.reply.pk,
    }
    by_scenario = all_items(client, f"/api/v1/annotations?topic={other.topic.slug}&scenario={other.slug}")
    assert by_scenario and {a["scenario_id"] for a in by_scenario} == {other.pk}
    later = timezone.now() + datetime.timedelta(minutes=1)
    assert all_items(client, f"/api/v1/annotations?since={later.isoformat().replace('+00:00', 'Z')}") == []
    assert len(all_items(client, "/api/v1/annotations?since=2000-01-01")) == 4
    world.note.edit(body="Changed later.")
    since = (timezone.now() - datetime.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert {a["id"] for a in all_items(client, f"/api/v1/annotations?since={since}")} >= {world.note.pk}


def grow_one(outcomes, contributor):
    grow(outcomes, contributor, 1)
    from diplomacy.annotations.models import Annotation

    return Annotation.objects.order_by("-pk").first().scenario


# Public data only, whoever asks


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/topics",
        "/api/v1/topics/arms-control",
        "/api/v1/scenarios",
        "/api/v1/annotations",
        "/api/v1/developments",
        "/api/v1/factors",
        "/api/v1/sources",
        "/api/v1/topics/arms-control/history",
    ],
)
def test_an_editors_session_sees_exactly_what_anyone_sees(client, editor, world, path):
    anonymous = get(client, path)
    client.force_login(editor)
    signed_in = get(client, path)
    assert signed_in.content == anonymous.content
    assert b"Secret talks" not in signed_in.content and b"Only mine." not in signed_in.content
    assert b"On a draft scenario." not in signed_in.content and b"Not yet out" not in signed_in.content
    assert "Cookie" not in signed_in.get("Vary", "") and not signed_in.cookies


def test_drafts_are_not_found_even_by_their_editor(client, editor, world, contributor):
    client.force_login(editor)
    assert get(client, "/api/v1/topics/secret-talks").status_code == 404
    assert get(client, f"/api/v1/topics/arms-control/scenarios/{world.draft_scenario.slug}").status_code == 404
    client.force_login(contributor)  # the author of the private note
    assert get(client, f"/api/v1/annotations/{world.private.pk}").status_code == 404


def test_nothing_is_written_and_no_csrf_surface(client, world):
    response = client.post("/api/v1/topics", {"title": "Mine"})
    assert response.status_code == 405
    elsewhere = client.post("/api/v1/no-such-thing", {"title": "Mine"})  # JSON, not the CSRF page
    assert elsewhere.status_code == 404 and elsewhere.json()["detail"]
    assert get(client, "/api/v1/topics").json()["items"][0]["title"] == "Arms control"


# Pages


def test_pages_in_id_order_cover_everything_once(client, world, outcomes, contributor):
    grow(outcomes, contributor, 4)
    whole = all_items(client, "/api/v1/annotations?limit=200")
    paged = all_items(client, "/api/v1/annotations?limit=3")
    assert [a["id"] for a in paged] == [a["id"] for a in whole] == sorted(a["id"] for a in whole)
    first = get(client, "/api/v1/annotations?limit=3&topic=arms-control").json()
    assert first["next"] is None  # two annotations there
    first = get(client, "/api/v1/annotations?limit=3&since=2000-01-01").json()
    assert "limit=3" in first["next"] and "since=2000-01-01" in first["next"] and "cursor=" in first["next"]
    assert get(client, f"/api/v1/annotations?cursor={encode(whole[-1]['id'])}").json() == {"items": [], "next": None}


@pytest.mark.parametrize("cursor", ["nonsense", "YWZ0ZXI6", encode(1)[:-2] + "!!", "YWZ0ZXI6LTE", "%FF"])
def test_a_malformed_cursor_is_a_400(client, world, cursor):
    response = get(client, f"/api/v1/annotations?cursor={cursor}")
    assert response.status_code == 400 and "cursor" in response.json()["detail"]


@pytest.mark.parametrize("limit", ["0", "201", "ten", "-1", "1.0", "%201"])
def test_a_limit_out_of_range_is_a_400(client, limit):
    response = get(client, f"/api/v1/topics?limit={limit}")
    assert response.status_code == 400 and "limit" in response.json()["detail"]


# Bad input


def test_unknown_filters_are_named_in_a_400(client):
    response = get(client, "/api/v1/annotations?topic=x&colour=red&author=me")
    assert response.status_code == 400
    assert response.json() == {"detail": "Unknown parameters: author, colour."}
    assert get(client, "/api/v1/topics/arms-control?expand=1").status_code == 400
    # A part of the path is no query parameter: not silently ignored either.
    assert get(client, "/api/v1/topics/arms-control?topic=other").json() == {"detail": "Unknown parameter: topic."}
    assert get(client, "/api/v1/developments/1?development=2").status_code == 400


@pytest.mark.parametrize(
    "since",
    [
        "yesterday",
        "2026-13-01",
        "1/2/2026",
        "",
        "0",  # not a Unix time either
        "1700000000",
        "9999-12-31T23:59:59-14:00",  # past the last day in UTC
        "0001-01-01T00:00:00%2B14:00",  # before the first
    ],
)
def test_a_since_that_is_no_date_is_a_400(client, since):
    response = get(client, f"/api/v1/annotations?since={since}")
    assert response.status_code == 400 and "since" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/topics/nowhere",
        "/api/v1/topics/nowhere/history",
        "/api/v1/topics/arms-control/scenarios/nowhere",
        "/api/v1/outcomes/nowhere",
        "/api/v1/factors/nowhere",
        "/api/v1/sources/nowhere",
        "/api/v1/developments/999999",
        "/api/v1/annotations/999999",
        "/api/v1/nothing-here",
        "/api/v1/topics/arms-control/",
    ],
)
def test_unknown_objects_and_addresses_are_404_in_json(client, world, path):
    response = get(client, path)
    assert response.status_code == 404 and response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/topics/a%00b",
        "/api/v1/topics/arms-control/scenarios/a%00",
        "/api/v1/sources/%00",
        "/api/v1/scenarios?topic=%00",
        "/api/v1/annotations?scenario=a%00b",
        "/api/v1/developments?topic=arms%20control",
    ],
)
def test_what_is_no_slug_is_a_400_on_every_database(client, world, path):
    """PostgreSQL refuses a NUL byte in text with an error: it must never get that far."""
    response = get(client, path)
    assert response.status_code == 400 and "pattern" in response.json()["detail"]


def test_a_since_with_an_offset_postgresql_has_no_name_for_is_taken(client, world):
    """-17:02 is past what PostgreSQL accepts in a timestamp: the moment goes to it in UTC."""
    assert get(client, "/api/v1/annotations?since=2000-01-01T00:00:00-17:02").json()["items"]


def test_an_id_that_is_no_number_is_a_400(client):
    response = get(client, "/api/v1/annotations/not-a-number")
    assert response.status_code == 400 and "annotation" in response.json()["detail"]


# Conditional requests


def test_etag_answers_304_until_what_it_shows_changes(client, world):
    first = get(client, "/api/v1/annotations")
    etag = first["ETag"]
    assert client.get("/api/v1/annotations", headers={"if-none-match": etag}).status_code == 304
    world.note.edit(body="Changed.")
    changed = get(client, "/api/v1/annotations", if_none_match=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_an_annotation_has_last_modified_and_answers_if_modified_since(client, world):
    response = get(client, f"/api/v1/annotations/{world.note.pk}")
    last_modified = response["Last-Modified"]
    assert last_modified.endswith("GMT")
    assert (
        client.get(f"/api/v1/annotations/{world.note.pk}", headers={"if-modified-since": last_modified}).status_code
        == 304
    )
    # A development shows its marks, sources and topics, which change without touching it: no date.
    assert "Last-Modified" not in get(client, f"/api/v1/developments/{world.development.pk}")


def test_renaming_an_annotations_scenario_moves_its_last_modified(client, world):
    path = f"/api/v1/annotations/{world.note.pk}"
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    for model, pk in ((Annotation, world.note.pk), (Scenario, world.scenario.pk), (Topic, world.topic.pk)):
        model.objects.filter(pk=pk).update(updated_at=an_hour_ago)
    Version.bump(["annotations"])  # as any change through the ORM's signals would
    before = get(client, path)["Last-Modified"]
    world.scenario.refresh_from_db()
    world.scenario.slug = "renamed"
    world.scenario.save()  # its answer shows the scenario's slug: an If-Modified-Since of before must not get a 304
    answer = client.get(path, headers={"if-modified-since": before})
    assert answer.status_code == 200 and answer.json()["scenario"] == "renamed"
    assert answer["Last-Modified"] != before


# CORS


def test_any_site_may_read_the_api_from_a_browser(client, world):
    response = get(client, "/api/v1/topics", origin="https://news.example.com")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/topics", headers={"origin": "https://news.example.com", "access-control-request-method": "GET"}
    )
    assert preflight.status_code == 200 and "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_the_rest_of_the_site_is_not_opened_to_other_origins(client, world):
    response = client.get("/topics/arms-control/", headers={"origin": "https://news.example.com"})
    assert "Access-Control-Allow-Origin" not in response


# The rate limit


def test_too_many_requests_from_one_address_are_refused_with_retry_after(client, settings, world):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert get(client, "/api/v1/topics").status_code == 200
    refused = get(client, "/api/v1/topics")
    assert refused.status_code == 429 and refused.json()["detail"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get("/api/v1/topics", REMOTE_ADDR="10.0.0.9").status_code == 200  # another address


# Docs


def test_the_docs_come_from_our_own_files_within_the_csp(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    assert "cdn" not in html.lower() and "https://" not in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/annotations" in schema["paths"]


# Query counts


ENDPOINTS = [
    "/api/v1/topics",
    "/api/v1/topics/arms-control",
    "/api/v1/topics/arms-control/history",
    "/api/v1/topics/arms-control/scenarios/{scenario}",
    "/api/v1/scenarios",
    "/api/v1/outcomes",
    "/api/v1/factors",
    "/api/v1/sources",
    "/api/v1/developments",
    "/api/v1/developments/{development}",
    "/api/v1/annotations",
    "/api/v1/annotations?topic=arms-control",
    "/api/v1/annotations/{note}",
]


def test_queries_do_not_grow_with_the_data(client, world, outcomes, contributor):
    paths = [
        path.format(scenario=world.scenario.slug, development=world.development.pk, note=world.note.pk)
        for path in ENDPOINTS
    ]

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert get(client, path).status_code == 200
        return len(queries)

    grow(outcomes, contributor, 1)
    before = {path: count(path) for path in paths}
    grow(outcomes, contributor, 57)  # ten times the seeds: 60 published topics, 240 scenarios, their annotations
    assert {path: count(path) for path in paths} == before


def test_behind_the_proxy_the_limit_counts_the_address_it_added(client, settings, monkeypatch, world):
    """DJANGO_BEHIND_PROXY: the last X-Forwarded-For entry is the one nginx added (the client's own
    address); whatever a client puts before it is not believed, so it can't dodge the limit."""
    from ninja.conf import settings as ninja_settings

    monkeypatch.setattr(ninja_settings, "NUM_PROXIES", 1)
    settings.API_RATE_LIMIT = 2
    for forged in ("1.1.1.1", "2.2.2.2"):
        assert client.get("/api/v1/topics", HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7").status_code == 200
    assert client.get("/api/v1/topics", HTTP_X_FORWARDED_FOR="3.3.3.3, 203.0.113.7").status_code == 429
    assert client.get("/api/v1/topics", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_not_behind_a_proxy_a_forwarded_address_is_ignored(client, settings, world):
    settings.API_RATE_LIMIT = 2
    for forged in ("1.1.1.1", "2.2.2.2"):
        assert client.get("/api/v1/topics", HTTP_X_FORWARDED_FOR=forged).status_code == 200
    assert client.get("/api/v1/topics", HTTP_X_FORWARDED_FOR="3.3.3.3").status_code == 429


def test_a_thread_an_editor_restores_counts_as_changed_since(client, world, editor):
    world.note.hide(by=editor, reason="Checking")
    assert world.reply.pk not in {a["id"] for a in all_items(client, "/api/v1/annotations")}
    moment = timezone.now()
    world.note.restore(by=editor, reason="Fine after all")
    since = moment.isoformat().replace("+00:00", "Z")
    assert {a["id"] for a in all_items(client, f"/api/v1/annotations?since={since}")} == {world.note.pk, world.reply.pk}
