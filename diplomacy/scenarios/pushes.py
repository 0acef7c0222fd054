"""How a factor moves a topic's outcomes, read as what it is: towards some, away from others.

Influences shift likelihood between the outcomes of a topic (their estimates are a distribution),
so a factor that pushes every outcome the same way moves nothing: `one_way` finds such a factor,
and the seed loader and the admin refuse it with `one_way_problem`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Influence


@dataclass(frozen=True)
class Pushes:
    """One factor's influences on one topic: those that make an outcome more likely (towards) and
    those that make one less likely (away), each strongest first, then in outcome order."""

    towards: list[Influence]
    away: list[Influence]

    @property
    def influences(self) -> list[Influence]:
        """All of them, in the order the sentence names them."""
        return [*self.towards, *self.away]


def pushes(influences: Iterable[Influence]) -> Pushes:
    """Group one factor's influences on one topic (each with scenario.outcome loaded)."""
    ordered = sorted(
        influences,
        key=lambda influence: (
            -abs(influence.strength),
            influence.scenario.outcome.order,
            influence.scenario.outcome.name,
        ),
    )
    return Pushes(
        towards=[influence for influence in ordered if influence.strength > 0],
        away=[influence for influence in ordered if influence.strength < 0],
    )


def one_way(strengths: Collection[int | None], scenarios: int) -> int:
    """1 if these strengths, one factor's on a topic with this many scenarios, push every one of them
    up; -1 if every one down; else 0. A topic of one scenario is left alone: it is still being written."""
    if scenarios < 2 or len(strengths) < scenarios:
        return 0
    if all(strength is not None and strength > 0 for strength in strengths):
        return 1
    if all(strength is not None and strength < 0 for strength in strengths):
        return -1
    return 0


def one_way_problem(factor: str, topic: str, direction: int) -> str:
    """Why a factor that pushes every outcome of a topic one way (`one_way`) is refused."""
    return (
        f"{factor} pushes every outcome of {topic} {'up' if direction > 0 else 'down'}, which changes nothing: "
        "influences move likelihood between outcomes, so at least one outcome must be pushed the other way "
        "or not at all."
    )
