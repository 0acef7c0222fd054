"""The what-if pages: a topic's forces to move, and every topic's outcomes moving together."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from diplomacy.core.cache import EDITORIAL, fragment, kept, shared
from diplomacy.core.htmx import wants_fragment
from diplomacy.scenarios import previews
from diplomacy.scenarios.meta import PageMeta
from diplomacy.scenarios.models import EVERYONE, Topic, Visibility

from . import address
from .address import Reading
from .model import SETTINGS
from .pages import Forces, Matrix, Situation

# A what-if page (or preview) is stored only at its canonical address with at most this many
# forces moved: the links the site offers ("What if Congress resists less?"), 1 + 4 × forces a
# topic. Any other address is computed afresh (well under a millisecond) and marked private, so
# inventing addresses fills neither this cache nor one in front of the app.
CACHED_MOVED_AT_MOST = 1
STEPS = list(address.LABELS.items())
T = TypeVar("T")


@require_safe
@vary_on_headers("HX-Request")
def topic_whatif(request: HttpRequest, topic: str) -> HttpResponse:
    visibility = Visibility.of(request.user)
    situation = _situation(request, topic, visibility)
    if situation is None:
        return _renamed(request, topic, "whatif_topic")
    reading = situation.read(dict(request.GET.lists()))
    shifts = situation.shifts(reading.settings)
    context = {
        "situation": situation,
        "reading": reading,
        "chosen": situation.chosen(reading),
        "levers": _levers(request, situation, reading, topic, visibility),
        "shifts": shifts,
        "meta": PageMeta(
            title=f"What if…? {situation.topic.title}",
            description=situation.description(reading, shifts),
            path=_with_query(situation.whatif_url, reading),
            image_path=_with_query(reverse("whatif_topic_preview", kwargs={"topic": topic}), reading),
        ),
    }
    return _respond(request, "whatif/topic.html", context, (topic, visibility))


@require_safe
@vary_on_headers("HX-Request")
def matrix_whatif(request: HttpRequest) -> HttpResponse:
    visibility = Visibility.of(request.user)
    matrix = _matrix(request, visibility)
    reading = matrix.read(dict(request.GET.lists()))
    context = {
        "matrix": matrix,
        "reading": reading,
        "chosen": matrix.chosen(reading),
        "levers": _levers(request, matrix, reading, visibility, across=True),
        "table": matrix.cells(reading.settings),
        "meta": PageMeta(
            title="What if…? Every topic",
            description="Move the forces that act across topics and see every topic’s outcomes shift together.",
            path=_with_query(reverse("whatif"), reading),
            image_path=_with_query(reverse("whatif_preview"), reading),
        ),
    }
    return _respond(request, "whatif/matrix.html", context, (visibility,))


@require_safe
def topic_whatif_preview(request: HttpRequest, topic: str) -> HttpResponse:
    """The link-preview image of a topic's what-if: its outcomes shifted, against the editors'."""
    situation = _situation(request, topic, EVERYONE)
    if situation is None:
        return _renamed(request, topic, "whatif_topic_preview")
    reading = situation.read(dict(request.GET.lists()))

    def draw() -> bytes:
        bars = [
            previews.Bar(shift.name, shift.shifted, was=shift.editors) for shift in situation.shifts(reading.settings)
        ]
        title = situation.question(reading) or "As the editors see it"
        kicker = f"What if…? {situation.topic.title}"
        return previews.render(kicker=kicker, title=title, bars=bars, site=settings.SITE_NAME)

    return _image(request, reading, "whatif:preview", draw, topic)


@require_safe
def matrix_whatif_preview(request: HttpRequest) -> HttpResponse:
    """The link-preview image of /what-if/: for each topic, the outcome that moved most."""
    matrix = _matrix(request, EVERYONE)
    reading = matrix.read(dict(request.GET.lists()))

    def draw() -> bytes:
        bars = []
        for situation, _query, cells in matrix.cells(reading.settings):
            if shifts := [shift for _scenario, shift in cells if shift]:
                moved = max(shifts, key=lambda shift: (abs(shift.difference), shift.shifted))
                bars.append(previews.Bar(situation.topic.title, moved.shifted, was=moved.editors, note=moved.name))
        title = matrix.summary(reading) or "As the editors see it"
        return previews.render(kicker="What if…? Every topic", title=title, bars=bars, site=settings.SITE_NAME)

    return _image(request, reading, "whatif:matrix-preview", draw)


def _situation(request: HttpRequest, topic: str, visibility: Visibility) -> Situation | None:
    def build() -> Situation | None:
        return Situation.of_topic(topic, visibility)

    return kept(request, "whatif:situation", [EDITORIAL], build, topic, visibility)


def _matrix(request: HttpRequest, visibility: Visibility) -> Matrix:
    def build() -> Matrix:
        return Matrix.build(visibility)

    return kept(request, "whatif:matrix", [EDITORIAL], build, visibility)


def _renamed(request: HttpRequest, topic: str, name: str) -> HttpResponse:
    """301 from a topic's old slug to its what-if (or preview) now, the settings kept; else 404."""
    target = Topic.renamed_from(topic)
    if target is None or target.slug == topic:
        raise Http404("No such topic.")
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse(name, kwargs={"topic": target.slug}) + (f"?{query}" if query else ""), permanent=True)


