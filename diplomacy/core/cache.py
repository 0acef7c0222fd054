"""Caching pages and pieces of pages, under one rule.

THE RULE. Whatever is cached (a whole page for anonymous readers, a fragment shared
by signed-in readers, a preview image) is stored under a key made of the current
tokens of the *scopes* it shows, plus, when what it shows depends on who may see
drafts, the same `Visibility` value its build was given; a change gives new tokens
to exactly the scopes that show it (diplomacy/core/signals.py), so a change
invalidates only the things that show it, and nothing is ever deleted by hand: old
keys are simply never asked for again and the cache's LRU drops them.

The scopes, and why these:

- ``editorial``: everything editors curate (topics, outcomes, scenarios, factors,
  influences, sources). A title or a likelihood shows on the home page, the matrix,
  neighbouring topics, the explorer, comparisons, feeds and previews; one scope for
  all of it means no page can miss a change, and editors change things a few times a
  day, so rebuilding pages after each costs nothing that matters.
- ``topic:<slug>`` and ``scenario:<topic>/<slug>``: what readers add, which is
  frequent and local. A public annotation (new, edited, hidden, restored, deleted,
  made public or private) changes its scenario's page and thread (``scenario:``), its
  topic's counts and per-topic feed (``topic:``), and the site-wide feed
  (``annotations``); pages of other scenarios and topics keep their keys. Private
  annotations, flags, sessions and logins change nothing another person sees, so
  they bump nothing.
- ``community:<slug>`` and ``community``: readers' estimates. A save changes its topic's
  stored community estimate, which its topic page and scenario pages show (numbers, "N
  readers so far", the chart's community lines): ``community:<slug>``, bumped only when
  what they show changed. The matrix (home, /topics/) shows the community's numbers once
  there are enough readers: ``community``, bumped only when a shown number changed.
  A reader's own estimate shows to them alone, on pages never cached.
- ``reader:<id>``: what one signed-in reader alone sees of their own, cached for them
  (their estimate beside the editors' and the community's): their saves bump it.
- ``scores``: /scores/, which resolutions (editorial) and readers' choice to be named on
  it change.
- ``epoch``: part of every key; bulk loads that bypass signals bump it.

Every key also carries the release (a digest of the code and templates), so a deploy
never serves what an older release rendered; the site's address, which links on pages
carry; and the day, since history charts run up to today.

Scopes are named by slugs, as pages are addressed, so a page's key needs no lookup:
one query reads the tokens (diplomacy/core/models.py), once per request.

Anonymous readers get whole pages from the cache (`cached_page`); the response is
stored as the view returned it and every middleware runs on a hit as on a miss, so
a cached response equals a fresh one but for ``X-Cache``. Such pages tell caches in
front of the app (nginx, a CDN) they may keep them for a short while
(``Cache-Control: public``); anything a signed-in reader gets is ``private``.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from pathlib import Path
from threading import Lock
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.crypto import salted_hmac

from diplomacy.core.site import site_url

from .models import EPOCH, Version

EDITORIAL = "editorial"
ANNOTATIONS = "annotations"
COMMUNITY = "community"
SCORES = "scores"
TIMEOUT = 60 * 60 * 24
# htmx's request headers change what a page answers (a fragment, not the page).
VARYING_HEADERS = ("HX-Request", "HX-History-Restore-Request")

T = TypeVar("T")


def topic_scope(topic: str) -> str:
    return f"topic:{topic}"


def community_scope(topic: str) -> str:
    return f"community:{topic}"


def reader_scope(pk: int) -> str:
    """What one signed-in reader alone sees of their own (their estimates): bumped when they change."""
    return f"reader:{pk}"


def stand_in(what: str) -> str:
    """Put in place of `what` in something cached for many (a reader's CSRF token) or with fewer scopes
    than `what` needs (a count in a page's cached part), and replaced when served. Derived from the
    secret key, so that nobody can write it into content."""
    return "stand-in-" + salted_hmac("diplomacy.core.cache", what).hexdigest()


def csrf_stand_in() -> str:
    """Put in place of the CSRF token in a fragment rendered once for many readers, and replaced with
    each reader's own when served."""
    return "csrf-" + stand_in("csrf stand-in")


def scenario_scope(topic: str, scenario: str) -> str:
    return f"scenario:{topic}/{scenario}"


def _release() -> str:
    """A digest of the code and templates: a deploy that changes how anything is rendered, or
    the shape of what is cached, starts with keys no earlier release used."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for path in sorted([*root.joinpath("diplomacy").rglob("*.py"), *root.joinpath("templates").rglob("*.html")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RELEASE = _release()


def tokens(request: HttpRequest | None, scopes: Iterable[str]) -> str:
    """Each scope (and the epoch) with its current token, read from the database at most once per
    request and scope. What shows no content (no scopes) needs none."""
    wanted = sorted({*scopes, EPOCH}) if scopes else []
    known: dict[str, str] = request.__dict__.setdefault("_cache_tokens", {}) if request else {}
    if missing := [scope for scope in wanted if scope not in known]:
        known |= Version.tokens(missing)
    return "|".join(f"{scope}={known[scope]}" for scope in wanted)


def key(request: HttpRequest | None, name: str, scopes: Iterable[str], *parts: object) -> str:
    """The one way a cache key is made: what is cached, the code that renders it, each scope it
    shows with its token, the site's address (its links carry it), the day (history charts run up
    to today), and whatever else it depends on (a `Visibility`, a page number)."""
    day = timezone.localdate().isoformat()
    detail = ":".join([tokens(request, list(scopes)), site_url(), day, *(str(part) for part in parts)])
    # Short keys, safe for any backend, however long a query string or a slug.
    return f"{name}:{RELEASE}:{hashlib.sha256(detail.encode()).hexdigest()}"


def fragment(
    request: HttpRequest | None, name: str, scopes: Iterable[str], build: Callable[[], T], *parts: object
) -> T:
    """A piece shared by every reader who asks with the same `parts`: rebuilt only after a
    change to what it shows. Nothing is stored when `build` returns None (not found)."""
    cache_key = key(request, name, scopes, *parts)
    value: T = cache.get(cache_key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(cache_key, value, TIMEOUT)
    return value


class _Recent:
    """The last few values read through `kept`, in this process: a bounded LRU, safe across the
    threads of a worker."""

    def __init__(self, size: int) -> None:
        self.size, self.values, self.lock = size, OrderedDict[str, Any](), Lock()

    def get(self, cache_key: str) -> Any:
        with self.lock:
            value = self.values.get(cache_key)
            if value is not None:
                self.values.move_to_end(cache_key)
            return value

    def put(self, cache_key: str, value: Any) -> None:
        with self.lock:
            self.values[cache_key] = value
            if len(self.values) > self.size:
                self.values.popitem(last=False)


# A topic's what-if situation is some tens of KB in memory: 512 of them (100 topics, each as
# readers and as editors see it, and older tokens' leftovers) stay well within a worker's budget.
KEPT = _Recent(512)


def kept(request: HttpRequest | None, name: str, scopes: Iterable[str], build: Callable[[], T], *parts: object) -> T:
    """`fragment`, also kept in this process under the same key, for an object read on every request
    whose unpickling would cost more than using it (a what-if's situation). The key carries the
    scopes' tokens, so a change is seen at once, as by `fragment`; callers must not change the value."""
    cache_key = key(request, name, scopes, *parts)
    value: T = KEPT.get(cache_key)
    if value is None:
        value = fragment(request, name, scopes, build, *parts)
        if value is not None:
            KEPT.put(cache_key, value)
    return value


def fragments(
    request: HttpRequest | None,
    name: str,
    scopes: Iterable[str],
    pieces: Sequence[tuple[tuple[object, ...], Callable[[], T]]],
) -> list[T]:
    """Several pieces of one kind, each with its parts and its build, in one round trip to the cache."""
    keys = [key(request, name, scopes, *parts) for parts, _ in pieces]
    found = cache.get_many(keys)
    built = {cache_key: build() for cache_key, (_, build) in zip(keys, pieces, strict=True) if cache_key not in found}
    if built:
        cache.set_many(built, TIMEOUT)
    return [found[cache_key] if cache_key in found else built[cache_key] for cache_key in keys]


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    """A response the same for every anonymous reader: nothing set for this one visitor."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.session.modified
    )


def public(response: HttpResponse) -> HttpResponse:
    """Let caches in front of the app (nginx, a CDN, browsers) keep what is the same for everyone
    for a short while, and serve it stale while they fetch it again."""
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PAGE_MAX_AGE,
        stale_while_revalidate=settings.PAGE_STALE_WHILE_REVALIDATE,
    )
    return response


def shared(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """`response` marked public if it is the same for every anonymous reader (as `cached_page` would
    store it), else private."""
    anonymous = not request.user.is_authenticated and "messages" not in request.COOKIES
    if anonymous and _storable(request, response):
        return public(response)
    patch_cache_control(response, private=True, no_cache=True)
    return response


def stored_response(cache_key: str) -> HttpResponse | None:
    """The response stored under `cache_key` (by `store_response`), marked ``X-Cache: hit``; None if none."""
    stored = cache.get(cache_key)
    if stored is None:
        return None
    status, content, headers = stored
    response = HttpResponse(content, status=status, headers=headers)
    response["X-Cache"] = "hit"
    return response


def store_response(cache_key: str, response: HttpResponse) -> None:
    """Keep a whole response (status, body, headers, and its ETag, computed once rather than on every
    hit) for `stored_response`; the response itself is marked ``X-Cache: miss``."""
    set_response_etag(response)
    cache.set(cache_key, (response.status_code, response.content, dict(response.items())), TIMEOUT)
    response["X-Cache"] = "miss"


def cached_page(shows: Callable[..., Iterable[str]]):
    """Serve anonymous readers this view's page from the cache.

    `shows(**url_kwargs)` names the scopes the page shows. Signed-in readers, and readers
    with a message waiting (the messages cookie), always get a fresh, private page.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            shared = (
                request.method in ("GET", "HEAD")
                and not request.user.is_authenticated
                and "messages" not in request.COOKIES
            )
            if not shared:
                if request.method in ("GET", "HEAD"):  # what the page's fragments will ask for, in one query
                    own = [reader_scope(request.user.pk)] if request.user.is_authenticated else []
                    tokens(request, [*shows(**kwargs), *own])
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True, no_cache=True)
                return response
            varying = "|".join(request.headers.get(name, "") for name in VARYING_HEADERS)
            name = getattr(view, "__name__", type(view).__name__)
            cache_key = key(request, f"page:{name}", shows(**kwargs), request.get_full_path(), varying)
            if (stored := stored_response(cache_key)) is not None:
                return public(stored)
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()
            if not _storable(request, response):
                patch_cache_control(response, private=True, no_cache=True)
                return response
            store_response(cache_key, response)
            return public(response)

        return wrapped

    return decorator
