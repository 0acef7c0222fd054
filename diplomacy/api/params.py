"""The API's query and path parameters, strict about their form: what is not a slug, a whole
number or an ISO 8601 date is a 400 naming the parameter, before any query runs (PostgreSQL
refuses a NUL byte in text, and a time zone offset past ±15:59, with an error, not a miss)."""

import datetime
import re
from typing import Annotated, Any

from django.utils import timezone
from ninja import Path, Query
from pydantic import AfterValidator, BeforeValidator

from .pages import DEFAULT_LIMIT, MAX_LIMIT

SLUG = r"^[-a-zA-Z0-9_]+$"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WHOLE = re.compile(r"\d+")


def _iso(value: Any) -> Any:
    """Dates as ISO 8601 text only (pydantic would also take a number as a Unix time)."""
    if isinstance(value, str) and not ISO_DATE.match(value):
        raise ValueError("expected an ISO 8601 date, or date and time, such as 2026-11-01 or 2026-11-01T09:30:00Z")
    return value


def _utc(value: datetime.datetime | datetime.date | None) -> datetime.datetime | None:
    """The moment in UTC (a date: its start, on the site's clock)."""
    if value is None:
        return None
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    try:
        return (timezone.make_aware(value) if timezone.is_naive(value) else value).astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError("out of the range of dates") from None


def _whole(value: Any) -> Any:
    if isinstance(value, str) and not WHOLE.fullmatch(value):
        raise ValueError("expected a whole number")
    return value


def slug(description: str) -> Any:
    return Path(pattern=SLUG, max_length=80, description=description)


Since = Annotated[
    datetime.datetime | datetime.date | None,
    BeforeValidator(_iso),
    AfterValidator(_utc),
    Query(None, description="Only what was written or changed from then on: an ISO 8601 date, or date and time."),
]
Limit = Annotated[
    int,
    BeforeValidator(_whole),
    Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items a page holds, 1 to {MAX_LIMIT}."),
]
Cursor = Annotated[
    str | None,
    Query(None, pattern=r"^[A-Za-z0-9_-]+$", description="Where a page starts: only as a `next` address gives it."),
]
TopicFilter = Annotated[str | None, Query(None, pattern=SLUG, max_length=80, description="A topic's slug.")]
OutcomeFilter = Annotated[str | None, Query(None, pattern=SLUG, max_length=80, description="An outcome's slug.")]
ScenarioFilter = Annotated[
    str | None,
    Query(
        None,
        pattern=SLUG,
        max_length=80,
        description="A scenario's slug: with `topic`, that one scenario; alone, that slug on every topic.",
    ),
]

__all__ = ["DEFAULT_LIMIT", "Cursor", "Limit", "OutcomeFilter", "ScenarioFilter", "Since", "TopicFilter", "slug"]
