"""How forces move a topic's outcomes: the what-if model. Plain Python, no Django.

Each influence of a factor on an outcome has a signed strength, −2 … +2 (as editors set them).
A reader sets each factor from −2 ("much weaker") to +2 ("much stronger"); 0 is "as the editors
see it". Each outcome's log-odds then shift by the sum, over factors, of strength × setting × K,
and the distribution is normalised back to 100 %.

Why K = 0.25: one step on a strong influence (strength 2, setting 1) shifts the log-odds by 0.5,
which takes a 30 % outcome to 41 % before normalising and, among four outcomes where nothing
else moves, to about 37 % after: a 7-point move, in the 5–10 points the issue asks for. Two
strong factors both at "much stronger" (a shift of 2) take it to 76 % before normalising and
52 % after: large, never certain.

Editors' numbers of 0 or 100 have no log-odds; once anything moves they are read as FLOOR and
1 − FLOOR, so no outcome reaches 0 or 100. With every factor at 0 the editors' numbers come
back exactly, whatever they are.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import TypeVar

from diplomacy.forecasts.community import whole

__all__ = ["K", "shifted", "shifts", "whole"]  # whole: the displayed numbers, by largest remainder

K = 0.25
FLOOR = 0.005  # 0.5 %: the least (and 1 − FLOOR the most) an outcome is read as once anything moves
SETTINGS = range(-2, 3)  # what a reader may set a factor to
STRENGTHS = range(-2, 3)  # what an influence may be
FULL = 100.0

Outcome = TypeVar("Outcome", bound=Hashable)
Factor = TypeVar("Factor", bound=Hashable)


def shifts(influences: Mapping[Factor, Mapping[Outcome, int]], settings: Mapping[Factor, int]) -> dict[Outcome, float]:
    """Each influenced outcome's log-odds shift: Σ strength × setting × K over the factors set."""
    moved: dict[Outcome, float] = {}
    for factor, setting in settings.items():
        if setting not in SETTINGS:
            raise ValueError(f"A factor is set from -2 to 2, not {setting!r}.")
        for outcome, strength in influences.get(factor, {}).items():
            if strength not in STRENGTHS:
                raise ValueError(f"An influence's strength is from -2 to 2, not {strength!r}.")
            moved[outcome] = moved.get(outcome, 0.0) + strength * setting * K
    return moved


def shifted(
    editors: Mapping[Outcome, float],
    influences: Mapping[Factor, Mapping[Outcome, int]],
    settings: Mapping[Factor, int],
) -> dict[Outcome, float]:
    """The editors' numbers (adding up to 100) as they would be with the factors set so: numbers
    adding up to 100, in the same order. Factors at 0, or acting on none of these outcomes, change
    nothing; unknown outcomes in `influences` are ignored."""
    total = sum(editors.values())
    if not editors or not math.isclose(total, FULL, abs_tol=1e-6) or min(editors.values()) < 0:
        raise ValueError("The editors' numbers must be 0 or more and add up to 100.")
    moved = shifts(influences, settings)
    if not any(moved.get(outcome) for outcome in editors):
        return dict(editors)
    odds = {outcome: _sigmoid(_logit(value / FULL) + moved.get(outcome, 0.0)) for outcome, value in editors.items()}
    scale = sum(odds.values())
    return {outcome: FULL * value / scale for outcome, value in odds.items()}


def _logit(p: float) -> float:
    p = min(max(p, FLOOR), 1 - FLOOR)
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))
