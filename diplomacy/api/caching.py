"""The API's answers from the cache, under the site's one rule (diplomacy/core/cache.py).

An answer is the same for everyone (public data only, cookies ignored), so it is stored whole,
under a key of the scopes it shows with their tokens and its full address (filters, cursor and
limit included); a change bumps the scopes that show it and the next request builds it afresh.
Which scopes each endpoint shows:

- anything editors curate (topics, outcomes, scenarios, factors, sources, developments, estimates):
  ``editorial``;
- the community's estimate: on a topic and its history ``community:<topic>`` (numbers and the
  count of readers); in the list of topics only the numbers the matrix shows, ``community``;
- public annotations and replies: ``topic:<topic>`` when filtered to one topic, else
  ``annotations`` (every public change bumps both). They also need ``editorial``: publishing or
  unpublishing a scenario shows or hides its annotations.

Only an address whose parts are of the right form is cached (a scope is named by a slug); anything
else goes on to be refused (400) uncached.
"""

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from diplomacy.core.cache import (
    ANNOTATIONS,
    COMMUNITY,
    EDITORIAL,
    community_scope,
    key,
    store_response,
    stored_response,
    topic_scope,
)

from .params import SLUG

Shows = Callable[[HttpRequest, dict[str, Any]], list[str] | None]
_SLUG = re.compile(SLUG)


def _slug(value: object) -> str | None:
    return value if isinstance(value, str) and _SLUG.match(value) else None


def editorial(request: HttpRequest, path: dict[str, Any]) -> list[str]:
    return [EDITORIAL]


def topic_list(request: HttpRequest, path: dict[str, Any]) -> list[str]:
    return [EDITORIAL, COMMUNITY]


def one_topic(request: HttpRequest, path: dict[str, Any]) -> list[str] | None:
    topic = _slug(path.get("topic"))
    return [EDITORIAL, community_scope(topic)] if topic else None


def annotations(request: HttpRequest, path: dict[str, Any]) -> list[str] | None:
    if "topic" not in request.GET:
        return [EDITORIAL, ANNOTATIONS]
    topic = _slug(request.GET["topic"])
    return [EDITORIAL, topic_scope(topic)] if topic else None


def cached(shows: Shows) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Wrap an operation's run (django-ninja's `decorate_view`): a 200 is stored with its headers
    and ETag, and served as stored until what it shows changes."""

    def decorator(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(run)
        def answer(request: HttpRequest, **path: Any) -> HttpResponse:
            scopes = shows(request, path)
            if scopes is None:
                return run(request, **path)
            cache_key = key(request, "api", scopes, request.get_full_path())
            if (stored := stored_response(cache_key)) is not None:
                return stored
            response = run(request, **path)
            if response.status_code == 200:
                # Clients revalidate (a 304 while the ETag holds); caches in front keep nothing,
                # since CORS headers are added per request.
                patch_cache_control(response, no_cache=True)
                store_response(cache_key, response)
            return response

        return answer

    return decorator
