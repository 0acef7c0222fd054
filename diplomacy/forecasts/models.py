"""Readers' estimates of a topic's outcomes, the community's, and scores once the topic resolves.

A reader has at most one current `Forecast` per topic (its numbers by scenario, adding up to
100); every save also keeps a `ForecastVersion`, which is what scoring reads. After each save the
topic's `Community` estimate is computed again (community.py) from every reader's current
forecast and stored, with a `CommunityVersion` when it changed, so pages read it and never
compute it. An editor's `Resolution` says which outcome happened; it stores a `Score` for the
editors, the community and each reader, and annulling it removes them.

Numbers are stored as JSON objects keyed by the scenario's id (a string, as JSON keys are).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from diplomacy.scenarios.models import Scenario, Topic

from . import community, scoring

RATE_WINDOW = datetime.timedelta(minutes=1)  # a reader may save settings.ESTIMATE_RATE_LIMIT estimates in this long

Numbers = dict[int, int]


def _stored(numbers: Mapping[Any, float]) -> dict[str, float]:
    return {str(pk): value for pk, value in numbers.items()}


def _read(stored: Mapping[str, float]) -> dict[int, float]:
    return {int(pk): value for pk, value in stored.items()}


def whole_by_scenario(stored: Mapping[str, float]) -> Numbers:
    """Stored community numbers as the pages show them: whole, adding up to 100, by scenario id."""
    return {int(pk): value for pk, value in community.whole(stored).items()}


class ShownNumbers:
    """What the stored community estimate and each of its versions show: whole numbers, once
    enough readers have estimated."""

    numbers: dict[str, float]
    readers: int

    @property
    def is_shown(self) -> bool:
        return self.readers >= community.SHOWN_FROM

    @property
    def whole(self) -> Numbers:
        return whole_by_scenario(self.numbers)


class Forecaster(models.Model):
    """A reader's choices about their estimates."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="forecaster"
    )
    listed = models.BooleanField(
        "show my name on the scores",
        default=False,
        help_text="Off: the scores show you as “a reader”, and only you see which row is yours.",
    )

    def __str__(self) -> str:
        return f"{self.user}: {'listed' if self.listed else 'not listed'}"

    @classmethod
    def is_listed(cls, user) -> bool:
        return cls.objects.filter(user=user, listed=True).exists()


class ForecastQuerySet(models.QuerySet):
    def by(self, user):
        return self.filter(reader=user) if user.is_authenticated else self.none()

    def numbers_oldest_first(self, topic: Topic) -> list[dict[str, float]]:
        """Every current forecast's numbers on `topic`, least recently updated first: what the
        community estimate is computed from on every save. The database hands them over as one
        JSON array (string_agg on PostgreSQL, json_group_array on SQLite), parsed once: a thousand
        rows decoded one by one cost several times more."""
        table = self.model._meta.db_table
        if connection.vendor == "postgresql":
            # string_agg of each row's text is about twice as fast as json_agg, and the same array.
            sql = f"SELECT '[' || string_agg(numbers::text, ',' ORDER BY updated_at, id) || ']' FROM {table} WHERE topic_id = %s"  # noqa: S608
        else:
            ordered = f"SELECT numbers FROM {table} WHERE topic_id = %s ORDER BY updated_at, id"  # noqa: S608
            sql = f"SELECT json_group_array(json(numbers)) FROM ({ordered})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [topic.pk])
            (text,) = cursor.fetchone()
        return json.loads(text) if text else []


