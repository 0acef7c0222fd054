"""Moderation in the admin: a queue with flags first, actions with a reason, no editing others' words."""

import pytest

from diplomacy.annotations.models import Annotation, Flag, ModerationEvent
from tests.factories import make_annotation

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/annotations/annotation/"


def test_the_queue_shows_flagged_annotations_first(client, editor, contributor, other_contributor, scenario):
    make_annotation(scenario, contributor, body="Quiet")
    flagged = make_annotation(scenario, contributor, body="Flagged")
    flagged.flag(by=other_contributor)
    client.force_login(editor)
    response = client.get(CHANGELIST)
    assert [a.body for a in response.context["cl"].result_list] == ["Flagged", "Quiet"]
    assert [a.body for a in client.get(CHANGELIST + "?flagged=open").context["cl"].result_list] == ["Flagged"]


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
        "likelihood": scenario.likelihood,
        "likelihood_rationale": scenario.likelihood_rationale,
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
