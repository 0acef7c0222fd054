"""The community estimate: the recency-weighted median of readers' current estimates.

As Metaculus aggregates multiple-choice questions: forecasters are ordered by when they last
updated, oldest first; the n-th of N is weighted e^(√n − √N), so the newest weighs 1 and
older ones less (no weighting when N ≤ 2: every estimate weighs 1). Each outcome's number is
the weighted median of the readers' numbers for it, and the medians are scaled back to add up
to 100. Plain Python, no Django.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

FULL = 100.0
Key = TypeVar("Key", bound=Hashable)
SHOWN_FROM = 5  # readers needed before the community estimate is shown


@dataclass(frozen=True)
class ReaderEstimate:
    """One reader's current estimate: when they last set it, and a number per outcome."""

    updated_at: datetime
    numbers: Mapping[str, float]


def weights(count: int) -> list[float]:
    """The weight of each of `count` estimates ordered oldest first."""
    if count <= 2:
        return [1.0] * count
    return [math.exp(math.sqrt(n) - math.sqrt(count)) for n in range(1, count + 1)]


def weighted_median(values: Sequence[float], weights_: Sequence[float]) -> float:
    """The value at half the total weight: the smallest value whose cumulative weight reaches half;
    when it reaches exactly half, the mean of that value and the next (as the plain median of an
    even count)."""
    if not values or len(values) != len(weights_):
        raise ValueError("a weighted median needs as many weights as values, and at least one")
    order = sorted(range(len(values)), key=values.__getitem__)  # indices by value: cheaper than sorting pairs
    half = sum(weights_) / 2
    running = 0.0
    last = len(order) - 1
    for index, at in enumerate(order):
        running += weights_[at]
        if index < last and math.isclose(running, half, rel_tol=1e-12):
            return (values[at] + values[order[index + 1]]) / 2
        if running > half:
            return values[at]
    return values[order[-1]]


def community(estimates: Sequence[ReaderEstimate], outcomes: Sequence[str]) -> dict[str, float] | None:
    """Each outcome's community number (adding up to 100), or None before anyone has estimated."""
    ordered = sorted(estimates, key=lambda estimate: estimate.updated_at)
    return of_ordered([estimate.numbers for estimate in ordered], outcomes)


def of_ordered(numbers: Sequence[Mapping[str, float]], outcomes: Sequence[str]) -> dict[str, float] | None:
    """`community` of estimates already ordered by when they were last updated, oldest first (as
    the database can hand them over: the sort is then not done twice)."""
    if not numbers:
        return None
    weight = weights(len(numbers))
    medians = {outcome: weighted_median([one.get(outcome, 0.0) for one in numbers], weight) for outcome in outcomes}
    total = sum(medians.values())
    if total <= 0:
        return {outcome: FULL / len(outcomes) for outcome in outcomes}
    return {outcome: FULL * median / total for outcome, median in medians.items()}


def whole(numbers: Mapping[Key, float]) -> dict[Key, int]:
    """Whole numbers adding up to 100 (largest remainder; ties go to the outcome listed first)."""
    floors = {outcome: math.floor(value) for outcome, value in numbers.items()}
    left = round(FULL) - sum(floors.values())
    # Remainders rounded, so that float noise (30.6 - 30 = 0.6000000000000014) breaks no tie.
    by_remainder = sorted(numbers, key=lambda outcome: -round(numbers[outcome] - floors[outcome], 9))
    for outcome in by_remainder[:left]:
        floors[outcome] += 1
    return floors
