"""The compare page's table as plain data: scenarios in reading order, rows that line up across them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.http import urlencode

from .models import Factor, Influence, Scenario, Topic

COMPARE_MAX = 4  # more columns than this no longer fit side by side


def reading_order(scenarios: Iterable[Scenario]) -> list[Scenario]:
    """Topic by topic, as topics are listed, and within a topic the best outcome first; otherwise
    as given (a stable sort)."""
    return sorted(
        scenarios,
        key=lambda s: (s.topic.order, s.topic.title, s.topic.pk or 0, s.outcome.order, s.outcome.name),
    )


def query(refs: Sequence[str]) -> str:
    """The compare page's query string for these scenarios (topic/scenario), with its "?", or ""."""
    return "?" + urlencode([("s", ref) for ref in refs]) if refs else ""


def first_paragraph(text: str) -> tuple[str, bool]:
    """A narrative's first paragraph, and whether more follows."""
    paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
    return (paragraphs[0] if paragraphs else ""), len(paragraphs) > 1


@dataclass(frozen=True)
class Push:
    """How one factor pushes one scenario: its strength in arrows and in words, and why."""

    strength: int
    reason: str

    @property
    def helps(self) -> bool:
        return self.strength > 0

    @property
    def arrows(self) -> str:
        return ("▲" if self.helps else "▼") * abs(self.strength)

    @property
    def words(self) -> str:
        return str(Influence.Strength(self.strength).label)


@dataclass(frozen=True)
class FactorRow:
    """One factor, and its push on the scenario of each column (None where it does not act)."""

    factor: Factor
    cells: tuple[Push | None, ...]


def factor_rows(columns: Sequence[Iterable[Influence]]) -> list[FactorRow]:
    """One row per factor acting on any column's scenario, in factor order, with one cell per column."""
    factors: dict[int, Factor] = {}
    pushes: dict[tuple[int, int], Push] = {}
    for index, influences in enumerate(columns):
        for influence in influences:
            factors.setdefault(influence.factor_id, influence.factor)
            pushes[influence.factor_id, index] = Push(influence.strength, influence.reason)
    ordered = sorted(factors.items(), key=lambda item: (item[1].order, item[1].name, item[0]))
    return [
        FactorRow(factor, tuple(pushes.get((pk, index)) for index in range(len(columns)))) for pk, factor in ordered
    ]


@dataclass(frozen=True)
class Column:
    """One compared scenario, with what its column shows beyond the scenario itself."""

    scenario: Scenario
    lead: str  # the first paragraph of its narrative
    more: bool  # whether the narrative goes on after it
    remove: str  # the query string of the comparison without this scenario


@dataclass(frozen=True)
class Addition:
    """Scenarios of one topic a reader may add, each with the query string of the comparison with it."""

    topic: Topic
    links: list[tuple[Scenario, str]]


@dataclass(frozen=True)
class Comparison:
    columns: list[Column]
    factors: list[FactorRow]

    @property
    def refs(self) -> list[str]:
        return [column.scenario.ref for column in self.columns]

    @property
    def query(self) -> str:
        return query(self.refs)

    @property
    def full(self) -> bool:
        return len(self.columns) >= COMPARE_MAX

    def additions(self, candidates: Iterable[Scenario]) -> list[Addition]:
        """The candidates not already compared, grouped by topic in reading order; none when full."""
        if self.full:
            return []
        compared = {column.scenario.pk for column in self.columns}
        scenarios = [column.scenario for column in self.columns]
        groups: dict[int, Addition] = {}
        for candidate in reading_order(c for c in candidates if c.pk not in compared):
            refs = [s.ref for s in reading_order([*scenarios, candidate])]
            groups.setdefault(candidate.topic.pk, Addition(candidate.topic, [])).links.append((candidate, query(refs)))
        return list(groups.values())


def compare_rows(scenarios: Iterable[Scenario]) -> Comparison:
    """The comparison of these scenarios (their influences prefetched): a column each, in reading
    order, and a row for each factor acting on any of them."""
    ordered = reading_order(scenarios)
    refs = [scenario.ref for scenario in ordered]
    columns = [
        Column(scenario, *first_paragraph(scenario.narrative), query([r for r in refs if r != scenario.ref]))
        for scenario in ordered
    ]
    return Comparison(columns, factor_rows([scenario.influences.all() for scenario in ordered]))
