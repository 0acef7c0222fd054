"""Every page type is valid HTML by the W3C Nu HTML Checker: anonymously, for a reader, for an editor.

The pages are rendered with the test client into files, on the seeds plus annotations of every kind,
then the checker (Java) runs once over all of them; each page and role is its own test. htmx
fragments are checked inside a minimal document around them. Only the checker's errors count
(it is run with --errors-only); none is ignored.
"""

from __future__ import annotations

import contextlib
import io
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode

from diplomacy.annotations.anchoring import quote
from diplomacy.annotations.models import Annotation, Flag
from diplomacy.forecasts.models import CommunityVersion, Forecast, ForecastVersion, Resolution
from diplomacy.notifications.emails import unsubscribe_token
from diplomacy.notifications.models import Follow, Notification
from diplomacy.scenarios.models import Scenario, Topic
from diplomacy.timeline.models import Development, DevelopmentSource, Revision, SignpostMark
from tests.conftest import editors_group
from tests.factories import make_annotation, make_scenario, make_topic
from tests.html_check import Message, check, describe, java_or_skip

ANONYMOUS, READER, EDITOR = "anonymous", "reader", "editor"
EVERYONE = (ANONYMOUS, READER, EDITOR)
SIGNED_IN = (READER, EDITOR)
HX = {"HX-Request": "true"}


def in_document(fragment: str, parent: str = "body") -> str:
    """A fragment in a minimal document, inside the element htmx swaps it into; its line 1 is the file's line 2."""
    head = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>htmx fragment</title></head><body>'
    inner = f"<{parent}>" if parent != "body" else ""
    outer = f"</{parent}>" if parent != "body" else ""
    return f"{head}{inner}\n{fragment}\n{outer}</body></html>\n"


@dataclass
class World:
    """The seeds, and what the tests add to them: users, annotations of every kind, drafts."""

    reader: User
    other: User
    editor: User
    topic: Topic
    scenario: Scenario
    elsewhere: Scenario  # a scenario of another topic, to compare with
    draft_topic: Topic
    draft_scenario: Scenario  # unpublished, in a published topic
    own: Annotation  # the reader's public note, quoting a passage
    own_private: Annotation
    throwaway: Annotation  # the reader's, deleted by one of the pages
    others: Annotation  # someone else's, with a quoted passage
    hidden: Annotation  # someone else's, hidden by an editor
    resolved: Topic  # elsewhere's topic, estimated and then resolved
    clients: dict[str, Client] = field(default_factory=dict)


def _development(title: str) -> Development:
    return Development.objects.get(title=title)


def _ago(minutes: int):
    return timezone.now() - timedelta(minutes=minutes)


def _add_history(topic: Topic, scenario: Scenario) -> None:
    """A development that marks a signpost and prompts a re-estimate, and a draft one: the timeline's pages
    and the chart have something of each to show."""
    development = Development.objects.create(
        title="Envoys meet in Riyadh",
        happened_on=timezone.localdate() - timedelta(days=3),
        summary="The first meeting.",
        is_published=True,
    )
    development.topics.add(topic)
    DevelopmentSource.objects.create(
        development=development,
        title="Envoys meet",
        publisher="Example News",
        url="https://example.org/envoys",
        quote="They met.",
        published_on=timezone.localdate() - timedelta(days=3),
    )
    signpost = scenario.signpost_items.first()
    SignpostMark.objects.create(development=development, signpost=signpost, state="observed", note="They met.")
    draft = Development.objects.create(title="Rumoured summit", happened_on=timezone.localdate(), summary="Maybe.")
    draft.topics.add(topic)
    numbers = {
        pk: value or 0 for pk, value in topic.scenarios.order_by("outcome__order").values_list("pk", "likelihood")
    }
    first, second = list(numbers)[:2]
    numbers[first] += 100 - sum(numbers.values())  # the world's draft scenario has no estimate of its own
    numbers[first], numbers[second] = numbers[first] + 5, max(numbers[second] - 5, 0)
    numbers[first] += 100 - sum(numbers.values())
    Revision.record(topic, numbers, reason="After the meeting.", as_of=timezone.localdate(), development=development)


