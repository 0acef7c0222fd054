"""The site's own address, for links that leave the page: canonical, og:url, "Copy link", emails.

In production it is DIPLOMACY_SITE_URL. In development (DEBUG without DIPLOMACY_SITE_URL) it
follows the address each request came in on, so a second port (`make run PORT=8100`) or a LAN
address just works; ALLOWED_HOSTS still decides which hosts are answered at all.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_current: ContextVar[str | None] = ContextVar("site_url", default=None)


def site_url() -> str:
    """The address of the site, without a trailing slash."""
    return _current.get() or settings.SITE_URL


class SiteURLMiddleware:
    """Sets the site's address for this request, when settings.SITE_URL_FROM_REQUEST."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.SITE_URL_FROM_REQUEST:
            return self.get_response(request)
        token = _current.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
