"""The rules of annotating, enforced on the server, for every kind of user.

The cast: an anonymous reader, the contributor (author), another contributor, and an editor.
"""

import pytest
from django.urls import reverse

from diplomacy.annotations.models import BODY_MAX, QUOTE_MAX, Annotation, Flag
from tests.factories import make_annotation

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def create_url(scenario) -> str:
    return reverse("annotations", args=[scenario.topic.slug, scenario.slug])


def post(client, scenario, **fields):
    data = {"kind": "note", "body": "My note.", "is_public": "on"} | fields
    return client.post(create_url(scenario), data)


# Writing


def test_a_contributor_posts_an_annotation_and_is_sent_to_its_place(client, contributor, scenario):
    client.force_login(contributor)
    response = post(client, scenario, body="Prisoner swaps **worked** before.", quote="a prisoner exchange")
    annotation = Annotation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == annotation.get_absolute_url()
    assert (annotation.author, annotation.scenario, annotation.quote) == (contributor, scenario, "a prisoner exchange")
    assert annotation.body_html == "<p>Prisoner swaps <strong>worked</strong> before.</p>\n"
    page = client.get(client.get(response["Location"])["Location"].split("#")[0])
    assert "Your annotation is saved." in page.text
    assert "<mark>a prisoner exchange</mark>" in page.text


def test_with_htmx_the_new_annotation_comes_back_with_a_fresh_form_count_and_highlights(client, contributor, scenario):
    client.force_login(contributor)
    response = client.post(
        create_url(scenario), {"kind": "question", "body": "Within weeks?", "quote": "within weeks"}, headers=HTMX
    )
    assert response.status_code == 200
    annotation = Annotation.objects.get()
    assert response.text.lstrip().startswith('<div id="annotate"')
    assert 'data-hx-swap-oob="afterbegin:#thread-list"' in response.text
    assert f'id="annotation-{annotation.pk}"' in response.text
    assert '<span id="annotation-count" class="count" data-hx-swap-oob="true">1</span>' in response.text
    assert f'href="/annotations/{annotation.pk}/" data-annotations="{annotation.pk}"><mark>within weeks</mark>' in (
        response.text
    )


def test_anonymous_readers_are_sent_to_log_in_to_write(client, scenario):
    response = post(client, scenario)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert client.post(create_url(scenario), {"body": "x"}, headers=HTMX)["HX-Redirect"].startswith("/accounts/login/")
    assert not Annotation.objects.exists()


def test_an_invalid_form_re_renders_with_the_error_by_the_field_and_the_text_kept(client, contributor, scenario):
    client.force_login(contributor)
    response = post(client, scenario, body="Keep these words.", quote="words that are not in the narrative")
    assert response.status_code == 422
    assert "These words are not in the scenario’s narrative" in response.text
    assert "Keep these words.</textarea>" in response.text
    assert not Annotation.objects.exists()
    htmx = client.post(create_url(scenario), {"kind": "note", "body": "", "quote": ""}, headers=HTMX)
    assert htmx.status_code == 422
    assert htmx.text.lstrip().startswith('<div id="annotate"')
    assert "This field is required." in htmx.text


def test_body_and_quote_have_limits_with_a_clear_message(client, contributor, scenario):
    client.force_login(contributor)
    response = post(client, scenario, body="x" * (BODY_MAX + 1))
    assert f"Ensure this value has at most {BODY_MAX} characters (it has {BODY_MAX + 1})." in response.text
    response = post(client, scenario, quote="y" * (QUOTE_MAX + 1))
    assert f"Ensure this value has at most {QUOTE_MAX} characters" in response.text
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,x", "ftp://example.org/file", "not a link"])
def test_a_source_link_must_be_http_or_https(client, contributor, scenario, link):
    client.force_login(contributor)
    response = post(client, scenario, source_url=link)
    assert response.status_code == 422
    assert "Enter a valid URL." in response.text


def test_only_editors_write_editors_notes(client, contributor, editor, scenario):
    client.force_login(contributor)
    assert post(client, scenario, kind="editors-note").status_code == 422
    client.force_login(editor)
    assert post(client, scenario, kind="editors-note").status_code == 302
    assert Annotation.objects.get().kind == "editors-note"


def test_posting_more_than_20_a_minute_is_refused_kindly_and_keeps_the_text(client, contributor, scenario):
    for n in range(20):
        make_annotation(scenario, contributor, body=f"Note {n}")
    client.force_login(contributor)
    response = post(client, scenario, body="The twenty-first.")
    assert response.status_code == 429
    assert "You have posted 20 annotations and replies in the last minute" in response.text
    assert "The twenty-first.</textarea>" in response.text
    assert Annotation.objects.count() == 20