def _add_estimates(topic: Topic, resolved: Topic, reader: User) -> None:
    """Six readers' estimates of `topic` (the community's shows), and of `resolved`, which an
    editor then resolves: its estimates were made days before it happened, so they are scored."""
    readers = [
        reader,
        *(User.objects.create_user(f"forecaster{n}", f"f{n}@example.org", "pw-12345678") for n in range(5)),
    ]
    for estimated in (topic, resolved):
        pks = list(estimated.scenarios.published().order_by("outcome__order").values_list("pk", flat=True))
        for n, who in enumerate(readers):
            numbers = dict.fromkeys(pks, 0)
            numbers[pks[n % len(pks)]] = 100 - 10 * (len(pks) - 1)
            numbers.update({pk: 10 for pk in pks if numbers[pk] == 0})
            Forecast.record(who, estimated, numbers, "Because.")
    days_ago = timezone.now() - timedelta(days=4)
    ForecastVersion.objects.update(made_at=days_ago)
    CommunityVersion.objects.update(made_at=days_ago)
    happened = resolved.scenarios.published().order_by("outcome__order").first()
    Resolution.resolve(resolved, happened, timezone.localdate(), source_title="The summit's communiqué")


def build_world() -> World:
    call_command("load_seeds", stdout=io.StringIO())
    reader = User.objects.create_user("reader", "reader@example.org", "reader-password")
    other = User.objects.create_user("other", "other@example.org", "other-password")
    editor = User.objects.create_user("editor", "editor@example.org", "editor-password", is_staff=True)
    editor.groups.add(editors_group())
    User.objects.create_user("locked", "locked@example.org", "locked-password")

    topics = list(Topic.objects.published().order_by("order"))
    topic, elsewhere_topic = topics[0], topics[1]
    scenario = topic.scenarios.published().order_by("outcome__order").first()
    elsewhere = elsewhere_topic.scenarios.published().order_by("outcome__order").first()
    assert scenario is not None and elsewhere is not None, "the seeds have no published scenarios"
    draft_scenario = topic.scenarios.exclude(pk=scenario.pk).order_by("outcome__order").last()
    assert draft_scenario is not None
    draft_scenario.is_published, draft_scenario.likelihood = False, None  # an editor's draft, not estimated yet
    draft_scenario.save()
    scenario.estimated_at = timezone.now()  # an estimate dated now, to the microsecond, as an editor's would be
    scenario.save()
    draft_topic = make_topic(is_published=False)
    make_scenario(topic=draft_topic, outcome=scenario.outcome, is_published=False)

    def quoted(words: int, skip: int = 0) -> dict[str, str]:
        passage = " ".join(scenario.narrative.split()[skip : skip + words])
        found = quote(scenario.narrative, passage)
        assert found is not None
        return {"quote": found.exact, "quote_prefix": found.prefix, "quote_suffix": found.suffix}

    body = (
        "A **strong** point, with *emphasis*, `code` and [a link](https://example.org/a?b=1&c=2).\n\n"
        "> A quoted line.\n\n- one\n- two\n\n1. first\n2. second\n\nA line with <b>markup</b> & an ampersand."
    )
    others = make_annotation(scenario, other, body=body, created_at=_ago(90), **quoted(6))
    for minutes, kind in enumerate(["evidence", "counterpoint", "question", "note"], start=100):
        fields: dict[str, Any] = {"source_url": "https://example.org/report"} if kind == "evidence" else {}
        make_annotation(scenario, other, kind=kind, body=f"A {kind} on this.", created_at=_ago(minutes), **fields)
    # More than a page of them, so that the thread offers "Load more".
    for n in range(25):
        make_annotation(scenario, other, body=f"Annotation number {n}.", created_at=_ago(200 + n))
    make_annotation(
        scenario, editor, kind="editors-note", body="An editor’s note.", created_at=_ago(80), **quoted(4, skip=10)
    )
    hidden = make_annotation(
        scenario,
        other,
        body="Something out of place.",
        state=Annotation.State.HIDDEN,
        moderation_reason="Off topic.",
        created_at=_ago(70),
    )
    own = make_annotation(scenario, reader, body="My *own* note.", created_at=_ago(60), **quoted(5, skip=20))
    own_private = make_annotation(
        scenario, reader, kind="question", body="A private question.", is_public=False, created_at=_ago(50), **quoted(3)
    )
    make_annotation(
        scenario,
        reader,
        body="Mine, hidden.",
        state=Annotation.State.HIDDEN,
        moderation_reason="Please stay on topic.",
        created_at=_ago(40),
    )
    throwaway = make_annotation(scenario, reader, body="To be deleted.", created_at=_ago(30))
    # A conversation: replies nested three deep, more than are shown unfolded, and a deleted annotation carrying one.
    first = others.reply(author=reader, body="A *reply*.")
    first.reply(author=other, body="A reply to the reply.").reply(author=editor, body="And deeper.")
    for n in range(3):
        others.reply(author=other, body=f"Reply {n}.")
    gone = make_annotation(scenario, other, body="Soon deleted.", created_at=_ago(35))
    gone.reply(author=reader, body="Outliving its annotation.")
    gone.remove()
    Follow.objects.create(user=reader, topic=topic)
    Follow.objects.create(user=reader, scenario=elsewhere)
    make_annotation(scenario, other, body="News for followers.", created_at=_ago(20))
    make_annotation(elsewhere, reader, kind="evidence", body="Elsewhere.", source_url="https://example.org/x")
    Flag.objects.create(annotation=others, user=reader)
    Flag.objects.create(annotation=others, user=editor)
    _add_history(topic, scenario)
    _add_estimates(topic, elsewhere_topic, reader)

    clients = {ANONYMOUS: Client(), READER: Client(), EDITOR: Client()}
    clients[READER].force_login(reader)
    clients[EDITOR].force_login(editor)
    return World(
        reader=reader,
        other=other,
        editor=editor,
        topic=topic,
        scenario=scenario,
        elsewhere=elsewhere,
        draft_topic=draft_topic,
        draft_scenario=draft_scenario,
        own=own,
        own_private=own_private,
        throwaway=throwaway,
        others=others,
        hidden=hidden,
        resolved=elsewhere_topic,
        clients=clients,
    )


