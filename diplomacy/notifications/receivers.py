"""Notifications follow what happens, wherever it happens (a page, the admin, a command)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save

from diplomacy.annotations.models import Annotation, ModerationEvent
from diplomacy.timeline.models import Development, Revision

from . import events


def _annotation_saved(sender: type, instance: Annotation, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        if instance.is_reply:
            events.reply_posted(instance)
        elif instance.is_for_everyone:
            events.announce_annotation.enqueue(instance.pk)


def _moderated(sender: type, instance: ModerationEvent, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        events.moderated(instance)


def _revision_saved(sender: type, instance: Revision, created: bool, raw: bool = False, **kwargs: Any) -> None:
    # Its estimates are written after it, in the same transaction: look once it is committed.
    if created and not raw:
        transaction.on_commit(lambda: events.estimates_moved(instance))


def _development_saved(sender: type, instance: Development, raw: bool = False, **kwargs: Any) -> None:
    # The admin sets its topics after saving it: look once it is all committed.
    if instance.is_published and not raw:
        transaction.on_commit(lambda: events.development_published(instance))


def _development_topics(sender: type, instance: Development, action: str, **kwargs: Any) -> None:
    if action == "post_add" and isinstance(instance, Development) and instance.is_published:
        transaction.on_commit(lambda: events.development_published(instance))


post_save.connect(_annotation_saved, sender=Annotation, dispatch_uid="notify-annotation")
post_save.connect(_moderated, sender=ModerationEvent, dispatch_uid="notify-moderation")
post_save.connect(_revision_saved, sender=Revision, dispatch_uid="notify-revision")
post_save.connect(_development_saved, sender=Development, dispatch_uid="notify-development")
m2m_changed.connect(_development_topics, sender=Development.topics.through, dispatch_uid="notify-development-topics")
