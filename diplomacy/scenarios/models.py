"""The domain: topics of the talks, kinds of outcome, scenarios, factors and sources."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Source(models.Model):
    """A short quoted passage of a source document that content rests on."""

    key = models.SlugField(max_length=80, unique=True, help_text="How seed files and editors cite it.")
    document_title = models.CharField(max_length=200)
    author = models.CharField(max_length=120, blank=True)
    section = models.CharField(max_length=200, help_text="The heading the passage stands under.")
    quote = models.TextField(max_length=600, help_text="The exact words of the passage.")

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.section}: “{self.quote[:60]}…”" if len(self.quote) > 60 else f"{self.section}: “{self.quote}”"


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Topic(models.Model):
    """One agenda item of the talks."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(max_length=200, help_text="One line; used for link previews.")
    background = models.TextField()
    stakes = models.TextField("what is at stake")
    us_position = models.TextField("what Washington wants")
    russia_position = models.TextField("what Moscow wants")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")
    is_published = models.BooleanField("published", default=False)
    sources = models.ManyToManyField(Source, blank=True, related_name="topics")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[sources])
    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        indexes = [models.Index(fields=["is_published", "order"], name="topic_published_order")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("topic", kwargs={"topic": self.slug})


class Outcome(models.Model):
    """A kind of result of the talks, ordered from best to worst."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="1 is the best outcome.")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ScenarioQuerySet(PublishedQuerySet):
    def published(self):
        """Scenarios a reader may see: published, on a published topic."""
        return self.filter(is_published=True, topic__is_published=True)


class Scenario(models.Model):
    """What one kind of outcome would look like on one topic."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="scenarios")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="scenarios")
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=80, help_text="Unique within its topic.")
    narrative = models.TextField(help_text="Plain text; separate paragraphs with a blank line.")
    signposts = models.TextField(help_text="What to watch for, one per line.")
    implications = models.TextField()
    likelihood = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Editor's estimate in percent (0–100); leave empty if not estimated.",
    )
    likelihood_rationale = models.TextField("rationale", blank=True)
    is_published = models.BooleanField("published", default=False)
    sources = models.ManyToManyField(Source, blank=True, related_name="scenarios")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[sources])
    objects = ScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["topic__order", "outcome__order"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "slug"], name="scenario_slug_unique_in_topic"),
            models.UniqueConstraint(fields=["topic", "outcome"], name="scenario_one_per_topic_outcome"),
            models.CheckConstraint(
                condition=models.Q(likelihood__isnull=True) | models.Q(likelihood__lte=100),
                name="scenario_likelihood_0_to_100",
                violation_error_message="Likelihood must be between 0 and 100 %.",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "likelihood"], name="scenario_published_likelihood")]

    def __str__(self) -> str:
        return f"{self.topic}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("scenario", kwargs={"topic": self.topic.slug, "scenario": self.slug})

    @property
    def signpost_list(self) -> list[str]:
        return [line.strip() for line in self.signposts.splitlines() if line.strip()]


class Factor(models.Model):
    """A force that acts on the talks across topics."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    sources = models.ManyToManyField(Source, blank=True, related_name="factors")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Influence(models.Model):
    """How a factor pushes one scenario: a signed strength and a reason."""

    class Strength(models.IntegerChoices):
        STRONGLY_HURTS = -2, "strongly hurts"
        HURTS = -1, "hurts"
        HELPS = 1, "helps"
        STRONGLY_HELPS = 2, "strongly helps"

    factor = models.ForeignKey(Factor, on_delete=models.CASCADE, related_name="influences")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="influences")
    strength = models.SmallIntegerField(choices=Strength.choices)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["-strength", "factor__order"]
        constraints = [
            models.UniqueConstraint(fields=["factor", "scenario"], name="influence_once_per_factor_scenario"),
            models.CheckConstraint(
                condition=models.Q(strength__in=[-2, -1, 1, 2]),
                name="influence_strength_signed",
                violation_error_message="Strength is -2, -1, 1 or 2.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factor} {self.get_strength_display()} {self.scenario}"

    @property
    def helps(self) -> bool:
        return self.strength > 0