Fetch = Callable[[Client, World], HttpResponse]


@dataclass(frozen=True)
class Case:
    """A page (or an htmx fragment) and who asks for it."""

    name: str
    covers: str  # the name of the URL pattern it shows
    fetch: Fetch
    roles: tuple[str, ...] = EVERYONE
    status: int = 200
    fragment: bool = False
    parent: str = "body"  # where htmx puts the fragment: an annotation (<li>) goes into a list


def get(url: Callable[[World], str], headers: dict[str, str] | None = None, follow: bool = False) -> Fetch:
    return lambda client, world: client.get(url(world), headers=headers or {}, follow=follow)


def post(url: Callable[[World], str], data: Callable[[World], dict], headers=None, follow: bool = False) -> Fetch:
    return lambda client, world: client.post(url(world), data(world), headers=headers or {}, follow=follow)


def thread_url(world: World) -> str:
    return reverse("annotations", args=[world.topic.slug, world.scenario.slug])


def resolution_url(world: World, view: str) -> str:
    resolution = Resolution.objects.get(topic=world.resolved)
    return reverse(f"admin:forecasts_resolution_{view}", args=[resolution.pk])


def estimate_data(world: World, *numbers: str) -> dict[str, str]:
    """A reader's estimate of the world's topic: these numbers for its first published outcomes, 0 for the rest."""
    slugs = world.topic.scenarios.published().order_by("outcome__order").values_list("slug", flat=True)
    values = iter(numbers)
    return {f"outcome-{slug}": next(values, "0") for slug in slugs} | {"reason": "Why not."}


def reset_confirm_url(world: World, token: str | None = None) -> str:
    uid = urlsafe_base64_encode(force_bytes(world.reader.pk))
    return reverse("password_reset_confirm", args=[uid, token or default_token_generator.make_token(world.reader)])


def locked_out(client: Client, world: World) -> HttpResponse:
    for _ in range(5):
        client.post(reverse("login"), {"username": "locked", "password": "wrong"})
    return client.post(reverse("login"), {"username": "locked", "password": "locked-password"})


def logged_out(client: Client, world: World) -> HttpResponse:
    own = Client()  # not the reader's client of the other pages, which stays signed in
    own.force_login(world.reader)
    return own.post(reverse("logout"), follow=True)


def server_error(database_down: bool) -> Fetch:
    """handler500 as Django calls it: while an exception is being handled."""

    def fetch(client: Client, world: World) -> HttpResponse:
        from diplomacy.core.views import server_error

        request = RequestFactory().get("/")
        try:
            raise OperationalError("the database is down") if database_down else RuntimeError("a bug")
        except Exception:  # server_error reads the exception being handled from sys.exc_info()
            return server_error(request)

    return fetch


def admin_reason(client: Client, world: World) -> HttpResponse:
    url = reverse("admin:annotations_annotation_changelist")
    return client.post(url, {"action": "hide", "_selected_action": [world.others.pk]})


