"""Scores of an estimate once its topic resolves: Brier and log, averaged over the time each
estimate stood. Plain Python, no Django.

An estimate gives each outcome a number out of 100. When outcome `o` happens:
- the Brier score is the sum over outcomes of (p − h)², p the estimate as a probability and h 1
  for the outcome that happened, 0 for the others: 0 is perfect, 2 the worst;
- the log score is ln(p) of the outcome that happened: 0 is perfect, lower is worse. A 0 there
  would be minus infinity, so probabilities are floored at FLOOR (0.1 %) for this score.
A forecaster who revised their estimate is scored on each version for as long as it stood, from
when it was made to the next version (or the resolution).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

FLOOR = 0.001


def brier(numbers: Mapping[Any, float], happened: Hashable) -> float:
    total = sum(numbers.values())
    return sum((value / total - (1.0 if outcome == happened else 0.0)) ** 2 for outcome, value in numbers.items())


def log_score(numbers: Mapping[Any, float], happened: Hashable) -> float:
    total = sum(numbers.values())
    return math.log(max(numbers.get(happened, 0.0) / total, FLOOR))


@dataclass(frozen=True)
class Version:
    """One version of an estimate and when it was made."""

    made_at: datetime
    numbers: Mapping[Any, float]


def time_averaged(versions: Sequence[Version], happened: Hashable, resolved_at: datetime) -> tuple[float, float] | None:
    """(Brier, log) averaged over the time each version stood before `resolved_at`; None if no
    version was made before it. Versions made at the same moment: the last one listed counts."""
    stood = sorted((v for v in versions if v.made_at < resolved_at), key=lambda v: v.made_at)
    if not stood:
        return None
    ends = [v.made_at for v in stood[1:]] + [resolved_at]
    spans = [(end - version.made_at).total_seconds() for version, end in zip(stood, ends, strict=True)]
    weighted = [(span, version) for span, version in zip(spans, stood, strict=True) if span > 0]
    total = sum(span for span, _ in weighted)
    return (
        sum(span * brier(v.numbers, happened) for span, v in weighted) / total,
        sum(span * log_score(v.numbers, happened) for span, v in weighted) / total,
    )


def time_averaged_numbers(versions: Sequence[Version], resolved_at: datetime) -> dict[Any, float] | None:
    """Each outcome's probability (0–1) averaged over the time each version stood before
    `resolved_at`, as `time_averaged` weighs them: what the calibration chart plots."""
    stood = sorted((v for v in versions if v.made_at < resolved_at), key=lambda v: v.made_at)
    if not stood:
        return None
    ends = [v.made_at for v in stood[1:]] + [resolved_at]
    spans = [((end - v.made_at).total_seconds(), v) for v, end in zip(stood, ends, strict=True)]
    weighted = [(span, v) for span, v in spans if span > 0]
    total = sum(span for span, _ in weighted)
    if not total:
        return None
    outcomes = {outcome for _, v in weighted for outcome in v.numbers}
    return {
        outcome: sum(span * v.numbers.get(outcome, 0.0) / sum(v.numbers.values()) for span, v in weighted) / total
        for outcome in outcomes
    }
