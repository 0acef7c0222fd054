"""The domain: topics of the talks, kinds of outcome, scenarios, factors and sources."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import dates, likelihood
from . import search as fulltext

# Markers around matched words in search snippets (both databases); replaced by <mark> after escaping.
MATCH_START, MATCH_END = "\x02", "\x03"
SEARCH_CONFIG = "english"
SEARCH_VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("narrative", weight="B", config=SEARCH_CONFIG)
    + SearchVector("signposts", "implications", weight="C", config=SEARCH_CONFIG)
    + SearchVector("likelihood_rationale", weight="D", config=SEARCH_CONFIG)
)


class Source(models.Model):
    """A short quoted passage of a source document that content rests on."""

    key = models.SlugField(max_length=80, unique=True, help_text="How seed files and editors cite it.")
    document_title = models.CharField(max_length=200)
    author = models.CharField(max_length=120, blank=True)
    document_date = models.DateField(
        "date", null=True, blank=True, help_text="When the document was published, if known."
    )
    section = models.CharField(max_length=200, help_text="The heading the passage stands under.")
    quote = models.TextField(max_length=600, help_text="The exact words of the passage.")

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.section}: “{self.quote[:60]}…”" if len(self.quote) > 60 else f"{self.section}: “{self.quote}”"


@dataclass(frozen=True)
class Visibility:
    """Who may see unpublished topics and scenarios: the one rule for what pages list and
    for the cache keys of what they list (a key names the Visibility its build was given).

    Editors preview what they may change; everyone else sees published content only.
    """

    topic_drafts: bool = False
    scenario_drafts: bool = False

    @classmethod
    def of(cls, user) -> Visibility:
        if not user.is_authenticated:
            return EVERYONE
        return cls(user.has_perm("scenarios.change_topic"), user.has_perm("scenarios.change_scenario"))

    def __str__(self) -> str:
        return f"drafts-{int(self.topic_drafts)}{int(self.scenario_drafts)}"


EVERYONE = Visibility()


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible(self, visibility: Visibility):
        """What a reader with this visibility may see."""
        return self if visibility.topic_drafts else self.published()

    def visible_to(self, user):
        return self.visible(Visibility.of(user))


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

    @classmethod
    def renamed_from(cls, slug: str) -> Topic | None:
        """The published topic that last had this slug, according to its history."""
        record = cls.history.filter(slug=slug).order_by("-history_date").values("id").first()
        return cls.objects.published().filter(pk=record["id"]).first() if record else None


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

    def visible(self, visibility: Visibility):
        """Scenarios a reader with this visibility may see, on topics they may see."""
        scenarios = self if visibility.scenario_drafts else self.filter(is_published=True)
        return scenarios if visibility.topic_drafts else scenarios.filter(topic__is_published=True)

    def at(self, topic: str, scenario: str):
        """The scenario at /topics/<topic>/<scenario>/, with what its page names."""
        return self.filter(topic__slug=topic, slug=scenario).select_related("topic", "outcome")

    def refresh_search_vectors(self) -> None:
        """Recompute the full-text search vectors: PostgreSQL only, after writes that bypass save().

        SQLite's FTS5 index needs no refresh: triggers on the table keep it in step (migration 0006).
        """
        if connection.vendor == "postgresql":
            self.update(search_vector=SEARCH_VECTOR)

    def search(self, text: str):
        """Scenarios matching every word of `text` in any of its forms ("treaties" finds "treaty"),
        annotated with `rank` (higher is better) and `snippet` (the narrative around the matched
        words, each between MATCH_START and MATCH_END)."""
        text = fulltext.clean(text)
        if connection.vendor != "postgresql":
            return fulltext.matching(self, text, marks=(MATCH_START, MATCH_END))
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return self.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query),
            snippet=SearchHeadline(
                "narrative",
                query,
                config=SEARCH_CONFIG,
                start_sel=MATCH_START,
                stop_sel=MATCH_END,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )

    def explore(self, *, q="", topics=(), outcomes=(), low=None, high=None, sort="topic"):
        """The explorer's filters and sort orders, as one query."""
        scenarios = self.select_related("topic", "outcome")
        if topics:
            scenarios = scenarios.filter(topic__slug__in=topics)
        if outcomes:
            scenarios = scenarios.filter(outcome__slug__in=outcomes)
        if low is not None:
            scenarios = scenarios.filter(likelihood__gte=low)
        if high is not None:
            scenarios = scenarios.filter(likelihood__lte=high)
        if q:
            scenarios = scenarios.search(q)
        by_topic: list[Any] = ["topic__order", "topic__title", "outcome__order"]
        orderings: dict[str, list[Any]] = {
            "relevance": ["-rank", *by_topic] if q else by_topic,
            "likelihood": [F("likelihood").desc(nulls_last=True), *by_topic],
            "likelihood-asc": [F("likelihood").asc(nulls_last=True), *by_topic],
            "outcome": ["outcome__order", "topic__order", "topic__title"],
            "topic": by_topic,
        }
        return scenarios.order_by(*orderings.get(sort, by_topic), "pk")


