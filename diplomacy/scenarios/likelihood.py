"""Arithmetic on editors' likelihood estimates: a topic's estimates are a distribution."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

FULL = 100
K = TypeVar("K")


def total(estimates: Iterable[int | None]) -> int:
    """The sum of the estimates that have been made."""
    return sum(value for value in estimates if value is not None)


def is_complete(estimates: Iterable[int | None]) -> bool:
    """True when every outcome has an estimate."""
    values = list(estimates)
    return bool(values) and all(value is not None for value in values)


def distribution_problem(estimates: Iterable[int | None]) -> str | None:
    """Say what is wrong with a topic's estimates as a distribution, or None.

    Partial estimates may add up to at most 100 %; complete ones to exactly 100 %.
    """
    values = list(estimates)
    out_of_range = [value for value in values if value is not None and not 0 <= value <= FULL]
    if out_of_range:
        return f"estimates must be between 0 and {FULL} %, not {out_of_range[0]}"
    summed = total(values)
    if is_complete(values) and summed != FULL:
        return f"the estimates add up to {summed} %, not {FULL} %"
    if summed > FULL:
        return f"the estimates already add up to {summed} %, more than {FULL} %"
    return None


def leading(estimates: dict[K, int | None]) -> K | None:
    """The key of the highest estimate (the first one on a tie), or None if none is made."""
    made = {key: value for key, value in estimates.items() if value is not None}
    if not made:
        return None
    return max(made, key=lambda key: made[key])
