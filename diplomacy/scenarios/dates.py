"""When content last changed, and how current its estimates are: what pages date themselves by."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol


class _Dated(Protocol):
    updated_at: datetime


class _Estimated(Protocol):
    likelihood: int | None
    estimated_at: datetime | None


def last_updated(topic: _Dated, scenarios: Iterable[_Dated]) -> datetime:
    """A topic was last updated when it, or any scenario shown with it, last changed."""
    return max([topic.updated_at, *(scenario.updated_at for scenario in scenarios)])


def estimates_as_of(scenarios: Iterable[_Estimated]) -> datetime | None:
    """The newest date among the estimates shown (None when nothing is estimated)."""
    return max((s.estimated_at for s in scenarios if s.likelihood is not None and s.estimated_at), default=None)