class Forecast(models.Model):
    """A reader's current estimate for a topic: a whole number per scenario, adding up to 100."""

    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forecasts")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="forecasts")
    numbers = models.JSONField()
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ForecastQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["reader", "topic"], name="one_forecast_per_reader_and_topic")]
        indexes = [models.Index(fields=["topic", "updated_at"], name="forecast_topic_updated")]

    def __str__(self) -> str:
        return f"{self.reader} on {self.topic}"

    @property
    def by_scenario(self) -> dict[int, float]:
        return _read(self.numbers)

    @classmethod
    def saves_lately(cls, user) -> int:
        """How many estimates the reader saved within RATE_WINDOW."""
        since = timezone.now() - RATE_WINDOW
        return ForecastVersion.objects.filter(forecast__reader=user, made_at__gte=since).count()

    @classmethod
    def record(cls, reader, topic: Topic, numbers: Mapping[int, int], reason: str = "") -> Forecast:
        """Save `reader`'s estimate for `topic` (numbers by scenario id, already checked to add up
        to 100) as their current one and as a new version, then the topic's community estimate.

        Two saves at once by the same reader leave exactly one current forecast: the unique
        constraint makes the second wait for the first and then update it."""
        stored = _stored(numbers)
        with transaction.atomic():
            first = timezone.now()
            forecast, created = cls.objects.select_for_update().get_or_create(
                reader=reader,
                topic=topic,
                defaults={"numbers": stored, "reason": reason, "created_at": first, "updated_at": first},
            )
            # The time is taken once the row is ours: saves that waited for it come later, in time too.
            now = first if created else timezone.now()
            if not created:
                forecast.numbers, forecast.reason, forecast.updated_at = stored, reason, now
                forecast.save(update_fields=["numbers", "reason", "updated_at"])
            ForecastVersion.objects.create(forecast=forecast, numbers=stored, reason=reason, made_at=now)
            Community.refresh(topic, outcomes=list(stored))
        return forecast


class ForecastVersion(models.Model):
    """One saved version of a reader's forecast: what scoring averages over time."""

    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="versions")
    numbers = models.JSONField()
    reason = models.CharField(max_length=500, blank=True)
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_at", "-pk"]
        indexes = [models.Index(fields=["forecast", "made_at"], name="forecast_version_made")]

    def __str__(self) -> str:
        return f"{self.forecast} at {self.made_at:%Y-%m-%d %H:%M}"

    @property
    def by_scenario(self) -> dict[int, float]:
        return _read(self.numbers)


class Community(ShownNumbers, models.Model):
    """A topic's current community estimate, as last computed, and how many readers it counts."""

    topic = models.OneToOneField(Topic, on_delete=models.CASCADE, primary_key=True, related_name="community")
    numbers = models.JSONField(default=dict)  # by scenario id, adding up to 100 (not rounded)
    readers = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "community estimates"

    def __str__(self) -> str:
        return f"{self.topic}: {self.readers} readers"

    @classmethod
    def refresh(cls, topic: Topic, outcomes: list[str] | None = None) -> Community:
        """Compute the topic's community estimate again from every reader's current forecast, and
        store it (and a version, when what it shows changed). Locks the topic's row, so that
        concurrent saves on one topic take turns and the last sees every forecast."""
        current, _ = cls.objects.select_for_update().get_or_create(topic=topic)
        before = (current.readers, current.whole)
        in_matrix_before = current.whole if current.is_shown else None
        if outcomes is None:  # the topic's published scenarios: the outcomes readers estimate
            published = Scenario.objects.filter(topic=topic, is_published=True).values_list("pk", flat=True)
            outcomes = [str(pk) for pk in published]
        numbers = Forecast.objects.numbers_oldest_first(topic)
        current.numbers = community.of_ordered(numbers, outcomes) or {}
        current.readers, current.updated_at = len(numbers), timezone.now()
        current.save()
        if (current.readers, current.whole) != before:
            version = CommunityVersion(
                topic=topic, numbers=current.numbers, readers=current.readers, made_at=current.updated_at
            )
            vars(version)["in_matrix_before"] = in_matrix_before  # what the matrix showed: the signal needs no query
            version.save()
        return current


