"""Helpers for tests that are not fixtures."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, *, cached: bool = False, **headers) -> int:
    """How many SQL queries a successful GET of `url` runs; by default with an empty cache (the worst case)."""
    if not cached:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    return len(queries.captured_queries)
