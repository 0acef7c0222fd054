"""A page cache for anonymous readers, safe across workers and app servers.

Pages are stored under a key that carries the content version (one row in the
database), so any change a reader could see invalidates every cached page at once,
in every process, whichever cache backend holds them (Redis when REDIS_URL is set).
Signed-in users always get a fresh render: their pages carry their own CSRF token,
their private annotations and their controls.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from .models import ContentVersion

CACHED_PAGES = {"home", "topics", "topic", "scenario", "explore", "compare"}
TIMEOUT = 60 * 60
VARYING_HEADERS = ("HX-Request", "HX-Target", "HX-History-Restore-Request")
KEPT_HEADERS = ("Content-Type", "Vary", "HX-Push-Url", "Content-Language", "X-Robots-Tag")


def _url_name(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and "messages" not in request.COOKIES
        and _url_name(request.path_info) in CACHED_PAGES
        and not request.user.is_authenticated
    )


def content_version(request: HttpRequest) -> str:
    """The content version, read once per request however many cached pieces ask for it."""
    if not hasattr(request, "_content_version"):
        request._content_version = ContentVersion.current()
    return request._content_version


def _key(request: HttpRequest) -> str:
    varying = "|".join(request.headers.get(name, "") for name in VARYING_HEADERS)
    digest = hashlib.sha256(f"{request.get_full_path()}|{varying}".encode()).hexdigest()
    return f"page:{content_version(request)}:{digest}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable(request):
            return self.get_response(request)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            cache.set(key, (response.content, headers), TIMEOUT)
            response["X-Cache"] = "miss"
        return response


def fragment(request: HttpRequest, name: str, parts: tuple, build):
    """A rendered piece of a page (or anything picklable), kept until the content version changes.

    For what every reader sees alike inside pages that differ per user: the pieces are
    rebuilt only after a change, so signed-in users' pages skip most queries and rendering.
    Nothing is stored when `build` returns None (a page that was not found).
    """
    key = f"fragment:{content_version(request)}:{name}:" + ":".join(str(part) for part in parts)
    value = cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(key, value, TIMEOUT)
    return value
