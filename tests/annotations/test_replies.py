"""Replies: to annotations and to replies, nested in the thread, under the annotations' rules."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from diplomacy.annotations.models import Annotation
from tests.factories import make_annotation
from tests.utils import count_queries
from tests.xss_payloads import PAYLOADS

HTMX = {"HX-Request": "true"}


def reply_url(annotation) -> str:
    return f"/annotations/{annotation.pk}/reply/"


def reply(client, annotation, body="I agree.", **headers):
    return client.post(reply_url(annotation), {"body": body}, headers=headers)


def thread_bodies(response) -> list[str]:
    """The text of each reply on the page, in the order shown."""
    return re.findall(
        r'<article id="annotation-\d+"[^>]*>.*?<div class="annotation-body"><p>(.*?)</p>', response.text, re.S
    )


@pytest.fixture
def annotation(scenario, contributor):
    return make_annotation(scenario, contributor, body="The exchange comes first.")


def test_a_reader_replies_and_everyone_sees_the_reply_under_the_annotation(
    client, scenario, annotation, other_contributor
):
    # Anonymous first, so the page is cached without the reply.
    assert "A fair point" not in client.get(scenario.get_absolute_url()).text
    client.force_login(other_contributor)
    response = reply(client, annotation, "A *fair* point.")
    posted = Annotation.objects.get(parent=annotation)
    assert response.status_code == 302 and response["Location"] == posted.get_absolute_url()
    assert (posted.root, posted.scenario, posted.kind, posted.is_public) == (annotation, scenario, "reply", True)
    client.logout()
    page = client.get(scenario.get_absolute_url())
    assert "A <em>fair</em> point." in page.text
    # Nested under the annotation it answers, not a thread item of its own.
    item = page.text.split(f'id="annotation-{annotation.pk}"')[1].split('id="thread-more"')[0]
    assert f'id="annotation-{posted.pk}"' in item
    assert page.text.count('class="annotation annotation--note') == 1


def test_replies_to_replies_nest_in_the_order_written_and_each_has_a_permalink(
    client, scenario, annotation, contributor, other_contributor
):
    first = annotation.reply(author=other_contributor, body="First.")
    annotation.reply(author=contributor, body="Second.")
    deeper = first.reply(author=contributor, body="Under first.")
    deepest = deeper.reply(author=other_contributor, body="Deepest.")
    page = client.get(scenario.get_absolute_url())
    assert thread_bodies(page)[:4] == ["First.", "Under first.", "Deepest.", "Second."]
    assert re.search(rf'class="reply reply--d3">\s*<article id="annotation-{deepest.pk}"', page.text)
    assert deepest.root == annotation and deepest.parent == deeper
    # The permalink of a reply at any depth opens the scenario page at it.
    response = client.get(deepest.get_absolute_url())
    assert response["Location"] == f"{scenario.get_absolute_url()}#annotation-{deepest.pk}"


def test_many_replies_fold_beyond_three_with_show_all(client, scenario, annotation, other_contributor):
    for n in range(5):
        annotation.reply(author=other_contributor, body=f"Reply {n}.")
    page = client.get(scenario.get_absolute_url())
    shown, folded = page.text.split('<details class="more-replies">')
    assert "Show all 5 replies" in folded
    assert all(f"Reply {n}." in shown for n in range(3))
    assert "Reply 3." in folded and "Reply 4." in folded and "Reply 3." not in shown


def test_a_reply_posted_with_htmx_comes_back_in_its_thread_in_view(client, annotation, other_contributor):
    for n in range(4):
        annotation.reply(author=other_contributor, body=f"Earlier {n}.")
    client.force_login(other_contributor)
    form = client.get(reply_url(annotation), headers=HTMX)
    assert '<form class="reply-form"' in form.text and "<html" not in form.text
    response = reply(client, annotation, "Just now.", **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#annotation-{annotation.pk}" and response["HX-Reswap"] == "outerHTML"
    assert response.text.lstrip().startswith(f'<li id="annotation-{annotation.pk}"')
    # Folded away as the fifth reply, but its fold is open and it is marked to scroll to.
    assert '<details class="more-replies" open>' in response.text
    posted = Annotation.objects.get(body="Just now.")
    assert re.search(rf'<article id="annotation-{posted.pk}"[^>]*data-just-posted', response.text)


def test_an_invalid_reply_is_refused_by_the_field_with_the_text_kept(client, annotation, other_contributor):
    client.force_login(other_contributor)
    response = reply(client, annotation, "x" * 10_001, **HTMX)
    assert response.status_code == 422
    assert "at most 10000 characters" in response.text and "x" * 10_001 in response.text
    assert not Annotation.objects.filter(parent=annotation).exists()
    plain = reply(client, annotation, "   ")
    assert plain.status_code == 422 and "This field is required" in plain.text and "<html" in plain.text


@override_settings(ANNOTATION_RATE_LIMIT=3)
def test_a_flood_of_replies_hits_the_rate_limit_with_the_text_kept(client, annotation, other_contributor):
    client.force_login(other_contributor)
    for n in range(3):
        assert reply(client, annotation, f"Reply {n}.").status_code == 302
    response = reply(client, annotation, "One too many, kept.", **HTMX)
    assert response.status_code == 429
    assert "your text is still here" in response.text and "One too many, kept." in response.text
    assert Annotation.objects.filter(parent=annotation).count() == 3


def test_replying_needs_a_login(client, annotation):
    response = reply(client, annotation)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Annotation.objects.filter(parent=annotation).exists()


def test_a_private_annotation_takes_replies_from_its_author_alone_and_they_stay_private(
    client, scenario, contributor, other_contributor
):
    private = make_annotation(scenario, contributor, body="Mine alone.", is_public=False)
    client.force_login(other_contributor)
    assert reply(client, private).status_code == 404
    assert client.get(private.get_absolute_url()).status_code == 404
    client.force_login(contributor)
    assert reply(client, private, "A note to self.").status_code == 302
    own = Annotation.objects.get(parent=private)
    assert not own.is_public
    client.force_login(other_contributor)
    assert client.get(own.get_absolute_url()).status_code == 404
    assert "A note to self." not in client.get(scenario.get_absolute_url()).text
    client.logout()
    assert "A note to self." not in client.get("/feeds/annotations.atom").text


def test_a_hidden_annotation_takes_no_replies_and_takes_its_thread_out_of_view(
    client, scenario, annotation, contributor, other_contributor, editor
):
    earlier = annotation.reply(author=other_contributor, body="Said before it was hidden.")
    annotation.hide(by=editor, reason="Off topic")
    for person in (editor, contributor):  # they can see it, and still may not reply
        client.force_login(person)
        assert reply(client, annotation).status_code == 403
    client.force_login(other_contributor)
    assert reply(client, annotation).status_code == 404
    assert client.get(earlier.get_absolute_url()).status_code == 404
    assert "Said before it was hidden." not in client.get(scenario.get_absolute_url()).text
    client.logout()
    assert "Said before it was hidden." not in client.get("/feeds/annotations.atom").text
    assert Annotation.objects.filter(parent=annotation).count() == 1


def test_a_hidden_reply_shows_as_hidden_and_what_answers_it_stays(
    client, scenario, annotation, contributor, other_contributor, editor
):
    hidden = annotation.reply(author=other_contributor, body="Rude.")
    under = hidden.reply(author=contributor, body="Answering the rude one.")
    lone = annotation.reply(author=other_contributor, body="Rude, and unanswered.")
    client.force_login(editor)
    for reply_ in (hidden, lone):
        assert client.post(f"/annotations/{reply_.pk}/hide/", {"reason": "Insults"}).status_code == 302
    client.logout()
    page = client.get(scenario.get_absolute_url())
    assert "Rude." not in page.text and "Insults" not in page.text and "Rude, and unanswered." not in page.text
    assert page.text.count("Hidden by an editor.") == 1  # in place of the one with an answer
    assert "Answering the rude one." in page.text
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(under.get_absolute_url()).status_code == 302
    assert "Answering the rude one." in client.get("/feeds/annotations.atom").text
    # Its author still sees it, with the reason, and may still delete it.
    client.force_login(other_contributor)
    mine = client.get(scenario.get_absolute_url())
    assert "Rude." in mine.text and "Insults" in mine.text
    assert reply(client, hidden).status_code == 403


def test_authors_keep_their_replies_in_a_thread_an_editor_hid(client, annotation, other_contributor, editor):
    answer = annotation.reply(author=other_contributor, body="Mine, still.")
    deeper = answer.reply(author=editor, body="Under it.")
    annotation.hide(by=editor, reason="Off topic")
    client.force_login(other_contributor)
    assert client.get(f"/annotations/{answer.pk}/edit/").status_code == 200
    assert reply(client, answer).status_code == 404  # the thread is out of their view
    client.force_login(editor)
    assert reply(client, deeper).status_code == 403  # seen, but nobody replies in a hidden thread
    client.force_login(other_contributor)
    assert client.post(f"/annotations/{answer.pk}/delete/").status_code == 302
    assert Annotation.objects.get(pk=answer.pk).is_deleted  # it carries the editor's reply


def test_reply_is_not_a_kind_to_choose_for_an_annotation(client, scenario, contributor):
    client.force_login(contributor)
    page = client.get(scenario.get_absolute_url())
    assert 'value="reply"' not in page.text
    response = client.post(
        f"/topics/{scenario.topic.slug}/{scenario.slug}/annotations/", {"kind": "reply", "body": "Sneaky."}
    )
    assert response.status_code == 422 and not Annotation.objects.filter(body="Sneaky.").exists()


def test_deleting_an_annotation_keeps_its_replies_readable_under_deleted(
    client, scenario, annotation, contributor, other_contributor
):
    answer = annotation.reply(author=other_contributor, body="Still worth reading.")
    client.force_login(contributor)
    response = client.post(f"/annotations/{annotation.pk}/delete/", headers=HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == f"#annotation-{annotation.pk}"
    assert "Deleted by its author" in response.text and "Still worth reading." in response.text
    annotation.refresh_from_db()
    assert annotation.is_deleted and annotation.body == "" and annotation.body_html == ""
    client.logout()
    page = client.get(scenario.get_absolute_url())
    assert "Deleted by its author" in page.text and "Still worth reading." in page.text
    assert "The exchange comes first." not in page.text
    assert client.get(answer.get_absolute_url()).status_code == 302
    # Nobody replies to what is deleted; its last reply gone, it goes too.
    client.force_login(other_contributor)
    assert reply(client, annotation).status_code == 403
    client.post(f"/annotations/{answer.pk}/delete/")
    assert not Annotation.objects.filter(pk__in=[annotation.pk, answer.pk]).exists()


def test_a_reply_without_replies_is_simply_deleted(client, annotation, other_contributor):
    answer = annotation.reply(author=other_contributor, body="Gone soon.")
    client.force_login(other_contributor)
    response = client.post(f"/annotations/{answer.pk}/delete/", headers=HTMX)
    assert response.status_code == 200
    assert not Annotation.objects.filter(pk=answer.pk).exists()
    assert Annotation.objects.filter(pk=annotation.pk).exists()


def test_authors_edit_their_own_replies_and_nobody_else_can(client, annotation, contributor, other_contributor):
    answer = annotation.reply(author=other_contributor, body="Frist.")
    client.force_login(contributor)
    assert client.post(f"/annotations/{answer.pk}/edit/", {"body": "Hijacked."}).status_code == 403
    client.force_login(other_contributor)
    form = client.get(f"/annotations/{answer.pk}/edit/", headers=HTMX)
    assert form.text.lstrip().startswith(f'<article id="annotation-{answer.pk}"')
    assert 'name="kind"' not in form.text and 'name="is_public"' not in form.text
    response = client.post(f"/annotations/{answer.pk}/edit/", {"body": "First."}, headers=HTMX)
    assert response.status_code == 200 and "First." in response.text
    answer.refresh_from_db()
    assert answer.body == "First." and answer.edited_at is not None and answer.is_public


def test_readers_flag_replies_for_editors(client, annotation, contributor, other_contributor):
    answer = annotation.reply(author=other_contributor, body="Dubious.")
    client.force_login(contributor)
    response = client.post(f"/annotations/{answer.pk}/flag/", headers=HTMX)
    assert response.status_code == 200 and "You flagged this for editors" in response.text
    assert answer.flags.filter(user=contributor).exists()


@pytest.mark.parametrize("payload", PAYLOADS[:6])
def test_reply_markdown_is_sanitized(client, scenario, annotation, other_contributor, payload):
    client.force_login(other_contributor)
    assert reply(client, annotation, payload).status_code == 302
    stored = Annotation.objects.get(parent=annotation)
    assert stored.body == payload  # what was posted is what was stored, and then rendered:
    page = client.get(scenario.get_absolute_url())
    assert "<script>alert" not in page.text and "onerror=" not in stored.body_html.lower()
    assert "javascript:" not in stored.body_html.lower()


def test_making_an_annotation_private_takes_its_thread_with_it(client, scenario, annotation, contributor):
    replier = User.objects.create_user("replier", "r@example.org", "pw")
    answer = annotation.reply(author=replier, body="Public reply.")
    client.force_login(contributor)
    client.post(f"/annotations/{annotation.pk}/edit/", {"kind": "note", "body": "Now private."})
    answer.refresh_from_db()
    assert not answer.is_public
    client.logout()
    assert "Public reply." not in client.get(scenario.get_absolute_url()).text
    assert "Public reply." not in client.get("/feeds/annotations.atom").text
    # Public again: the replies are public again, and no longer marked private.
    client.force_login(contributor)
    client.post(f"/annotations/{annotation.pk}/edit/", {"kind": "note", "body": "Public again.", "is_public": "on"})
    client.logout()
    page = client.get(scenario.get_absolute_url())
    assert "Public reply." in page.text and "Private: only you can see it" not in page.text


def test_the_thread_runs_the_same_queries_however_many_replies(client, scenario, contributor, other_contributor):
    roots = [make_annotation(scenario, contributor, body=f"Root {n}.") for n in range(3)]
    roots[0].reply(author=other_contributor, body="One reply.")
    client.force_login(other_contributor)
    few = count_queries(client, scenario.get_absolute_url())
    for root in roots:
        parent = root
        for n in range(12):
            parent = (parent if n % 3 else root).reply(author=other_contributor if n % 2 else contributor, body=f"R{n}")
    assert count_queries(client, scenario.get_absolute_url()) == few
    client.logout()
    assert count_queries(client, scenario.get_absolute_url()) <= few
