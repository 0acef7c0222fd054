"""What happened, what it showed, and how the estimates moved because of it.

A Development is an event with sources; it may mark signposts of its topics as observed or
contradicted. A Revision re-estimates a whole topic at once (its outcomes' numbers must add up
to 100), with a reason, an "as of" date and, optionally, the development that prompted it;
each of its Estimates keeps the number before and after. A scenario's `likelihood` is the
latest revision's number for it, copied there so that pages read it without a join.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, URLValidator
from django.db import models, transaction
from django.db.models.functions import Abs
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from diplomacy.scenarios import likelihood
from diplomacy.scenarios.models import Scenario, Signpost, Topic, Visibility


def not_in_the_future(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError("A development has happened: its date cannot be in the future.", code="future")


class DevelopmentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible(self, visibility: Visibility):
        """Editors see drafts; everyone else what is published."""
        return self if visibility.topic_drafts else self.published()

    def newest_first(self):
        return self.order_by("-happened_on", "-pk")


class Development(models.Model):
    """Something that happened that bears on one or more topics."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, blank=True, help_text="Made from the title when left empty.")
    happened_on = models.DateField("date", validators=[not_in_the_future], help_text="When it happened.")
    summary = models.TextField(max_length=2000, help_text="A short paragraph: what happened and why it matters.")
    topics = models.ManyToManyField(Topic, related_name="developments")
    is_published = models.BooleanField("published", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[topics])
    objects = DevelopmentQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["is_published", "-happened_on"], name="development_published_date")]

    def __str__(self) -> str:
        return f"{self.happened_on:%d %b %Y}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.slug = self.slug or slugify(self.title)[:80] or "development"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("development", kwargs={"pk": self.pk, "slug": self.slug})


class DevelopmentSource(models.Model):
    """What a development rests on: a published document and the passage relied on."""

    development = models.ForeignKey(Development, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    published_on = models.DateField("date", null=True, blank=True)
    url = models.URLField(
        "address",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="An http or https address, if the document is online.",
    )
    quote = models.TextField(max_length=1000, help_text="The passage relied on, word for word.")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}"


class SignpostMark(models.Model):
    """A development shows a signpost was seen, or shows the opposite."""

    class State(models.TextChoices):
        OBSERVED = "observed", "Observed"
        CONTRADICTED = "contradicted", "Contradicted"

    development = models.ForeignKey(Development, on_delete=models.CASCADE, related_name="signpost_marks")
    signpost = models.ForeignKey(Signpost, on_delete=models.CASCADE, related_name="marks")
    state = models.CharField(max_length=20, choices=State.choices)
    note = models.CharField("why", max_length=300)

    class Meta:
        ordering = ["-development__happened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["development", "signpost"], name="signpost_marked_once_per_development")
        ]

    def __str__(self) -> str:
        return f"{self.signpost}: {self.get_state_display()}"

    def clean(self) -> None:
        """A development may only mark signposts of its own topics."""
        if not (self.development_id and self.signpost_id):
            return
        topic = self.signpost.scenario.topic_id
        if not self.development.topics.filter(pk=topic).exists():
            raise ValidationError(
                {"signpost": "This signpost belongs to a topic the development is not about: add that topic first."}
            )


class RevisionQuerySet(models.QuerySet):
    def chronological(self):
        return self.order_by("as_of", "created_at", "pk")

    def current(self) -> Revision | None:
        """The revision whose numbers the scenarios show: the latest "as of", then the latest made."""
        return self.order_by("-as_of", "-created_at", "-pk").first()