CASES: list[Case] = [
    Case("home", "home", get(lambda w: "/")),
    Case("topics", "topics", get(lambda w: reverse("topics"))),
    Case("topic", "topic", get(lambda w: w.topic.get_absolute_url())),
    Case("topic-draft", "topic", get(lambda w: w.draft_topic.get_absolute_url()), roles=(EDITOR,)),
    Case("scenario", "scenario", get(lambda w: w.scenario.get_absolute_url())),
    Case("scenario-filtered", "scenario", get(lambda w: w.scenario.get_absolute_url() + "?kind=note&order=oldest")),
    Case("scenario-page-2", "scenario", get(lambda w: w.scenario.get_absolute_url() + "?page=2")),
    Case("scenario-draft", "scenario", get(lambda w: w.draft_scenario.get_absolute_url()), roles=(EDITOR,)),
    Case("thread", "annotations", get(thread_url, follow=True)),
    Case("thread-fragment", "annotations", get(thread_url, HX), fragment=True),
    Case(
        "thread-fragment-filtered",
        "annotations",
        get(lambda w: thread_url(w) + "?kind=evidence&order=oldest", HX),
        fragment=True,
    ),
    Case("thread-fragment-page-2", "annotations", get(lambda w: thread_url(w) + "?page=2", HX), fragment=True),
    Case("developments", "developments", get(lambda w: reverse("developments"))),
    Case("developments-filtered", "developments", get(lambda w: reverse("developments") + f"?topic={w.topic.slug}")),
    Case("topic-developments", "topic_developments", get(lambda w: reverse("topic_developments", args=[w.topic.slug]))),
    Case("development", "development", get(lambda w: _development("Envoys meet in Riyadh").get_absolute_url())),
    Case(
        "development-draft",
        "development",
        get(lambda w: _development("Rumoured summit").get_absolute_url()),
        roles=(EDITOR,),
    ),
    Case("whatif-topic", "whatif_topic", get(lambda w: reverse("whatif_topic", args=[w.topic.slug]))),
    Case(
        "whatif-topic-moved",
        "whatif_topic",
        get(lambda w: reverse("whatif_topic", args=[w.topic.slug]) + "?congress=2&lack-of-trust=-1"),
    ),
    Case(
        "whatif-topic-ignored",
        "whatif_topic",
        get(lambda w: reverse("whatif_topic", args=[w.topic.slug]) + "?nonsense=%3Cb%3E&congress=9"),
    ),
    Case(
        "whatif-topic-fragment",
        "whatif_topic",
        get(lambda w: reverse("whatif_topic", args=[w.topic.slug]) + "?congress=1", HX),
        fragment=True,
    ),
    Case("whatif", "whatif", get(lambda w: reverse("whatif") + "?congress=1&lack-of-trust=2")),
    Case("whatif-fragment", "whatif", get(lambda w: reverse("whatif") + "?congress=-2", HX), fragment=True),
    Case("explore", "explore", get(lambda w: reverse("explore"))),
    Case(
        "explore-filtered",
        "explore",
        get(lambda w: reverse("explore") + f"?topic={w.topic.slug}&outcome=breakthrough&min=10&max=60&sort=likelihood"),
    ),
    Case("explore-search", "explore", get(lambda w: reverse("explore") + "?q=nuclear+treaty")),
    Case("explore-no-results", "explore", get(lambda w: reverse("explore") + "?q=zzzyzzy")),
    Case("explore-ignored-filters", "explore", get(lambda w: reverse("explore") + "?min=abc&sort=bogus&topic=nope")),
    Case("explore-page-2", "explore", get(lambda w: reverse("explore") + "?page=2")),
    Case("explore-fragment", "explore", get(lambda w: reverse("explore") + "?q=arms", HX), fragment=True),
    Case(
        "compare",
        "compare",
        get(lambda w: reverse("compare") + "?" + urlencode([("s", w.scenario.ref), ("s", w.elsewhere.ref)])),
    ),
    Case("compare-empty", "compare", get(lambda w: reverse("compare"))),
    Case("compare-unknown", "compare", get(lambda w: reverse("compare") + "?s=no/such&s=nonsense")),
    Case(
        "compare-too-many",
        "compare",
        get(lambda w: reverse("compare") + "?" + urlencode([("s", f"t/s{n}") for n in range(5)])),
        status=400,
    ),
    Case("annotation-permalink", "annotation", get(lambda w: w.others.get_absolute_url(), follow=True)),
    Case(
        "annotation-permalink-fragment",
        "annotation",
        get(lambda w: w.others.get_absolute_url(), HX),
        fragment=True,
        parent="ol",
    ),
    Case(
        "annotation-permalink-fragment-own",
        "annotation",
        get(lambda w: w.own_private.get_absolute_url(), HX),
        roles=(READER,),
        fragment=True,
        parent="ol",
    ),
    Case(
        "annotation-permalink-fragment-hidden",
        "annotation",
        get(lambda w: w.hidden.get_absolute_url(), HX),
        roles=(EDITOR,),
        fragment=True,
        parent="ol",
    ),
    Case("annotation-edit", "annotation_edit", get(lambda w: reverse("annotation_edit", args=[w.own.pk])), (READER,)),
    Case(
        "annotation-edit-fragment",
        "annotation_edit",
        get(lambda w: reverse("annotation_edit", args=[w.own.pk]), HX),
        (READER,),
        fragment=True,
        parent="ol",
    ),
    Case(
        "annotation-edit-errors",
        "annotation_edit",
        post(lambda w: reverse("annotation_edit", args=[w.own.pk]), lambda w: {"kind": "note", "body": ""}),
        (READER,),
        status=422,
    ),
    Case(
        "annotation-delete",
        "annotation_delete",
        get(lambda w: reverse("annotation_delete", args=[w.own.pk])),
        (READER,),
    ),
    Case(
        "annotation-form-errors",
        "annotations",
        post(thread_url, lambda w: {"kind": "note", "body": "", "quote": "words not in the narrative"}),
        (READER,),
        status=422,
    ),
    Case(
        "annotation-form-errors-fragment",
        "annotations",
        post(thread_url, lambda w: {"kind": "note", "body": ""}, HX),
        (READER,),
        status=422,
        fragment=True,
    ),
    Case(
        "annotation-flagged",
        "annotation_flag",
        post(lambda w: reverse("annotation_flag", args=[w.others.pk]), lambda w: {}, follow=True),
        (READER,),
    ),
    Case(
        "annotation-flag-fragment",
        "annotation_flag",
        post(lambda w: reverse("annotation_flag", args=[w.others.pk]), lambda w: {}, HX),
        (READER,),
        fragment=True,
        parent="ol",
    ),
    Case(
        "annotation-hide-without-reason-fragment",
        "annotation_hide",
        post(lambda w: reverse("annotation_hide", args=[w.others.pk]), lambda w: {"reason": ""}, HX),
        (EDITOR,),
        status=422,
        fragment=True,
        parent="ol",
    ),
    Case(
        "annotation-restore-fragment",
        "annotation_restore",
        post(lambda w: reverse("annotation_restore", args=[w.hidden.pk]), lambda w: {"reason": "On topic."}, HX),
        (EDITOR,),
        fragment=True,
        parent="ol",
    ),
    Case(
        "annotation-created-fragment",
        "annotations",
        post(thread_url, lambda w: {"kind": "question", "body": "A *new* one?", "quote": w.own.quote}, HX),
        (READER,),
        fragment=True,
    ),
    Case(
        "annotation-deleted-fragment",
        "annotation_delete",
        post(lambda w: reverse("annotation_delete", args=[w.throwaway.pk]), lambda w: {}, HX),
        (READER,),
        fragment=True,
    ),
    Case("my-annotations", "my_annotations", get(lambda w: reverse("my_annotations")), SIGNED_IN),
    Case("reply", "annotation_reply", get(lambda w: reverse("annotation_reply", args=[w.others.pk])), SIGNED_IN),
    Case(
        "reply-form-fragment",
        "annotation_reply",
        get(lambda w: reverse("annotation_reply", args=[w.others.pk]), HX),
        SIGNED_IN,
        fragment=True,
        parent="div",
    ),
    Case(
        "reply-errors",
        "annotation_reply",
        post(lambda w: reverse("annotation_reply", args=[w.others.pk]), lambda w: {"body": ""}),
        SIGNED_IN,
        status=422,
    ),
    Case(
        "reply-posted-fragment",
        "annotation_reply",
        post(lambda w: reverse("annotation_reply", args=[w.others.pk]), lambda w: {"body": "Posted *now*."}, HX),
        SIGNED_IN,
        fragment=True,
        parent="ol",
    ),
    Case("following", "following", get(lambda w: reverse("following")), SIGNED_IN),
    Case(
        "follow-fragment",
        "follow",
        post(lambda w: reverse("follow"), lambda w: {"topic": w.resolved.slug}, HX),
        SIGNED_IN,
        fragment=True,
    ),
    Case(
        "followed",
        "follow",
        post(lambda w: reverse("follow"), lambda w: {"scenario": w.scenario.ref, "next": "/"}, follow=True),
        SIGNED_IN,
    ),
    Case("notifications", "notifications", get(lambda w: reverse("notifications")), SIGNED_IN),
    Case(
        "notification-read-fragment",
        "notification_read",
        lambda client, w: client.post(
            reverse("notification_read", args=[Notification.objects.filter(recipient=w.reader).first().pk]),
            headers=HX,
        ),
        (READER,),
        fragment=True,
        parent="ol",
    ),
    Case(
        "notifications-read",
        "notifications_read",
        post(lambda w: reverse("notifications_read"), lambda w: {}, follow=True),
        SIGNED_IN,
    ),
    Case("notification-settings", "notification_settings", get(lambda w: reverse("notification_settings")), SIGNED_IN),
    Case(
        "notification-settings-errors",
        "notification_settings",
        post(lambda w: reverse("notification_settings"), lambda w: {"email_replies": "loud", "move_threshold": "0"}),
        SIGNED_IN,
        status=422,
    ),
    Case(
        "notification-feed-reset",
        "notification_feed_reset",
        post(lambda w: reverse("notification_feed_reset"), lambda w: {}, follow=True),
        SIGNED_IN,
    ),
    Case(
        "unsubscribe",
        "unsubscribe",
        get(lambda w: reverse("unsubscribe", args=[unsubscribe_token(w.reader, "followed")])),
    ),
    Case(
        "unsubscribed",
        "unsubscribe",
        post(lambda w: reverse("unsubscribe", args=[unsubscribe_token(w.reader, "replies")]), lambda w: {}),
    ),
    Case("unsubscribe-bad", "unsubscribe", get(lambda w: reverse("unsubscribe", args=["nonsense"])), status=400),
    Case("login", "login", get(lambda w: reverse("login") + "?next=/topics/")),
    Case(
        "login-errors",
        "login",
        post(lambda w: reverse("login"), lambda w: {"username": "nobody", "password": "wrong"}),
        (ANONYMOUS,),
    ),
    Case("login-locked-out", "login", locked_out, (ANONYMOUS,), status=429),
    Case("logged-out", "logout", logged_out, (READER,)),
    Case("signup", "signup", get(lambda w: reverse("signup") + "?next=/topics/"), (ANONYMOUS,)),
    Case(
        "signup-errors",
        "signup",
        post(
            lambda w: reverse("signup"),
            lambda w: {"username": "reader", "email": "reader@example.org", "password1": "a", "password2": "b"},
        ),
        (ANONYMOUS,),
    ),
    Case("password-reset", "password_reset", get(lambda w: reverse("password_reset")), (ANONYMOUS,)),
    Case(
        "password-reset-done",
        "password_reset_done",
        post(lambda w: reverse("password_reset"), lambda w: {"email": w.reader.email}, follow=True),
        (ANONYMOUS,),
    ),
    Case("password-reset-confirm", "password_reset_confirm", get(reset_confirm_url, follow=True), (ANONYMOUS,)),
    Case(
        "password-reset-confirm-invalid-link",
        "password_reset_confirm",
        get(lambda w: reset_confirm_url(w, "bad-token")),
        (ANONYMOUS,),
    ),
    Case(
        "password-reset-complete",
        "password_reset_complete",
        get(lambda w: reverse("password_reset_complete")),
        (ANONYMOUS,),
    ),
    Case("password-change", "password_change", get(lambda w: reverse("password_change")), SIGNED_IN),
    Case(
        "password-change-errors",
        "password_change",
        post(
            lambda w: reverse("password_change"),
            lambda w: {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
        ),
        SIGNED_IN,
    ),
    Case("password-change-done", "password_change_done", get(lambda w: reverse("password_change_done")), SIGNED_IN),
    Case("not-found", "", get(lambda w: "/no-such-page/"), status=404),
    Case("not-found-draft", "scenario", get(lambda w: w.draft_scenario.get_absolute_url()), (ANONYMOUS,), status=404),
    Case("server-error", "", server_error(database_down=False), (ANONYMOUS,), status=500),
    Case("database-down", "", server_error(database_down=True), (ANONYMOUS,), status=503),
    Case("admin-index", "admin", get(lambda w: reverse("admin:index")), (EDITOR,)),
    Case(
        "admin-annotations",
        "admin",
        get(lambda w: reverse("admin:annotations_annotation_changelist") + "?flagged=open"),
        (EDITOR,),
    ),
    Case(
        "admin-annotation",
        "admin",
        get(lambda w: reverse("admin:annotations_annotation_change", args=[w.hidden.pk])),
        (EDITOR,),
    ),
    Case("admin-reason", "admin", admin_reason, (EDITOR,)),
    Case("home-community", "home", get(lambda w: "/?estimates=community")),
    Case("topics-community", "topics", get(lambda w: reverse("topics") + "?estimates=community")),
    Case("topic-resolved", "topic", get(lambda w: w.resolved.get_absolute_url())),
    Case(
        "estimate-errors",
        "topic_estimate",
        post(lambda w: reverse("topic_estimate", args=[w.topic.slug]), lambda w: estimate_data(w, "50", "-5", "abc")),
        (READER,),
        status=422,
    ),
    Case(
        "estimate-scaled",
        "topic_estimate",
        post(
            lambda w: reverse("topic_estimate", args=[w.topic.slug]),
            lambda w: estimate_data(w, "1", "1", "2") | {"scale": "1"},
        ),
        (READER,),
    ),
    Case(
        "estimate-saved",
        "topic_estimate",
        post(
            lambda w: reverse("topic_estimate", args=[w.topic.slug]),
            lambda w: estimate_data(w, "50", "30", "20"),
            follow=True,
        ),
        (READER, EDITOR),
    ),
    Case("my-estimates", "my_estimates", get(lambda w: reverse("my_estimates")), SIGNED_IN),
    Case(
        "estimate-listing",
        "estimate_listing",
        post(lambda w: reverse("estimate_listing"), lambda w: {"listed": "on"}, follow=True),
        (READER,),
    ),
    Case(
        "admin-resolve",
        "admin",
        get(lambda w: reverse("admin:forecasts_resolution_add") + f"?topic={w.topic.pk}"),
        (EDITOR,),
    ),
    Case("admin-resolution", "admin", get(lambda w: resolution_url(w, "change")), (EDITOR,)),
    Case("admin-annul", "admin", get(lambda w: resolution_url(w, "annul")), (EDITOR,)),
    Case(
        "admin-annul-errors",
        "admin",
        post(lambda w: resolution_url(w, "annul"), lambda w: {"reason": ""}),
        (EDITOR,),
    ),
    Case("scores", "scores", get(lambda w: reverse("scores"))),
    Case("topic-scores", "topic_scores", get(lambda w: reverse("topic_scores", args=[w.resolved.slug]))),
    Case("topic-scores-unresolved", "topic_scores", get(lambda w: reverse("topic_scores", args=[w.topic.slug]))),
    # The embed is the same for everyone; the resolved topic's shows its resolution and the community's numbers.
    Case("embed", "embed_topic", get(lambda w: reverse("embed_topic", args=[w.topic.slug]))),
    Case("embed-resolved", "embed_topic", get(lambda w: reverse("embed_topic", args=[w.resolved.slug]))),
    Case("embed-draft", "embed_topic", get(lambda w: reverse("embed_topic", args=[w.draft_topic.slug])), status=404),
    # The API's docs: our page around Swagger UI (which draws the rest with JavaScript).
    Case("api-docs", "api_docs", get(lambda w: reverse("api_docs"))),
]

# What the checker is not given, and why: none of it is an HTML page.
NOT_HTML = {
    "topic_preview": "a PNG image",
    "scenario_preview": "a PNG image",
    "whatif_topic_preview": "a PNG image",
    "whatif_preview": "a PNG image",
    "topic_annotation_feed": "an Atom feed",
    "scenario_feed": "an Atom feed",
    "annotation_feed": "an Atom feed",
    "sitemap": "XML",
    "robots": "plain text",
    "healthz": "JSON",
    "development_feed": "an Atom feed",
    "topic_development_feed": "an Atom feed",
    "topic_history_csv": "CSV",
    "notification_feed": "an Atom feed",
    "oembed": "JSON",
    "ninja": "the API (django-ninja's app): JSON, and its OpenAPI schema",
}

RUNS = [(case, role) for case in CASES for role in case.roles]
IDS = [f"{case.name}[{role}]" for case, role in RUNS]
assert len(set(IDS)) == len(IDS), "two pages have the same name"


@dataclass
class Checked:
    url: str
    problems: list[str]
    messages: list[Message]
    source: str
    fragment: bool


# Given to the checker in the same run as the pages, to show that it reports what it must:
# six fractional digits in a datetime (at most three are allowed), and an htmx attribute in its
# hx-* form (not HTML; data-hx-* is). The valid probe is the same markup written within the standard.
PROBES = {
    "invalid": (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Invalid</title></head>\n<body>\n'
        '<p><time datetime="2025-01-01T00:00:00.123456+00:00">New Year</time></p>\n'
        '<a href="/x" hx-get="/x">More</a>\n'
        "</body></html>\n"
    ),
    "valid": in_document(
        '<li><a href="/x" data-hx-get="/x">More</a> <time datetime="2025-01-01T00:00:00.123+00:00">ok</time></li>', "ol"
    ),
}


@dataclass
class Report:
    pages: dict[str, Checked]
    probes: dict[str, list[Message]]


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """Everything inside is undone afterwards, as in a test with the `db` fixture."""

    class Undo(Exception):
        pass

    with contextlib.suppress(Undo), transaction.atomic():
        yield
        raise Undo


def address(response: HttpResponse) -> str:
    """Where the page was: the end of its redirects, or the address asked for."""
    chain = getattr(response, "redirect_chain", None)
    if chain:
        return chain[-1][0]
    request = getattr(response, "wsgi_request", None)
    return request.get_full_path() if request else "(the error handler, called directly)"


def render(wanted: set[str], directory: Path) -> dict[str, tuple[Checked, Path | None]]:
    """The pages of the wanted tests, each in a file, in the order of CASES (some change what later ones show)."""
    rendered: dict[str, tuple[Checked, Path | None]] = {}
    world = build_world()
    for (case, role), test_id in zip(RUNS, IDS, strict=True):
        if test_id not in wanted:
            continue
        try:
            with transaction.atomic():  # an error undoes only this page's changes
                response = case.fetch(world.clients[role], world)
        except Exception:
            failure = f"could not be rendered:\n{traceback.format_exc()}"
            rendered[test_id] = (Checked("(not rendered)", [failure], [], "", case.fragment), None)
            continue
        problems = []
        if response.status_code != case.status:
            problems.append(f"answered {response.status_code}, not {case.status}")
        if not response.get("Content-Type", "").startswith("text/html"):
            problems.append(f"is {response.get('Content-Type')!r}, not text/html")
        source = response.content.decode()
        if case.fragment:
            if source.lstrip().lower().startswith("<!doctype"):
                problems.append("is a whole document, not a fragment")
            source = in_document(source, case.parent)
        elif not source.lstrip().lower().startswith("<!doctype html>"):
            problems.append("does not start with <!doctype html>")
        path = directory / f"{len(rendered):03d}-{case.name}-{role}.html"
        path.write_text(source, encoding="utf-8")
        rendered[test_id] = (Checked(address(response), problems, [], source, case.fragment), path)
    return rendered


@pytest.fixture(scope="session")
def nu_checker(request, django_db_setup, django_db_blocker, tmp_path_factory) -> Report:
    """The pages of this session's tests rendered to files, then checked with the probes in one run of the checker."""
    java = java_or_skip()
    wanted = {
        item.callspec.params["test_id"]
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_page_is_valid_html"
    }
    directory = tmp_path_factory.mktemp("html")
    rendered: dict[str, tuple[Checked, Path | None]] = {}
    if wanted:
        with django_db_blocker.unblock(), rolled_back():
            name = str(connection.settings_dict["NAME"])
            assert name.startswith("test_") or "mode=memory" in name, f"{name} is not a test database"
            cache.clear()
            try:
                rendered = render(wanted, directory)
            finally:
                cache.clear()
    probes = {name: directory / f"probe-{name}.html" for name in PROBES}
    for name, path in probes.items():
        path.write_text(PROBES[name], encoding="utf-8")
    results = check(java, [path for _, path in rendered.values() if path] + list(probes.values()))
    for page, path in rendered.values():
        page.messages = results[path] if path else []
    print(f"\nThe Nu HTML Checker checked {len(results)} files in {directory}")
    return Report(
        pages={test_id: page for test_id, (page, _) in rendered.items()},
        probes={name: results[path] for name, path in probes.items()},
    )


# Marked so that pytest-django sets up the test database, which the `nu_checker` fixture uses.
@pytest.mark.django_db
@pytest.mark.parametrize("test_id", IDS)
def test_page_is_valid_html(nu_checker, test_id):
    page = nu_checker.pages[test_id]
    errors = [message for message in page.messages if message.is_error]
    offset = 1 if page.fragment else 0
    what = f"{test_id}, {'the htmx fragment' if page.fragment else 'the page'} {page.url}"
    assert not page.problems, f"{what}: " + "; ".join(page.problems)
    assert not errors, f"{what}: {len(errors)} error(s) from the Nu HTML Checker\n  " + "\n  ".join(
        describe(message, line_offset=offset, source=page.source) for message in errors
    )


def test_the_checker_reports_what_is_not_html(nu_checker):
    """The check can fail: the invalid probe's two errors are reported, by line; the valid probe passes."""
    errors = sorted((m.line or 0, m.message) for m in nu_checker.probes["invalid"] if m.is_error)
    assert len(errors) == 2, errors
    (time_line, time_error), (link_line, link_error) = errors
    assert time_line == 4 and "datetime" in time_error and "fraction of a second" in time_error, errors
    assert link_line == 5 and "hx-get" in link_error and "not allowed" in link_error, errors
    assert nu_checker.probes["valid"] == []


def test_every_page_of_the_site_is_checked():
    """A new URL pattern needs a case here, or a reason in NOT_HTML."""
    from diplomacy import urls

    def names(patterns) -> set[str]:
        found: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found |= {pattern.app_name} if pattern.app_name else names(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.add(pattern.name)
        return found

    covered = {case.covers for case in CASES} | set(NOT_HTML)
    assert names(urls.urlpatterns) - covered == set()