def _levers(request: HttpRequest, forces: Forces, reading: Reading, *parts: object, across=False) -> list[str]:
    """Each force's control, set as the reading says. Every setting of every control is rendered
    once per change to the content: a page with fresh settings only picks them."""

    def build() -> dict[str, list[str]]:
        return {
            lever.factor.slug: [
                render_to_string(
                    "whatif/_lever.html", {"lever": lever, "setting": setting, "steps": STEPS, "across": across}
                )
                for setting in SETTINGS
            ]
            for lever in forces.levers
        }

    variants = kept(request, "whatif:levers", [EDITORIAL], build, *parts, across)
    return [
        variants[lever.factor.slug][SETTINGS.index(reading.settings.get(lever.factor.slug, 0))]
        for lever in forces.levers
    ]


def _respond(request: HttpRequest, template: str, context: dict, parts: tuple) -> HttpResponse:
    """The result alone for htmx, leaving the canonical address; a plain GET of the form (every force,
    0 included) goes to the canonical address; else the page, its content cached if bounded."""
    reading: Reading = context["reading"]
    if wants_fragment(request):
        return push_url(render(request, f"{template}#result", context), context["meta"].path)
    if _canonical(request, reading) is False:
        return redirect(context["meta"].path)

    def build() -> str:
        return render_to_string(f"{template}#content", context)

    content = _bounded(request, reading, f"whatif:{template}", build, *parts)
    return _marked(request, reading, render(request, template, context | {"content": content}))


def _image(
    request: HttpRequest, reading: Reading, name: str, draw: Callable[[], bytes], *parts: object
) -> HttpResponse:
    """A preview image, at its canonical address only (anything else redirects there)."""
    if request.META.get("QUERY_STRING", "") != reading.query:
        path = request.path + (f"?{reading.query}" if reading.query else "")
        return redirect(path)
    png = _bounded(request, reading, name, draw, *parts)
    return _marked(request, reading, HttpResponse(png, content_type="image/png"))


def _canonical(request: HttpRequest, reading: Reading) -> bool | None:
    """True at the canonical address, False at another way of writing it, None when something in
    the address was ignored (the page says what; it is not redirected, so the message shows)."""
    if reading.ignored:
        return None
    return request.META.get("QUERY_STRING", "") == reading.query


def _cached(request: HttpRequest, reading: Reading) -> bool:
    """Whether this what-if is one of the bounded few that are stored (see CACHED_MOVED_AT_MOST)."""
    return bool(_canonical(request, reading)) and len(reading.settings) <= CACHED_MOVED_AT_MOST


def _bounded(request: HttpRequest, reading: Reading, name: str, build: Callable[[], T], *parts: object) -> T:
    """`build()`, from the cache if this what-if is one that is stored."""
    if _cached(request, reading):
        return fragment(request, name, [EDITORIAL], build, *parts, reading.query)
    return build()


def _marked(request: HttpRequest, reading: Reading, response: HttpResponse) -> HttpResponse:
    """Public when stored and the same for every anonymous reader; else private, so that caches in
    front of the app keep no more what-ifs than the app does."""
    if _cached(request, reading):
        return shared(request, response)
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _with_query(path: str, reading: Reading) -> str:
    return f"{path}?{reading.query}" if reading.query else path