class CommunityVersion(ShownNumbers, models.Model):
    """The community estimate as it stood from `made_at`: the history chart's community lines and
    what the community is scored on."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="community_versions")
    numbers = models.JSONField()
    readers = models.PositiveIntegerField()
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["made_at", "pk"]
        indexes = [models.Index(fields=["topic", "made_at"], name="community_version_made")]

    def __str__(self) -> str:
        return f"{self.topic} at {self.made_at:%Y-%m-%d %H:%M}"


class ResolutionQuerySet(models.QuerySet):
    def standing(self):
        """Resolutions not annulled: at most one per topic."""
        return self.filter(annulled_at__isnull=True)


class Resolution(models.Model):
    """What happened on a topic, said by an editor with a source; kept when annulled."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="resolutions")
    scenario = models.ForeignKey(
        Scenario, on_delete=models.PROTECT, related_name="+", verbose_name="outcome that happened"
    )
    happened_on = models.DateField(help_text="The day it happened; estimates count up to the start of that day.")
    source_title = models.CharField("source", max_length=300, help_text="What shows it happened.")
    source_url = models.URLField(
        "source address", max_length=500, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    annulled_at = models.DateTimeField(null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    annulment_reason = models.TextField(max_length=2000, blank=True)

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic"],
                condition=models.Q(annulled_at__isnull=True),
                name="one_standing_resolution_per_topic",
                violation_error_message="This topic is already resolved: annul that resolution first.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic}: {self.scenario.outcome.name} ({self.happened_on:%d %b %Y})"

    def get_absolute_url(self) -> str:
        return reverse("topic_scores", kwargs={"topic": self.topic.slug})

    def clean(self) -> None:
        if self.topic_id and self.scenario_id and self.scenario.topic_id != self.topic_id:
            raise ValidationError({"scenario": "Choose one of this topic’s outcomes."})
        if self.scenario_id and not self.scenario.is_published:
            raise ValidationError({"scenario": "Choose a published outcome: readers never estimated a draft."})
        if self.happened_on and self.happened_on > timezone.localdate():
            raise ValidationError({"happened_on": "A resolution says what has happened: not a future date."})

    @property
    def resolved_at(self) -> datetime.datetime:
        """Estimates count up to the start of the day it happened (UTC)."""
        return datetime.datetime.combine(self.happened_on, datetime.time(), tzinfo=datetime.UTC)

    @classmethod
    def resolve(cls, topic: Topic, scenario: Scenario, happened_on: datetime.date, **details) -> Resolution:
        """Resolve `topic` and score every estimate of it."""
        with transaction.atomic():
            resolution = cls(topic=topic, scenario=scenario, happened_on=happened_on, **details)
            resolution.full_clean()
            resolution.save()
            resolution.score()
        return resolution

    def annul(self, editor, reason: str) -> None:
        """It was wrong: keep it as annulled, and remove its scores (the topic takes estimates again)."""
        with transaction.atomic():
            self.annulled_at, self.annulled_by, self.annulment_reason = timezone.now(), editor, reason
            self.save(update_fields=["annulled_at", "annulled_by", "annulment_reason"])
            self.scores.all().delete()

    def score(self) -> list[Score]:
        """A score for the editors, the community and each reader who estimated before it happened."""
        # The outcomes readers estimate (drafts are none of them: their 0 would be a forecast nobody made).
        published = Scenario.objects.filter(topic=self.topic, is_published=True).values_list("pk", flat=True)
        keys = sorted({*published, self.scenario_id})
        scores = []
        for kind, reader, versions in self._versions():
            complete = _complete(versions, keys)
            if result := scoring.time_averaged(complete, self.scenario_id, self.resolved_at):
                probabilities = scoring.time_averaged_numbers(complete, self.resolved_at) or {}
                scores.append(
                    Score(
                        resolution=self,
                        kind=kind,
                        reader_id=reader,
                        brier=result[0],
                        log=result[1],
                        probabilities=_stored(probabilities),
                    )
                )
        return Score.objects.bulk_create(scores)

    def _versions(self) -> Iterable[tuple[str, int | None, list[scoring.Version]]]:
        from diplomacy.timeline.models import Estimate

        editors: dict[int, dict[int, int]] = {}
        made: dict[int, datetime.datetime] = {}
        rows = (
            Estimate.objects.filter(revision__topic=self.topic)
            .order_by("revision__as_of", "revision__created_at", "revision_id")
            .values_list("revision_id", "revision__as_of", "scenario_id", "likelihood")
        )
        for revision, as_of, scenario, value in rows:
            editors.setdefault(revision, {})[scenario] = value
            made[revision] = datetime.datetime.combine(as_of, datetime.time(), tzinfo=datetime.UTC)
        yield Score.Kind.EDITORS, None, [scoring.Version(made[pk], numbers) for pk, numbers in editors.items()]
        shown = CommunityVersion.objects.filter(topic=self.topic, readers__gte=community.SHOWN_FROM).order_by(
            "made_at", "pk"
        )
        yield Score.Kind.COMMUNITY, None, [scoring.Version(v.made_at, _read(v.numbers)) for v in shown]
        readers: dict[int, list[scoring.Version]] = {}
        # Oldest first: of versions made at the same instant, the one saved last counts.
        versions = (
            ForecastVersion.objects.filter(forecast__topic=self.topic)
            .order_by("made_at", "pk")
            .values_list("forecast__reader_id", "made_at", "numbers")
        )
        for reader, made_at, numbers in versions:
            readers.setdefault(reader, []).append(scoring.Version(made_at, _read(numbers)))
        for reader, kept in readers.items():
            yield Score.Kind.READER, reader, kept


def _complete(versions: list[scoring.Version], keys: list[int]) -> list[scoring.Version]:
    """Every version with a number for every scenario (0 where it gave none) and a positive total."""
    filled = [scoring.Version(v.made_at, {pk: v.numbers.get(pk, 0) for pk in keys}) for v in versions]
    return [v for v in filled if sum(v.numbers.values()) > 0]


class ScoreQuerySet(models.QuerySet):
    def standing(self):
        return self.filter(resolution__annulled_at__isnull=True)

    def public(self):
        """Scores anyone may see: of standing resolutions of published topics."""
        return self.standing().filter(resolution__topic__is_published=True)

    def leaderboard(self):
        """Readers' scores averaged over the resolved topics they estimated, best Brier first
        (ties: the better log score, then more topics, then who joined first)."""
        return (
            self.public()
            .filter(kind=Score.Kind.READER)
            .values("reader")
            .annotate(topics=models.Count("pk"), brier=models.Avg("brier"), log=models.Avg("log"))
            .order_by("brier", "-log", "-topics", "reader")
        )

    def groups(self) -> dict[str, dict]:
        """The editors' and the community's averages, the same way."""
        rows = (
            self.public()
            .exclude(kind=Score.Kind.READER)
            .values("kind")
            .annotate(topics=models.Count("pk"), brier=models.Avg("brier"), log=models.Avg("log"))
            .order_by("kind")
        )
        return {row["kind"]: row for row in rows}


class Score(models.Model):
    """How well the editors, the community or a reader did on a resolved topic, averaged over time."""

    class Kind(models.TextChoices):
        EDITORS = "editors", "Editors"
        COMMUNITY = "community", "Community"
        READER = "reader", "Reader"

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="scores")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="scores"
    )
    brier = models.FloatField(help_text="0 is perfect, 2 the worst.")
    log = models.FloatField(help_text="0 is perfect; lower is worse.")
    # Each scenario's probability (0–1) averaged over time, by scenario id: the calibration chart's points.
    probabilities = models.JSONField(default=dict)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["brier", "-log", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "kind", "reader"], name="one_score_per_forecaster"),
            models.UniqueConstraint(
                fields=["resolution", "kind"], condition=models.Q(reader__isnull=True), name="one_group_score"
            ),
        ]
        indexes = [models.Index(fields=["reader", "kind"], name="score_reader")]

    def __str__(self) -> str:
        who = self.reader if self.reader_id else self.get_kind_display()
        return f"{who} on {self.resolution.topic}: Brier {self.brier:.3f}"