class Revision(models.Model):
    """A topic's estimates, changed together: who, when, why, and what prompted it."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="revisions")
    as_of = models.DateField(help_text="The day the new estimates hold from.")
    reason = models.TextField(max_length=2000)
    development = models.ForeignKey(
        Development,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revisions",
        help_text="What prompted it, if a development did.",
    )
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-created_at", "-pk"]
        indexes = [models.Index(fields=["topic", "as_of"], name="revision_topic_as_of")]

    def __str__(self) -> str:
        return f"{self.topic}: estimates as of {self.as_of:%d %b %Y}"

    @classmethod
    @transaction.atomic
    def record(
        cls,
        topic: Topic,
        numbers: Mapping[int, int],
        *,
        reason: str,
        as_of: datetime.date,
        editor=None,
        development: Development | None = None,
    ) -> Revision:
        """Re-estimate `topic`: `numbers` maps each of its scenarios' ids to a new likelihood.

        Every scenario of the topic must be given and the numbers must add up to 100; the
        scenarios then show the new numbers, dated `as_of` (unless a later revision exists)."""
        scenarios = {s.pk: s for s in Scenario.objects.filter(topic=topic).select_for_update()}
        if set(numbers) != set(scenarios) or None in numbers.values():
            raise ValidationError("Give a number for every outcome of the topic, and only for those.")
        if problem := likelihood.distribution_problem(numbers.values()):
            raise ValidationError(problem[0].upper() + problem[1:] + ".")
        if not reason.strip():
            raise ValidationError({"reason": "Say why the estimates change."})
        revision = cls.objects.create(
            topic=topic, as_of=as_of, reason=reason.strip(), editor=editor, development=development
        )
        Estimate.objects.bulk_create(
            Estimate(revision=revision, scenario_id=pk, likelihood=value, previous=scenarios[pk].likelihood)
            for pk, value in numbers.items()
        )
        if cls.objects.filter(topic=topic).current() == revision:
            stamp = datetime.datetime.combine(as_of, datetime.time(12), tzinfo=datetime.UTC)
            for pk, value in numbers.items():
                scenario = scenarios[pk]
                scenario.likelihood, scenario.estimated_at = value, stamp
                scenario.save(update_fields=["likelihood", "estimated_at", "updated_at"])
        return revision

    @classmethod
    def snapshot(cls, topic: Topic, *, as_of: datetime.date, reason: str) -> Revision | None:
        """Record the topic's current numbers as a revision when they differ from its latest one
        (how the seeds' estimates become the first revision); None if nothing differs or is estimated."""
        current = dict(Scenario.objects.filter(topic=topic).values_list("pk", "likelihood"))
        if not current or None in current.values():
            return None
        latest = cls.objects.filter(topic=topic).current()
        before = dict(latest.estimates.values_list("scenario_id", "likelihood")) if latest else {}
        if before == current:
            return None
        revision = cls.objects.create(topic=topic, as_of=as_of, reason=reason)
        Estimate.objects.bulk_create(
            Estimate(revision=revision, scenario_id=pk, likelihood=value, previous=before.get(pk))
            for pk, value in current.items()
        )
        return revision


class EstimateQuerySet(models.QuerySet):
    def moved_since(self, day: datetime.date, visibility: Visibility):
        """Changes of published estimates in revisions as of `day` or later, largest first."""
        scenarios = Scenario.objects.visible(visibility).filter(topic__in=Topic.objects.visible(visibility))
        return (
            self.filter(revision__as_of__gte=day, previous__isnull=False, scenario__in=scenarios)
            .exclude(likelihood=models.F("previous"))
            .annotate(size=Abs(models.F("likelihood") - models.F("previous")))
            .select_related("revision", "scenario__topic", "scenario__outcome", "revision__development")
            .order_by("-size", "-revision__as_of", "pk")
        )


class Estimate(models.Model):
    """One scenario's number in a revision, and the number it replaced."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="estimates")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="estimates")
    likelihood = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    previous = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = EstimateQuerySet.as_manager()

    class Meta:
        ordering = ["revision", "scenario__outcome__order"]
        constraints = [models.UniqueConstraint(fields=["revision", "scenario"], name="estimate_once_per_revision")]

    def __str__(self) -> str:
        return f"{self.scenario}: {self.previous} → {self.likelihood} %"

    @property
    def change(self) -> int:
        return self.likelihood - (self.previous if self.previous is not None else self.likelihood)
