"""Template context shared by every page."""

from functools import cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from diplomacy.core.site import site_url

# What every page's head, header and footer link to. Reversing an address and looking up a
# hashed static file cost about 50 µs each, some 0.9 ms a page for these eighteen: more than
# the rest of the frame. They are the same for every request, so they are found once a process.
LINKED = [
    "home", "topics", "developments", "explore", "scores", "my_annotations", "my_estimates", "notifications", "logout", "login",
    "signup", "development_feed", "scenario_feed", "annotation_feed",
]  # fmt: skip
ASSETS = {
    "css": "css/site.css",
    "favicon": "img/favicon.svg",
    "htmx": "vendor/htmx/htmx-2.0.11.min.js",
    "js": "js/site.js",
}


@cache
def _frame() -> dict[str, dict[str, str]]:
    return {
        "links": {name: reverse(name) for name in LINKED},
        "assets": {name: static(path) for name, path in ASSETS.items()},
    }


def site(request):
    return {"site_name": settings.SITE_NAME, "site_url": site_url(), **_frame()}