# Reading


def test_anonymous_readers_see_public_annotations_only(client, contributor, scenario):
    make_annotation(scenario, contributor, body="Public words")
    make_annotation(scenario, contributor, body="Private words", is_public=False)
    make_annotation(scenario, contributor, body="Hidden words", state="hidden", moderation_reason="Off topic")
    page = client.get(scenario.get_absolute_url()).text
    assert "Public words" in page
    assert "Private words" not in page
    assert "Hidden words" not in page


def test_private_annotations_are_visible_to_their_author_only(client, contributor, other_contributor, editor, scenario):
    private = make_annotation(scenario, contributor, body="Only mine", is_public=False, quote="a prisoner exchange")
    client.force_login(contributor)
    page = client.get(scenario.get_absolute_url()).text
    assert "Only mine" in page and "Private: only you can see it" in page
    assert "<mark>a prisoner exchange</mark>" in page
    for user in (other_contributor, editor):
        client.force_login(user)
        page = client.get(scenario.get_absolute_url()).text
        assert "Only mine" not in page
        assert "<mark>" not in page
        assert client.get(private.get_absolute_url()).status_code == 404


def test_hidden_annotations_show_to_their_author_with_the_reason_and_to_editors(
    client, contributor, other_contributor, editor, scenario
):
    make_annotation(scenario, contributor, body="Rude words", state="hidden", moderation_reason="Insulting")
    client.force_login(contributor)
    assert "Hidden by an editor: “Insulting”" in client.get(scenario.get_absolute_url()).text
    client.force_login(editor)
    page = client.get(scenario.get_absolute_url()).text
    assert "Rude words" in page and "Show again" in page
    client.force_login(other_contributor)
    assert "Rude words" not in client.get(scenario.get_absolute_url()).text


# Changing


@pytest.mark.parametrize("action", ["annotation_edit", "annotation_delete"])
def test_only_the_author_edits_or_deletes(client, contributor, other_contributor, editor, scenario, action):
    annotation = make_annotation(scenario, contributor, body="My own words")
    url = reverse(action, args=[annotation.pk])
    for user in (other_contributor, editor):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"kind": "note", "body": "Hijacked"}).status_code == 403
    client.logout()
    assert client.post(url, {"body": "Hijacked"})["Location"].startswith("/accounts/login/")
    annotation.refresh_from_db()
    assert annotation.body == "My own words"


@pytest.mark.parametrize(
    ("method", "action"),
    [
        ("get", "annotation"),
        ("get", "annotation_edit"),
        ("post", "annotation_edit"),
        ("post", "annotation_delete"),
        ("post", "annotation_flag"),
    ],
)
def test_someone_elses_private_annotation_is_not_found_by_id(
    client, contributor, other_contributor, scenario, method, action
):
    private = make_annotation(scenario, contributor, body="Secret", is_public=False)
    client.force_login(other_contributor)
    response = getattr(client, method)(reverse(action, args=[private.pk]), {"kind": "note", "body": "Mine now"})
    assert response.status_code == 404
    assert "Secret" not in response.content.decode()
    assert Annotation.objects.filter(pk=private.pk, body="Secret").exists()
    assert not Flag.objects.exists()


def test_the_author_edits_in_place_and_it_is_marked_edited(client, contributor, scenario):
    annotation = make_annotation(scenario, contributor, body="First draft")
    client.force_login(contributor)
    url = reverse("annotation_edit", args=[annotation.pk])
    form = client.get(url, headers=HTMX)
    assert form.text.lstrip().startswith(f'<li id="annotation-{annotation.pk}" class="annotation annotation--editing">')
    response = client.post(url, {"kind": "evidence", "body": "Second draft", "is_public": "on"}, headers=HTMX)
    assert response.status_code == 200
    assert "Second draft" in response.text and "edited" in response.text
    annotation.refresh_from_db()
    assert (annotation.kind, annotation.body, annotation.edited_at is not None) == ("evidence", "Second draft", True)


def test_an_invalid_edit_keeps_the_text(client, contributor, scenario):
    annotation = make_annotation(scenario, contributor)
    client.force_login(contributor)
    response = client.post(
        reverse("annotation_edit", args=[annotation.pk]), {"kind": "note", "body": "Kept", "source_url": "javascript:x"}
    )
    assert response.status_code == 422
    assert "Enter a valid URL." in response.text and "Kept</textarea>" in response.text


def test_the_author_deletes_after_confirming(client, contributor, scenario):
    annotation = make_annotation(scenario, contributor, body="Going away")
    client.force_login(contributor)
    url = reverse("annotation_delete", args=[annotation.pk])
    assert "Delete your annotation?" in client.get(url).text
    assert Annotation.objects.exists()
    response = client.post(url)
    assert response["Location"] == scenario.get_absolute_url() + "#annotations"
    assert not Annotation.objects.exists()


