"""What the what-if pages show: topics' outcomes, the forces acting on them, and the outcomes as a
reader's settings would move them (diplomacy/whatif/model.py does the arithmetic).

A `Situation` holds what does not depend on the settings (the editors' numbers, the factors and
their influences), so it is built once per change to the content and cached; a reader's settings
are applied to it on every request, which costs well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.urls import reverse

from diplomacy.scenarios import likelihood
from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Topic, Visibility

from . import address, model

CROSSING_AT_LEAST = 2  # topics a factor acts on to be offered on /what-if/
TOPIC_FIELDS = ["slug", "title", "order", "is_published"]
SCENARIO_FIELDS = ["slug", "title", "likelihood", "is_published", "topic_id", "outcome__name", "outcome__order"]


@dataclass(frozen=True)
class Lever:
    """A factor as a what-if offers it, with its influences on the outcomes shown (outcome order)."""

    factor: Factor
    influences: list[Influence]

    @property
    def topics(self) -> list[Topic]:
        """The topics it acts on, in their order."""
        seen = {influence.scenario.topic_id: influence.scenario.topic for influence in self.influences}
        return sorted(seen.values(), key=lambda topic: (topic.order, topic.title))


@dataclass(frozen=True)
class Shift:
    """One outcome, as the editors see it and as the settings would move it."""

    scenario: Scenario
    url: str  # the scenario's page
    editors: int
    shifted: int

    @property
    def difference(self) -> int:
        return self.shifted - self.editors

    @property
    def name(self) -> str:
        """The outcome's."""
        return self.scenario.outcome.name


@dataclass(frozen=True)
class Situation:
    """One topic's outcomes (its visible scenarios, in outcome order) and the factors acting on them."""

    topic: Topic
    scenarios: list[Scenario]
    levers: list[Lever]
    inert: dict[str, str]  # the other factors, {slug: why setting it changes nothing here}
    urls: dict[int, str]  # each scenario's page, by its pk
    url: str  # the topic's page
    whatif_url: str  # its what-if's, without a query

    @classmethod
    def of_topic(cls, slug: str, visibility: Visibility) -> Situation | None:
        topic = Topic.objects.visible(visibility).filter(slug=slug).only(*TOPIC_FIELDS).first()
        return None if topic is None else situations([topic], visibility)[0]

    @property
    def estimated(self) -> bool:
        """Whether the editors' numbers make a distribution the model can move."""
        numbers = [scenario.likelihood for scenario in self.scenarios]
        return likelihood.is_complete(numbers) and likelihood.distribution_problem(numbers) is None

    def read(self, query: Mapping[str, Sequence[str]]) -> address.Reading:
        return address.read(query, {lever.factor.slug: lever.factor.name for lever in self.levers}, self.inert)

    def query(self, settings: Mapping[str, int]) -> str:
        """The query string ("?…", or "") of this topic's what-if with those of `settings` it feels."""
        mine = [
            (lever.factor.slug, settings[lever.factor.slug]) for lever in self.levers if settings.get(lever.factor.slug)
        ]
        return f"?{urlencode(mine)}" if mine else ""

    def shifts(self, settings: Mapping[str, int]) -> list[Shift]:
        """Each outcome under these settings (factors this topic does not feel are left out)."""
        if not self.estimated:
            return []
        editors = {scenario.pk: scenario.likelihood or 0 for scenario in self.scenarios}
        influences = {
            lever.factor.slug: {influence.scenario_id: influence.strength for influence in lever.influences}
            for lever in self.levers
        }
        mine = {slug: setting for slug, setting in settings.items() if slug in influences}
        numbers = model.whole(model.shifted(editors, influences, mine))
        return [
            Shift(scenario, self.urls[scenario.pk], editors[scenario.pk], numbers[scenario.pk])
            for scenario in self.scenarios
        ]


