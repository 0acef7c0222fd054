"""What each change invalidates: the scopes of diplomacy/core/cache.py it bumps, and nothing more."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from diplomacy.annotations.models import Annotation
from diplomacy.forecasts.models import CommunityVersion, Forecast, Forecaster, Resolution
from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Signpost, Source, Topic
from diplomacy.timeline.models import Development, DevelopmentSource, Estimate, Revision, SignpostMark

from .cache import (
    ANNOTATIONS,
    COMMUNITY,
    EDITORIAL,
    SCORES,
    community_scope,
    reader_scope,
    scenario_scope,
    topic_scope,
)
from .models import Version

EDITORIAL_MODELS = [
    Topic,
    Outcome,
    Scenario,
    Factor,
    Influence,
    Source,
    Signpost,
    Development,
    DevelopmentSource,
    SignpostMark,
    Revision,
    Estimate,
    Resolution,
]


def _editorial_change(sender: type, **kwargs: Any) -> None:
    Version.bump([EDITORIAL])


for model in EDITORIAL_MODELS:
    post_save.connect(_editorial_change, sender=model, dispatch_uid=f"editorial-save-{model.__name__}")
    post_delete.connect(_editorial_change, sender=model, dispatch_uid=f"editorial-delete-{model.__name__}")
for through in (
    Topic.sources.through,
    Scenario.sources.through,
    Factor.sources.through,
    Development.topics.through,
):
    m2m_changed.connect(_editorial_change, sender=through, dispatch_uid=f"editorial-m2m-{through.__name__}")


def readers_changed(scenario_ids: Iterable[int]) -> None:
    """Public annotations on these scenarios changed: their pages, their topics' and the feeds."""
    scenarios = Scenario.objects.filter(pk__in=set(scenario_ids)).values_list("topic__slug", "slug")
    scopes = {ANNOTATIONS}
    for topic, slug in scenarios:
        scopes |= {topic_scope(topic), scenario_scope(topic, slug)}
    Version.bump(scopes)


def _annotation_before(sender: type, instance: Annotation, raw: bool = False, **kwargs: Any) -> None:
    """Remember where the annotation was public, if it was: making it private must invalidate too."""
    before = Annotation.objects.for_everyone().filter(pk=instance.pk).values_list("scenario_id", flat=True)
    vars(instance)["_was_public_on"] = before.first() if instance.pk else None


def _annotation_saved(sender: type, instance: Annotation, **kwargs: Any) -> None:
    shown_on = {vars(instance).pop("_was_public_on", None), instance.scenario_id if instance.is_for_everyone else None}
    if scenarios := {pk for pk in shown_on if pk is not None}:
        readers_changed(scenarios)


def _annotation_deleted(sender: type, instance: Annotation, **kwargs: Any) -> None:
    if instance.is_for_everyone:
        readers_changed([instance.scenario_id])


pre_save.connect(_annotation_before, sender=Annotation, dispatch_uid="annotation-before")
post_save.connect(_annotation_saved, sender=Annotation, dispatch_uid="annotation-saved")
post_delete.connect(_annotation_deleted, sender=Annotation, dispatch_uid="annotation-deleted")


def _user_before(sender: type, instance: User, **kwargs: Any) -> None:
    vars(instance)["_old_username"] = (
        User.objects.filter(pk=instance.pk).values_list("username", flat=True).first() if instance.pk else None
    )


def _user_saved(sender: type, instance: User, created: bool, **kwargs: Any) -> None:
    """Authors' names show on their annotations: a rename reaches every page that shows one.
    Logins save the user too (last_login), and change nothing anyone sees."""
    if vars(instance).pop("_old_username", None) in (None, instance.username):
        return
    theirs = Annotation.objects.filter(author=instance)
    theirs.update(updated_at=timezone.now())
    readers_changed(theirs.for_everyone().values_list("scenario_id", flat=True).distinct())
    Version.bump([SCORES])  # listed readers' names show on the scores
    if Revision.objects.filter(editor=instance).exists():  # an editor's name shows in topics' histories
        Version.bump([EDITORIAL])


MISSING = object()


def _community_changed(sender: type, instance: CommunityVersion, created: bool, **kwargs: Any) -> None:
    """A new community version is stored only when what its topic's pages show changed; the
    matrix shows its numbers only from SHOWN_FROM readers, so it changes less often."""
    if not created:
        return
    scopes = {community_scope(instance.topic.slug)}
    if (before := vars(instance).get("in_matrix_before", MISSING)) is MISSING:  # not saved by Community.refresh
        earlier = CommunityVersion.objects.filter(topic=instance.topic_id, pk__lt=instance.pk).order_by("-pk").first()
        before = earlier.whole if earlier and earlier.is_shown else None
    if before != (instance.whole if instance.is_shown else None):
        scopes.add(COMMUNITY)
    Version.bump(scopes)


def _scores_changed(sender: type, **kwargs: Any) -> None:
    Version.bump([SCORES])


def _own_estimate_changed(sender: type, instance: Forecast, **kwargs: Any) -> None:
    """A reader's own estimate shows to them alone: only their scope."""
    Version.bump([reader_scope(instance.reader_id)])


post_save.connect(_own_estimate_changed, sender=Forecast, dispatch_uid="forecast-saved")
post_delete.connect(_own_estimate_changed, sender=Forecast, dispatch_uid="forecast-deleted")
post_save.connect(_community_changed, sender=CommunityVersion, dispatch_uid="community-changed")
post_save.connect(_scores_changed, sender=Resolution, dispatch_uid="resolution-scores")
post_save.connect(_scores_changed, sender=Forecaster, dispatch_uid="forecaster-scores")


pre_save.connect(_user_before, sender=User, dispatch_uid="user-before")
post_save.connect(_user_saved, sender=User, dispatch_uid="user-saved")
