"""The what-if pages: a topic's forces to move, and every topic's outcomes moving together."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from diplomacy.core.cache import EDITORIAL, fragment, kept, public
from diplomacy.core.htmx import wants_fragment
from diplomacy.scenarios import previews
from diplomacy.scenarios.meta import PageMeta
from diplomacy.scenarios.models import EVERYONE, Visibility

from . import address
from .address import Reading
from .model import SETTINGS
from .pages import Lever, Matrix, Situation

# A what-if is cached only at its canonical address and with at most this many factors moved: the
# links the site offers, and most that readers share. Any other address is computed afresh (it
# takes a fraction of a millisecond), so inventing addresses cannot flood the cache.
CACHED_MOVED_AT_MOST = 2
STEPS = list(address.LABELS.items())


@require_safe
@vary_on_headers("HX-Request")
def topic_whatif(request: HttpRequest, topic: str) -> HttpResponse:
    visibility = Visibility.of(request.user)
    situation = _situation(request, topic, visibility)
    reading = situation.read(dict(request.GET.lists()))
    path = _with_query(reverse("whatif_topic", kwargs={"topic": topic}), reading)
    preview = _with_query(reverse("whatif_topic_preview", kwargs={"topic": topic}), reading)
    shifts = situation.shifts(reading.settings)
    context = {
        "situation": situation,
        "reading": reading,
        "chosen": _chosen(situation.levers, reading),
        "levers": _levers(request, situation.levers, reading, topic, visibility),
        "shifts": shifts,
        "meta": PageMeta(
            title=f"What if…? {situation.topic.title}",
            description=_description(situation, reading, shifts),
            path=path,
            image_path=preview,
        ),
    }
    return _respond(request, "whatif/topic.html", context, (topic, visibility))


@require_safe
@vary_on_headers("HX-Request")
def matrix_whatif(request: HttpRequest) -> HttpResponse:
    visibility = Visibility.of(request.user)
    matrix = kept(request, "whatif:matrix", [EDITORIAL], lambda: Matrix.build(visibility), visibility)
    reading = matrix.read(dict(request.GET.lists()))
    context = {
        "matrix": matrix,
        "reading": reading,
        "chosen": _chosen(matrix.levers, reading),
        "levers": _levers(request, matrix.levers, reading, visibility, across=True),
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
    reading = situation.read(dict(request.GET.lists()))

    def draw() -> bytes:
        bars = [
            previews.Bar(shift.scenario.outcome.name, shift.shifted, was=shift.editors)
            for shift in situation.shifts(reading.settings)
        ]
        title = _question(situation.levers, reading) or "As the editors see it"
        return previews.render(
            kicker=f"What if…? {situation.topic.title}", title=title, bars=bars, site=settings.SITE_NAME
        )

    return public(HttpResponse(_bounded(request, reading, "whatif:preview", draw, topic), content_type="image/png"))


@require_safe
def matrix_whatif_preview(request: HttpRequest) -> HttpResponse:
    """The link-preview image of /what-if/: for each topic, the outcome that moved most."""
    matrix = kept(request, "whatif:matrix", [EDITORIAL], lambda: Matrix.build(EVERYONE), EVERYONE)
    reading = matrix.read(dict(request.GET.lists()))

    def draw() -> bytes:
        bars = []
        for situation, _query, cells in matrix.cells(reading.settings):
            if shifts := [shift for _scenario, shift in cells if shift]:
                moved = max(shifts, key=lambda shift: (abs(shift.difference), shift.shifted))
                note = moved.scenario.outcome.name
                bars.append(previews.Bar(situation.topic.title, moved.shifted, was=moved.editors, note=note))
        title = _summary(matrix.levers, reading) or "As the editors see it"
        return previews.render(kicker="What if…? Every topic", title=title, bars=bars, site=settings.SITE_NAME)

    return public(HttpResponse(_bounded(request, reading, "whatif:matrix-preview", draw), content_type="image/png"))


def _situation(request: HttpRequest, topic: str, visibility: Visibility) -> Situation:
    build = lambda: Situation.of_topic(topic, visibility)  # noqa: E731
    situation = kept(request, "whatif:situation", [EDITORIAL], build, topic, visibility)
    if situation is None:
        raise Http404("No such topic.")
    return situation


def _levers(request: HttpRequest, levers: list[Lever], reading: Reading, *parts: object, across=False) -> list[str]:
    """Each factor's control, set as the reading says. Every setting of every control is rendered
    once per change to the content: a page with fresh settings only picks them."""

    def build() -> dict[str, list[str]]:
        def render_one(lever: Lever, setting: int) -> str:
            context = {"lever": lever, "setting": setting, "steps": STEPS, "across": across}
            return render_to_string("whatif/_lever.html", context)

        return {lever.factor.slug: [render_one(lever, setting) for setting in SETTINGS] for lever in levers}

    variants = kept(request, "whatif:levers", [EDITORIAL], build, *parts, across)
    return [variants[lever.factor.slug][SETTINGS.index(reading.settings.get(lever.factor.slug, 0))] for lever in levers]


def _respond(request: HttpRequest, template: str, context: dict, parts: tuple) -> HttpResponse:
    """The result alone for htmx, leaving the canonical address; a plain GET of the form (every factor,
    0 included) goes to the canonical address; else the page, its content cached if bounded."""
    reading: Reading = context["reading"]
    if wants_fragment(request):
        return push_url(render(request, f"{template}#result", context), context["meta"].path)
    if request.META.get("QUERY_STRING", "") != reading.query and not reading.ignored:
        return redirect(context["meta"].path)
    build = lambda: render_to_string(f"{template}#content", context)  # noqa: E731
    content = _bounded(request, reading, f"whatif:{template}", build, *parts)
    response = render(request, template, context | {"content": content})
    same_for_everyone = not request.user.is_authenticated and not response.cookies
    return public(response) if same_for_everyone else response


def _bounded(request: HttpRequest, reading: Reading, name: str, build: Callable, *parts: object):
    """`build()`, from the cache if this what-if may be cached (see CACHED_MOVED_AT_MOST)."""
    canonical = request.META.get("QUERY_STRING", "") == reading.query and not reading.ignored
    if canonical and len(reading.settings) <= CACHED_MOVED_AT_MOST:
        return fragment(request, name, [EDITORIAL], build, *parts, reading.query)
    return build()


def _with_query(path: str, reading: Reading) -> str:
    return f"{path}?{reading.query}" if reading.query else path


def _chosen(levers: list[Lever], reading: Reading, between: str = ": ") -> list[str]:
    """The settings in words, in the factors' order: ["Congress: much stronger", "Lack of trust: weaker"]."""
    names = {lever.factor.slug: lever.factor.name for lever in levers}
    return [f"{names[slug]}{between}{address.LABELS[setting]}" for slug, setting in reading.settings.items()]


def _summary(levers: list[Lever], reading: Reading) -> str:
    """The settings in one line: "Congress much stronger; Lack of trust weaker"."""
    return "; ".join(_chosen(levers, reading, between=" "))


def _question(levers: list[Lever], reading: Reading) -> str:
    """What the what-if asks, in words: one force a step either way in its own ("What if Congress
    resists less?"), else the settings in a line."""
    if len(reading.settings) == 1:
        ((slug, setting),) = reading.settings.items()
        factor = next(lever.factor for lever in levers if lever.factor.slug == slug)
        if setting in (-1, 1):
            return factor.what_if_weaker if setting < 0 else factor.what_if_stronger
    return _summary(levers, reading)


def _description(situation: Situation, reading: Reading, shifts) -> str:
    if not reading.settings or not shifts:
        return f"Move the forces at work on {situation.topic.title} and see how the editors’ estimates would shift."
    moves = ", ".join(f"{s.scenario.outcome.name} {s.editors} → {s.shifted} %" for s in shifts)
    return f"{_question(situation.levers, reading)} {moves}."