class Scenario(models.Model):
    """What one kind of outcome would look like on one topic."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="scenarios")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="scenarios")
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=80, help_text="Unique within its topic.")
    narrative = models.TextField(help_text="Plain text; separate paragraphs with a blank line.")
    # The text of its Signpost items, one per line, kept by Signpost.save/delete: what search indexes.
    signposts = models.TextField(editable=False, blank=True)
    implications = models.TextField()
    likelihood = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Editor's estimate in percent (0–100), the topic's latest revision's; changed by re-estimating the topic.",
    )
    likelihood_rationale = models.TextField("rationale", blank=True)
    estimated_at = models.DateTimeField(
        "estimate as of",
        null=True,
        blank=True,
        help_text="When the likelihood was last set: the 'as of' date of the revision that set it.",
    )
    is_published = models.BooleanField("published", default=False)
    sources = models.ManyToManyField(Source, blank=True, related_name="scenarios")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept up to date on save; its GIN index exists on PostgreSQL only (see migration 0004).
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(m2m_fields=[sources], excluded_fields=["search_vector"])
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

    def save(self, *args, **kwargs) -> None:
        """Date the estimate when its likelihood changes, unless the same save dates it by hand."""
        likelihood, estimated_at = getattr(self, "_loaded_estimate", (None, None))
        dated_by_hand = self.estimated_at is not None and self.estimated_at != estimated_at
        if self.likelihood is not None and self.likelihood != likelihood and not dated_by_hand:
            self.estimated_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "estimated_at"}
        super().save(*args, **kwargs)
        self._loaded_estimate = (self.likelihood, self.estimated_at)
        Scenario.objects.filter(pk=self.pk).refresh_search_vectors()

    def get_absolute_url(self) -> str:
        return reverse("scenario", kwargs={"topic": self.topic.slug, "scenario": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_estimate = (instance.__dict__.get("likelihood"), instance.__dict__.get("estimated_at"))
        return instance

    @classmethod
    def renamed_from(cls, topic: Topic, slug: str) -> Scenario | None:
        """The published scenario of `topic` that last had this slug, according to its history."""
        record = cls.history.filter(topic_id=topic.pk, slug=slug).order_by("-history_date").values("id").first()
        if record is None:
            return None
        return cls.objects.published().filter(pk=record["id"], topic=topic).select_related("topic").first()

    @property
    def ref(self) -> str:
        """How the compare page names it: topic/scenario."""
        return f"{self.topic.slug}/{self.slug}"

    @property
    def signpost_list(self) -> list[str]:
        return [line.strip() for line in self.signposts.splitlines() if line.strip()]

    def index_signposts(self) -> None:
        """Copy its signposts' text into the searched column (one UPDATE, so search indexes follow)."""
        text = "\n".join(self.signpost_items.order_by("order", "pk").values_list("text", flat=True))
        Scenario.objects.filter(pk=self.pk).update(signposts=text)
        Scenario.objects.filter(pk=self.pk).refresh_search_vectors()
        self.signposts = text


