"""Who is told of what happened: the notifications each event writes.

Each function writes at most one notification per reader per event (the model's unique
constraints make a repeated announcement write nothing), never to the reader who did the
thing, and only of what that reader may see. Emails to send at once are queued here too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django_tasks import task

from diplomacy.annotations.models import Annotation, ModerationEvent
from diplomacy.scenarios.models import Scenario
from diplomacy.timeline.models import Development, Revision

from .models import MOVE_DEFAULT, Follow, Notification, Preferences


def _write(notifications: Iterable[Notification]) -> list[Notification]:
    """Store them (skipping any already written for the same reader and event), then queue the
    emails of those whose readers want them at once."""
    from .emails import queue_immediate

    rows = list(notifications)
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        queue_immediate({row.recipient_id for row in rows}, {row.email_kind for row in rows})
    return rows


def reply_posted(reply: Annotation) -> list[Notification]:
    """The author of what was answered hears of the reply (unless they wrote it)."""
    parent = reply.parent
    if parent is None or parent.author_id == reply.author_id or parent.is_deleted:
        return []
    return _write(
        [
            Notification(
                recipient_id=parent.author_id, kind=Notification.Kind.REPLY, actor_id=reply.author_id, annotation=reply
            )
        ]
    )


def moderated(event: ModerationEvent) -> list[Notification]:
    """The author hears that an editor hid or restored their annotation, and why."""
    kinds = {
        ModerationEvent.Action.HIDE: Notification.Kind.HIDDEN,
        ModerationEvent.Action.RESTORE: Notification.Kind.RESTORED,
    }
    annotation = event.annotation
    if event.action not in kinds or annotation.author_id == event.editor_id:
        return []
    notification = Notification(
        recipient_id=annotation.author_id,
        kind=kinds[ModerationEvent.Action(event.action)],
        actor_id=event.editor_id,
        annotation=annotation,
        moderation=event,
        detail=event.reason,
    )
    return _write([notification])


def _followers(scenario: Scenario) -> Iterable[int]:
    follows = Follow.objects.filter(Q(topic_id=scenario.topic_id) | Q(scenario=scenario))
    return set(follows.values_list("user_id", flat=True))


@task()
def announce_annotation(annotation_id: int) -> int:
    """Tell the followers of a new annotation's topic and scenario, in the worker: a topic may have
    thousands, which the request that posted it should not wait for. How many were told."""
    annotation = Annotation.objects.select_related("scenario").filter(pk=annotation_id).first()
    return len(annotation_posted(annotation)) if annotation else 0


def annotation_posted(annotation: Annotation) -> list[Notification]:
    """Followers of its topic or scenario hear of a new public annotation (not of replies)."""
    scenario = annotation.scenario
    if (
        annotation.is_reply
        or not annotation.is_for_everyone
        or not Scenario.objects.published().filter(pk=scenario.pk).exists()
    ):
        return []
    return _write(
        Notification(
            recipient_id=user,
            kind=Notification.Kind.ANNOTATION,
            actor_id=annotation.author_id,
            annotation=annotation,
            topic_id=scenario.topic_id,
        )
        for user in _followers(scenario)
        if user != annotation.author_id
    )


def development_published(development: Development) -> list[Notification]:
    """Followers of its published topics hear of a published development, once."""
    if not development.is_published:
        return []
    topics = list(development.topics.filter(is_published=True).order_by("order"))
    recipients: dict[int, int] = {}
    for follow in Follow.objects.filter(Q(topic__in=topics) | Q(scenario__topic__in=topics)).select_related("scenario"):
        recipients.setdefault(follow.user_id, follow.topic_id or follow.scenario.topic_id)
    return _write(
        Notification(recipient_id=user, kind=Notification.Kind.DEVELOPMENT, development=development, topic_id=topic)
        for user, topic in recipients.items()
    )


def estimates_moved(revision: Revision) -> list[Notification]:
    """Followers hear of a revision that moved an estimate they follow by at least their threshold:
    a topic's followers any of its published scenarios, a scenario's followers that one."""
    topic = revision.topic
    if not topic.is_published or topic.revisions.current() != revision:
        return []
    moves = {
        estimate.scenario_id: estimate
        for estimate in revision.estimates.select_related("scenario").filter(scenario__is_published=True)
        if estimate.previous is not None and estimate.likelihood != estimate.previous
    }
    if not moves:
        return []
    largest: dict[int, int] = {}
    for follow in Follow.objects.following(topic=topic):
        sizes = [abs(e.change) for pk, e in moves.items() if follow.topic_id or follow.scenario_id == pk]
        if sizes:
            largest[follow.user_id] = max(largest.get(follow.user_id, 0), *sizes)
    thresholds = _thresholds(largest)
    described = _describe(moves.values())
    return _write(
        Notification(recipient_id=user, kind=Notification.Kind.MOVE, revision=revision, topic=topic, detail=described)
        for user, size in largest.items()
        if size >= thresholds[user]
    )


def _thresholds(users: Iterable[int]) -> dict[int, int]:
    users = list(users)
    chosen = dict(Preferences.objects.filter(user__in=users).values_list("user_id", "move_threshold"))
    return {user: chosen.get(user, MOVE_DEFAULT) for user in users}


def _describe(estimates: Iterable) -> str:
    """The moves, largest first: "No agreement 30 → 45 %; Partial deal 40 → 30 %"."""
    ranked = sorted(estimates, key=lambda e: -abs(e.change))
    text = "; ".join(f"{e.scenario.title} {e.previous} → {e.likelihood} %" for e in ranked)
    return text if len(text) <= 300 else text[:299] + "…"