def situations(topics: Iterable[Topic], visibility: Visibility) -> list[Situation]:
    """Each topic's situation, in four queries however many topics, with the addresses its pages
    link to (reversing costs more than the arithmetic of a what-if)."""
    topics = list(topics)
    # Only what the pages show: a situation is cached and read back on every request.
    factor_fields = [f"factor__{name}" for name in ("slug", "name", "order", "weaker", "stronger")]
    influences = Influence.objects.select_related("factor").only("strength", "reason", "scenario_id", *factor_fields)
    scenarios = list(
        Scenario.objects.visible(visibility)
        .filter(topic__in=topics)
        .select_related("outcome")
        .only(*SCENARIO_FIELDS)
        .prefetch_related(Prefetch("influences", queryset=influences))
        .order_by("outcome__order", "outcome__name")
    )
    factors = {factor.slug: factor.name for factor in Factor.objects.only("slug", "name")}
    built = []
    for topic in topics:
        mine = [scenario for scenario in scenarios if scenario.topic_id == topic.pk]
        for scenario in mine:
            scenario.topic = topic
        levers = _levers(mine)
        acting = {lever.factor.slug for lever in levers}
        inert = {
            slug: f"{name} does not act on {topic.title}, so setting it changes nothing here."
            for slug, name in factors.items()
            if slug not in acting
        }
        urls = {scenario.pk: scenario.get_absolute_url() for scenario in mine}
        whatif_url = reverse("whatif_topic", kwargs={"topic": topic.slug})
        built.append(Situation(topic, mine, levers, inert, urls, topic.get_absolute_url(), whatif_url))
    return built


def _levers(scenarios: Iterable[Scenario]) -> list[Lever]:
    """The factors acting on these scenarios (prefetched), in factor order."""
    grouped: dict[int, Lever] = {}
    for scenario in scenarios:
        for influence in scenario.influences.all():
            grouped.setdefault(influence.factor_id, Lever(influence.factor, [])).influences.append(influence)
    return sorted(grouped.values(), key=lambda lever: (lever.factor.order, lever.factor.name))


@dataclass(frozen=True)
class Matrix:
    """Every visible topic's situation, and the factors that act across topics."""

    outcomes: list[Outcome]
    rows: list[Situation]
    levers: list[Lever]
    inert: dict[str, str]

    @classmethod
    def build(cls, visibility: Visibility) -> Matrix:
        rows = situations(Topic.objects.visible(visibility).only(*TOPIC_FIELDS), visibility)
        levers = _levers(scenario for row in rows for scenario in row.scenarios)
        crossing = [lever for lever in levers if len(lever.topics) >= CROSSING_AT_LEAST]
        offered = {lever.factor.slug for lever in crossing}
        factors = {factor.slug: factor.name for factor in Factor.objects.only("slug", "name")}
        inert = {
            slug: f"{name} acts on one topic at most, so it is not on this page: try it on the topic’s what-if."
            for slug, name in factors.items()
            if slug not in offered
        }
        return cls(list(Outcome.objects.all()), rows, crossing, inert)

    def read(self, query: Mapping[str, Sequence[str]]) -> address.Reading:
        return address.read(query, {lever.factor.slug: lever.factor.name for lever in self.levers}, self.inert)

    def cells(self, settings: Mapping[str, int]) -> list[tuple[Situation, str, list[Cell]]]:
        """Each topic, the query of its own what-if with these settings, and its outcomes in the
        matrix's columns: the scenario (None if it has none there) and its shift (None unless the
        editors have estimated the whole topic)."""
        table = []
        for row in self.rows:
            scenarios = {scenario.outcome_id: scenario for scenario in row.scenarios}
            shifts = {shift.scenario.outcome_id: shift for shift in row.shifts(settings)}
            cells = [(scenarios.get(outcome.pk), shifts.get(outcome.pk)) for outcome in self.outcomes]
            table.append((row, row.query(settings), cells))
        return table


Cell = tuple[Scenario | None, Shift | None]
