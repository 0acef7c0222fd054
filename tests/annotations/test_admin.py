"""Moderation in the admin: a queue with flags first, actions with a reason, no editing others' words."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diplomacy.annotations.models import Annotation, Flag, ModerationEvent
from tests.factories import make_annotation, make_scenario

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/annotations/annotation/"
WAITING = CHANGELIST + "?flagged=open&state__exact=shown"


def test_the_queue_shows_flagged_annotations_first(client, editor, contributor, other_contributor, scenario):
    make_annotation(scenario, contributor, body="Quiet")
    flagged = make_annotation(scenario, contributor, body="Flagged")
    flagged.flag(by=other_contributor)
    client.force_login(editor)
    response = client.get(CHANGELIST)
    assert [a.body for a in response.context["cl"].result_list] == ["Flagged", "Quiet"]
    assert [a.body for a in client.get(CHANGELIST + "?flagged=open").context["cl"].result_list] == ["Flagged"]


def test_the_queue_shows_flagged_annotations_first_however_old(
    client, editor, contributor, other_contributor, scenario
):
    flagged = make_annotation(scenario, contributor, body="Old and flagged")
    Annotation.objects.filter(pk=flagged.pk).update(created_at=timezone.now() - timedelta(days=30))
    flagged.flag(by=other_contributor)
    make_annotation(scenario, contributor, body="New and quiet")
    client.force_login(editor)
    response = client.get(CHANGELIST)
    assert [a.body for a in response.context["cl"].result_list] == ["Old and flagged", "New and quiet"]


def test_the_queue_shows_bodies_rendered_and_sanitized(client, editor, contributor, scenario):
    make_annotation(scenario, contributor, body="<script>alert(1)</script>**bold** and [a link](https://example.org/x)")
    client.force_login(editor)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert (
        '<div class="annotation-preview"><p>&lt;script&gt;alert(1)&lt;/script&gt;<strong>bold</strong>' in response.text
    )
    assert "<script>alert(1)" not in response.text
    assert "**bold**" not in response.text
    assert "https://example.org/x" not in response.text  # the row is a link already; links inside it are text
    assert "Note on " in response.text


def test_the_queue_sanitizes_even_a_stored_rendering_that_is_not(client, editor, contributor, scenario):
    annotation = make_annotation(scenario, contributor)
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)"><p onclick="alert(3)"><em>kept</em></p>'
    Annotation.objects.filter(pk=annotation.pk).update(body_html=hostile)
    client.force_login(editor)

    response = client.get(CHANGELIST)

    assert '<div class="annotation-preview"><p><em>kept</em></p></div>' in response.text
    for payload in ("alert(", "onerror", "onclick", 'src="x"', "src=x"):
        assert payload not in response.text


def test_the_queue_cuts_long_bodies_and_loads_its_styles(client, editor, contributor, scenario):
    make_annotation(scenario, contributor, body=" ".join(["word"] * 500))
    client.force_login(editor)
    response = client.get(CHANGELIST)
    assert response.text.count("word") < 100
    assert "/static/css/admin.css" in response.text


def test_the_queue_runs_a_fixed_number_of_queries(
    client, editor, contributor, other_contributor, django_assert_max_num_queries
):
    scenarios = [make_scenario() for _ in range(5)]
    for n in range(30):
        annotation = make_annotation(scenarios[n % 5], contributor if n % 2 else other_contributor, body=f"**{n}**")
        if n % 3 == 0:
            annotation.flag(by=editor)
    client.force_login(editor)
    with django_assert_max_num_queries(10):
        assert client.get(CHANGELIST).status_code == 200


def _admin_home_says(client) -> str:
    page = client.get("/admin/").text
    start = page.index('id="moderation-queue"')
    return page[start : page.index("</table>", start)]


def test_the_admin_home_tells_editors_how_many_flagged_annotations_wait(
    client, editor, contributor, other_contributor, scenario
):
    first = make_annotation(scenario, contributor, body="First")
    second = make_annotation(scenario, contributor, body="Second")
    client.force_login(editor)
    assert "No flagged annotation waits for moderation" in _admin_home_says(client)

    first.flag(by=other_contributor)
    first.flag(by=editor)  # two flags, one annotation
    assert "1 flagged annotation waits for moderation" in _admin_home_says(client)
    second.flag(by=other_contributor)
    home = _admin_home_says(client)
    assert "2 flagged annotations wait for moderation" in home
    assert f'href="{WAITING.replace("&", "&amp;")}"' in home
    assert [a.body for a in client.get(WAITING).context["cl"].result_list] == ["First", "Second"]  # more flags first

    client.post(CHANGELIST, {"action": "hide", "_selected_action": [first.pk], "apply": "1", "reason": "Spam"})
    assert "1 flagged annotation waits for moderation" in _admin_home_says(client)
    client.post(CHANGELIST, {"action": "clear_flags", "_selected_action": [second.pk], "apply": "1", "reason": "OK"})
    assert "No flagged annotation waits for moderation" in _admin_home_says(client)
    assert list(client.get(WAITING).context["cl"].result_list) == []


def test_the_count_leaves_out_private_annotations_of_others(client, editor, contributor, other_contributor, scenario):
    private = make_annotation(scenario, contributor, is_public=False)
    private.flag(by=other_contributor)  # cannot happen on the site, but the count must not tell of it
    client.force_login(editor)
    assert "No flagged annotation waits for moderation" in _admin_home_says(client)


def test_the_count_costs_one_query(client, editor, contributor, other_contributor, scenario):
    make_annotation(scenario, contributor).flag(by=other_contributor)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    about_annotations = [q["sql"] for q in queries.captured_queries if "annotations_annotation" in q["sql"]]
    assert len(about_annotations) == 1
    assert "COUNT(" in about_annotations[0]


def test_staff_who_do_not_moderate_see_no_queue_on_the_admin_home(client, contributor, other_contributor, scenario):
    make_annotation(scenario, contributor).flag(by=other_contributor)
    clerk = User.objects.create_user("clerk", password="clerk-password", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_topic"))
    client.force_login(clerk)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "moderation-queue" not in page.text


def test_editors_never_see_others_private_annotations_in_the_admin(client, editor, contributor, scenario):
    private = make_annotation(scenario, contributor, body="Diary", is_public=False)
    client.force_login(editor)
    assert "Diary" not in client.get(CHANGELIST).text
    assert client.get(f"{CHANGELIST}{private.pk}/change/").status_code == 302  # "does not exist" → back to the list


def test_hiding_from_the_admin_asks_for_a_reason_first(client, editor, contributor, scenario):
    annotation = make_annotation(scenario, contributor)
    client.force_login(editor)
    ask = client.post(CHANGELIST, {"action": "hide", "_selected_action": [annotation.pk]})
    assert ask.status_code == 200
    assert "give the reason" in ask.text
    annotation.refresh_from_db()
    assert annotation.state == "shown"
    done = client.post(
        CHANGELIST, {"action": "hide", "_selected_action": [annotation.pk], "apply": "1", "reason": "Spam"}
    )
    assert done.status_code == 302
    annotation.refresh_from_db()
    assert (annotation.state, annotation.moderation_reason) == ("hidden", "Spam")
    client.post(CHANGELIST, {"action": "restore", "_selected_action": [annotation.pk], "apply": "1", "reason": "OK"})
    annotation.refresh_from_db()
    assert annotation.state == "shown"
    assert list(ModerationEvent.objects.values_list("action", "reason")) == [("restore", "OK"), ("hide", "Spam")]


def test_clearing_flags_keeps_them_on_record(client, editor, contributor, other_contributor, scenario):
    annotation = make_annotation(scenario, contributor)
    annotation.flag(by=other_contributor)
    client.force_login(editor)
    client.post(
        CHANGELIST, {"action": "clear_flags", "_selected_action": [annotation.pk], "apply": "1", "reason": "Fine"}
    )
    flag = Flag.objects.get()
    assert flag.cleared_at is not None
    assert Annotation.objects.with_open_flags().get().open_flags == 0


def test_editors_can_read_but_not_change_or_delete_others_words(client, editor, contributor, scenario):
    annotation = make_annotation(scenario, contributor, body="Not yours")
    client.force_login(editor)
    page = client.get(f"{CHANGELIST}{annotation.pk}/change/")
    assert page.status_code == 200
    assert 'name="body"' not in page.text  # read-only
    client.post(f"{CHANGELIST}{annotation.pk}/change/", {"kind": "note", "body": "Changed", "scenario": scenario.pk})
    assert client.post(f"{CHANGELIST}{annotation.pk}/delete/", {"post": "yes"}).status_code == 403
    annotation.refresh_from_db()
    assert annotation.body == "Not yours"
    assert "delete_selected" not in client.get(CHANGELIST).text


def test_contributors_cannot_reach_the_admin(client, contributor):
    client.force_login(contributor)
    assert client.get(CHANGELIST).status_code == 302


def test_editors_annotate_inline_while_editing_a_scenario(client, editor, contributor, scenario):
    make_annotation(scenario, contributor, body="Someone else's")
    client.force_login(editor)
    url = f"/admin/scenarios/scenario/{scenario.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Someone else" not in page.text
    form = {
        "topic": scenario.topic.pk,
        "outcome": scenario.outcome.pk,
        "title": scenario.title,
        "slug": scenario.slug,
        "is_published": "on",
        "narrative": scenario.narrative,
        "signposts": scenario.signposts,
        "implications": scenario.implications,
        "likelihood_rationale": scenario.likelihood_rationale,
        "signpost_items-TOTAL_FORMS": 0,
        "signpost_items-INITIAL_FORMS": 0,
        "influences-TOTAL_FORMS": 0,
        "influences-INITIAL_FORMS": 0,
        "annotations-TOTAL_FORMS": 1,
        "annotations-INITIAL_FORMS": 0,
        "annotations-0-kind": "editors-note",
        "annotations-0-body": "Revised after review.",
        "annotations-0-quote": "",
        "annotations-0-source_url": "",
        "annotations-0-is_public": "on",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    note = Annotation.objects.get(kind="editors-note")
    assert (note.author, note.body_html) == (editor, "<p>Revised after review.</p>\n")