class Signpost(models.Model):
    """Something to watch for that would show a scenario coming about; developments mark it seen."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="signpost_items")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.scenario.index_signposts()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.scenario.index_signposts()
        return result


@dataclass(frozen=True)
class MatrixRow:
    """One topic's row of the topic × outcome matrix: its scenario per outcome, or None."""

    topic: Topic
    cells: list[Scenario | None]

    @property
    def updated(self) -> datetime:
        """When the topic, or a scenario in its row, last changed."""
        return dates.last_updated(self.topic, [cell for cell in self.cells if cell])

    @property
    def leading(self) -> Scenario | None:
        """The topic's most likely scenario (the better outcome on a tie), if any is estimated."""
        scenarios = {cell.pk: cell for cell in self.cells if cell}
        lead = likelihood.leading({pk: scenario.likelihood for pk, scenario in scenarios.items()})
        return None if lead is None else scenarios[lead]


def outcome_matrix(
    topics: Iterable[Topic], outcomes: Iterable[Outcome], scenarios: Iterable[Scenario]
) -> list[MatrixRow]:
    """The rows of the topic × outcome matrix, in the order of `topics` and `outcomes`."""
    cells = {(scenario.topic_id, scenario.outcome_id): scenario for scenario in scenarios}
    outcomes = list(outcomes)
    return [MatrixRow(topic, [cells.get((topic.pk, outcome.pk)) for outcome in outcomes]) for topic in topics]


def influences_by_factor(scenarios) -> list[tuple[Factor, list[Influence]]]:
    """The factors acting on these scenarios, each with its influences (prefetched), in factor order."""
    grouped: dict[int, tuple[Factor, list[Influence]]] = {}
    for scenario in scenarios:
        for influence in scenario.influences.all():
            grouped.setdefault(influence.factor_id, (influence.factor, []))[1].append(influence)
    return sorted(grouped.values(), key=lambda item: (item[0].order, item[0].name))


class Factor(models.Model):
    """A force that acts on the talks across topics."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    sources = models.ManyToManyField(Source, blank=True, related_name="factors")
    weaker = models.CharField(
        max_length=120,
        blank=True,
        help_text="Ends “What if …?” for this force at its weaker: e.g. “Congress resists less”.",
    )
    stronger = models.CharField(
        max_length=120,
        blank=True,
        help_text="Ends “What if …?” for this force at its stronger: e.g. “Congress resists more”.",
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def what_if_weaker(self) -> str:
        """The question a reader asks to set this force weaker: "What if Congress resists less?"."""
        return f"What if {self.weaker or f'{self._in_sentence} counted for less'}?"

    @property
    def what_if_stronger(self) -> str:
        return f"What if {self.stronger or f'{self._in_sentence} counted for more'}?"

    @property
    def _in_sentence(self) -> str:
        # "A transactional approach" reads "a transactional approach" inside a question; other names
        # may be proper nouns ("Congress"), so they keep their capital.
        first, _, rest = self.name.partition(" ")
        return f"{first.lower()} {rest}" if rest and first in ("A", "An", "The") else self.name


class Influence(models.Model):
    """How a factor pushes one scenario: a signed strength and a reason."""

    class Strength(models.IntegerChoices):
        # Neutral words: a push up on "worsened relations" is no help to anyone.
        STRONGLY_HURTS = -2, "pushes down strongly"
        HURTS = -1, "pushes down"
        HELPS = 1, "pushes up"
        STRONGLY_HELPS = 2, "pushes up strongly"

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

    @property
    def strongly(self) -> bool:
        return abs(self.strength) == 2

    @property
    def pushes_it(self) -> str:
        """What it does to its scenario's likelihood, in neutral words: "pushes it up strongly"."""
        return f"pushes it {'up' if self.helps else 'down'}{' strongly' if self.strongly else ''}"
