"""The API's rate limit: API_RATE_LIMIT requests a minute from one client address, for every
address under /api/v1/ (answers from the cache included); more is answered 429 with Retry-After.

A middleware rather than django-ninja's per-operation throttle, so that it counts before anything
else runs (the cache, a 404) and so that its 429 still passes through django-cors-headers: a page
on another site can read the Retry-After."""

import math
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja.throttling import AnonRateThrottle

PREFIX = "/api/v1/"


class PerMinute(AnonRateThrottle):
    """Requests a minute per client address (django-ninja's counting, in the shared cache; the
    address is REMOTE_ADDR, or behind the proxy the one it added: NINJA_NUM_PROXIES)."""

    def __init__(self) -> None:
        super().__init__(f"{settings.API_RATE_LIMIT}/m")  # read when asked, so tests may change it


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(PREFIX):
            throttle = PerMinute()
            if not throttle.allow_request(request):
                response = JsonResponse(
                    {"detail": f"Too many requests: {settings.API_RATE_LIMIT} a minute from one address."}, status=429
                )
                response["Retry-After"] = str(max(1, math.ceil(throttle.wait() or 60)))
                return response
        return self.get_response(request)
