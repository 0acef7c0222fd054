"""Cursor pagination for the API: every list in a fixed order (by id), a page at a time.

A cursor names the last id of the page before, opaquely (so that clients don't build them, and
the order may change without breaking a client). Anything else given as a cursor is a bad request.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from diplomacy.core.site import site_url

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
PREFIX = "after:"


class BadCursor(ValueError):
    pass


def encode(last: int) -> str:
    return base64.urlsafe_b64encode(f"{PREFIX}{last}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    """The id a cursor names; BadCursor if it names none."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor(cursor) from None
    number = text.removeprefix(PREFIX)
    if not text.startswith(PREFIX) or not number.isascii() or not number.isdigit() or len(number) > 18:
        raise BadCursor(cursor)
    return int(number)


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    next: str | None  # the next page's address, None on the last


def page(request: HttpRequest, queryset: QuerySet, *, cursor: str | None, limit: int) -> Page:
    """The page of `queryset` (in id order) after `cursor`, at most `limit` long."""
    after = decode(cursor) if cursor else 0
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[: limit + 1])
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    query = request.GET.copy()
    query["cursor"] = encode(rows[-1].pk)
    return Page(rows, f"{site_url()}{request.path}?{query.urlencode()}")
