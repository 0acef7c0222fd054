"""What the what-if pages show: topics' outcomes, the forces acting on them, and the outcomes as a
reader's settings would move them (diplomacy/whatif/model.py does the arithmetic).

A `Situation` (one topic) or a `Matrix` (every topic) holds what does not depend on the settings
(the editors' numbers, the forces and their influences), so it is built once per change to the
content and cached; a reader's settings are applied to it on every request, which costs well
under a millisecond. What they say in words (a question, a summary) is here too, not in the views.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse

from diplomacy.scenarios import likelihood
from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Topic, Visibility, influences_by_factor

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
class Forces:
    """The forces a what-if page offers, and the other known ones, each with why it moves nothing
    here; and the settings read from an address, and put in words."""

    levers: list[Lever]
    inert: dict[str, str]  # {slug: why setting it changes nothing here}

    def read(self, query: Mapping[str, Sequence[str]]) -> address.Reading:
        return address.read(query, {lever.factor.slug: lever.factor.name for lever in self.levers}, self.inert)

    def chosen(self, reading: address.Reading, between: str = ": ") -> list[str]:
        """The settings in words, in the forces' order: ["Congress: much stronger", "Lack of trust: weaker"]."""
        names = {lever.factor.slug: lever.factor.name for lever in self.levers}
        return [f"{names[slug]}{between}{address.LABELS[setting]}" for slug, setting in reading.settings.items()]

    def summary(self, reading: address.Reading) -> str:
        """The settings in one line: "Congress much stronger; Lack of trust weaker"."""
        return "; ".join(self.chosen(reading, between=" "))

    def question(self, reading: address.Reading) -> str:
        """What the what-if asks: one force a step either way in its own words ("What if Congress
        resists less?"), else the settings in one line."""
        if len(reading.settings) == 1:
            ((slug, setting),) = reading.settings.items()
            factor = next(lever.factor for lever in self.levers if lever.factor.slug == slug)
            if setting in (-1, 1):
                return factor.what_if_weaker if setting < 0 else factor.what_if_stronger
        return self.summary(reading)


@dataclass(frozen=True)
class Situation(Forces):
    """One topic's outcomes (its visible scenarios, in outcome order) and the forces acting on them,
    with the addresses its pages link to (reversing costs more than the arithmetic of a what-if)."""

    topic: Topic
    scenarios: list[Scenario]
    urls: dict[int, str]  # each scenario's page, by its pk
    url: str  # the topic's page
    whatif_url: str  # its what-if's, without a query

    @classmethod
    def of_topic(cls, slug: str, visibility: Visibility) -> Situation | None:
        topic = Topic.objects.visible(visibility).filter(slug=slug).only(*TOPIC_FIELDS).first()
        return None if topic is None else situations([topic], visibility, _factor_names())[0]

    @property
    def problem(self) -> str | None:
        """Why the editors' numbers cannot be moved (they must make a whole distribution), or None."""
        numbers = [scenario.likelihood for scenario in self.scenarios]
        if not numbers:
            return "no scenario of this topic is published yet"
        if not likelihood.is_complete(numbers):
            return "the editors have not estimated every outcome of this topic yet"
        return likelihood.distribution_problem(numbers)

    def query(self, settings: Mapping[str, int]) -> str:
        """The query string ("?…", or "") of this topic's what-if with those of `settings` it feels."""
        felt = address.Reading(
            {lever.factor.slug: settings[lever.factor.slug] for lever in self.levers if settings.get(lever.factor.slug)}
        )
        return f"?{felt.query}" if felt.settings else ""

    def shifts(self, settings: Mapping[str, int]) -> list[Shift]:
        """Each outcome under these settings (forces this topic does not feel are left out); none
        while there is a `problem`."""
        if self.problem:
            return []
        editors = {scenario.pk: scenario.likelihood or 0 for scenario in self.scenarios}
        influences = {
            lever.factor.slug: {influence.scenario_id: influence.strength for influence in lever.influences}
            for lever in self.levers
        }
        felt = {slug: setting for slug, setting in settings.items() if slug in influences}
        numbers = model.whole(model.shifted(editors, influences, felt))
        return [
            Shift(scenario, self.urls[scenario.pk], editors[scenario.pk], numbers[scenario.pk])
            for scenario in self.scenarios
        ]

    def description(self, reading: address.Reading, shifts: list[Shift]) -> str:
        """What a shared link to this what-if says under its title."""
        if not reading.settings or not shifts:
            return f"Move the forces at work on {self.topic.title} and see how the editors’ estimates would shift."
        moves = ", ".join(f"{shift.name} {shift.editors} → {shift.shifted} %" for shift in shifts)
        return f"{self.question(reading)} {moves}."


def situations(topics: Iterable[Topic], visibility: Visibility, factors: Mapping[str, str]) -> list[Situation]:
    """Each topic's situation, in three queries however many topics; `factors` names every force
    ({slug: name}), for the sentences about those that do not act on a topic."""
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
        built.append(
            Situation(
                levers=levers,
                inert=inert,
                topic=topic,
                scenarios=mine,
                urls={scenario.pk: scenario.get_absolute_url() for scenario in mine},
                url=topic.get_absolute_url(),
                whatif_url=reverse("whatif_topic", kwargs={"topic": topic.slug}),
            )
        )
    return built


def _levers(scenarios: Iterable[Scenario]) -> list[Lever]:
    """The forces acting on these scenarios (influences prefetched), in the forces' order."""
    return [Lever(factor, influences) for factor, influences in influences_by_factor(scenarios)]


def _factor_names() -> dict[str, str]:
    return {factor.slug: factor.name for factor in Factor.objects.only("slug", "name")}


@dataclass(frozen=True)
class Matrix(Forces):
    """Every visible topic's situation, and the forces that act across topics."""

    outcomes: list[Outcome]
    rows: list[Situation]

    @classmethod
    def build(cls, visibility: Visibility) -> Matrix:
        factors = _factor_names()
        rows = situations(Topic.objects.visible(visibility).only(*TOPIC_FIELDS), visibility, factors)
        levers = _levers(scenario for row in rows for scenario in row.scenarios)
        crossing = [lever for lever in levers if len(lever.topics) >= CROSSING_AT_LEAST]
        offered = {lever.factor.slug for lever in crossing}
        inert = {
            slug: f"{name} acts on one topic at most, so it is not on this page: try it on the topic’s what-if."
            for slug, name in factors.items()
            if slug not in offered
        }
        return cls(levers=crossing, inert=inert, outcomes=list(Outcome.objects.all()), rows=rows)

    def cells(self, settings: Mapping[str, int]) -> list[tuple[Situation, str, list[Cell]]]:
        """Each topic, the query of its own what-if with these settings, and its outcomes in the
        matrix's columns: the scenario (None if it has none there) and its shift (None while the
        topic has a `problem`)."""
        table = []
        for row in self.rows:
            scenarios = {scenario.outcome_id: scenario for scenario in row.scenarios}
            shifts = {shift.scenario.outcome_id: shift for shift in row.shifts(settings)}
            cells = [(scenarios.get(outcome.pk), shifts.get(outcome.pk)) for outcome in self.outcomes]
            table.append((row, row.query(settings), cells))
        return table

    @property
    def unmoved(self) -> list[Situation]:
        """The topics whose numbers cannot be moved, each with its `problem`."""
        return [row for row in self.rows if row.problem]


Cell = tuple[Scenario | None, Shift | None]