# Flags and moderation


def test_signed_in_users_flag_an_annotation_once_each(client, contributor, other_contributor, editor, scenario):
    annotation = make_annotation(scenario, contributor)
    for user in (other_contributor, editor):
        client.force_login(user)
        client.post(reverse("annotation_flag", args=[annotation.pk]))
        response = client.post(reverse("annotation_flag", args=[annotation.pk]), headers=HTMX)
        assert "You flagged this for editors" in response.text
    assert Flag.objects.filter(annotation=annotation).count() == 2
    client.logout()
    assert client.post(reverse("annotation_flag", args=[annotation.pk])).status_code == 302
    assert Flag.objects.count() == 2


def test_editors_hide_and_restore_with_a_reason_from_the_scenario_page(client, contributor, editor, scenario):
    annotation = make_annotation(scenario, contributor, body="Spam")
    client.force_login(editor)
    response = client.post(reverse("annotation_hide", args=[annotation.pk]), {"reason": "Advertising"}, headers=HTMX)
    assert "Hidden by an editor: “Advertising”" in response.text
    annotation.refresh_from_db()
    assert (annotation.state, annotation.moderation_reason) == ("hidden", "Advertising")
    assert annotation.moderation_events.get().editor == editor
    client.post(reverse("annotation_restore", args=[annotation.pk]), {"reason": "Appeal upheld"})
    annotation.refresh_from_db()
    assert annotation.state == "shown"
    assert annotation.body == "Spam"  # editors moderate; they do not edit words


def test_restoring_settles_the_flags_raised_so_far_but_not_later_ones(contributor, other_contributor, editor, scenario):
    annotation = make_annotation(scenario, contributor)
    annotation.flag(by=other_contributor)
    annotation.hide(by=editor, reason="Flagged as abusive")
    annotation.restore(by=editor, reason="Not abusive on a second reading")
    assert not Flag.objects.filter(annotation=annotation, cleared_at__isnull=True).exists()
    annotation.flag(by=editor)
    assert Flag.objects.filter(annotation=annotation, cleared_at__isnull=True).count() == 1


def test_hiding_needs_a_reason(client, contributor, editor, scenario):
    annotation = make_annotation(scenario, contributor)
    client.force_login(editor)
    response = client.post(reverse("annotation_hide", args=[annotation.pk]), {"reason": ""}, headers=HTMX)
    assert response.status_code == 422
    assert "This field is required." in response.text
    annotation.refresh_from_db()
    assert annotation.state == "shown"


def test_non_editors_cannot_moderate(client, contributor, other_contributor, scenario):
    annotation = make_annotation(scenario, contributor)
    for user in (contributor, other_contributor):
        client.force_login(user)
        assert client.post(reverse("annotation_hide", args=[annotation.pk]), {"reason": "x"}).status_code == 403
    annotation.refresh_from_db()
    assert annotation.state == "shown"


def test_pages_answer_only_their_methods(client, contributor, scenario):
    annotation = make_annotation(scenario, contributor)
    client.force_login(contributor)
    assert client.put(create_url(scenario)).status_code == 405
    assert client.get(reverse("annotation_flag", args=[annotation.pk])).status_code == 405
    assert client.post(annotation.get_absolute_url()).status_code == 405


def test_a_csrf_token_is_required_on_every_post(contributor, scenario):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(contributor)
    assert client.post(create_url(scenario), {"kind": "note", "body": "No token"}).status_code == 403
    assert not Annotation.objects.exists()


def test_my_annotations_come_thirty_to_a_page_newest_first(client, contributor, scenario):
    for n in range(31):
        make_annotation(scenario, contributor, body=f"Note {n}")
    client.force_login(contributor)
    first = client.get(reverse("my_annotations")).text
    assert "Note 30" in first and "Note 0" not in first
    assert '<a rel="next" href="?page=2">Older →</a>' in first
    second = client.get(reverse("my_annotations"), {"page": 2}).text
    assert "Note 0" in second and '<a rel="prev" href="?page=1">← Newer</a>' in second


def test_my_annotations_lists_mine_only(client, contributor, other_contributor, scenario):
    make_annotation(scenario, contributor, body="Mine, private", is_public=False)
    make_annotation(scenario, other_contributor, body="Theirs")
    client.force_login(contributor)
    page = client.get(reverse("my_annotations")).text
    assert "Mine, private" in page and "Theirs" not in page
    client.logout()
    assert client.get(reverse("my_annotations")).status_code == 302
