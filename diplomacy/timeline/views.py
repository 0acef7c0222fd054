"""Pages of developments: all of them (filtered by topic, a page at a time), a topic's, and each one's own."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from diplomacy.core.cache import EDITORIAL, cached_page, fragment
from diplomacy.core.htmx import wants_fragment
from diplomacy.scenarios.meta import PageMeta
from diplomacy.scenarios.models import Scenario, Topic, Visibility

from .models import Development, DevelopmentQuerySet, Estimate, Revision, SignpostMark

PAGE_SIZE = 20
_TOPIC_FIELDS = ["pk", "slug", "title", "order", "is_published"]
DESCRIPTION = (
    "What has happened that bears on the US–Russia talks, newest first: each development with its sources, "
    "the signposts it marked and the estimates it moved."
)


def _editorial(**kwargs: str) -> list[str]:
    return [EDITORIAL]


@require_safe
@vary_on_headers("HX-Request")
@cached_page(_editorial)
def development_list(request: HttpRequest) -> HttpResponse:
    """Every development, newest first; `?topic=` keeps one topic's (an unknown one is ignored, and said so)."""
    visibility = Visibility.of(request.user)
    wanted, number = request.GET.get("topic", ""), request.GET.get("page", "")
    part = "results" if wants_fragment(request) else "main"
    build = lambda: _all_developments(visibility, wanted, number, part)  # noqa: E731
    shown = fragment(request, "developments", _editorial(), build, visibility, part, wanted, number)
    return _respond(request, shown)


@require_safe
@vary_on_headers("HX-Request")
@cached_page(_editorial)
def topic_developments(request: HttpRequest, topic: str) -> HttpResponse:
    visibility = Visibility.of(request.user)
    number = request.GET.get("page", "")
    part = "results" if wants_fragment(request) else "main"
    build = lambda: _topic_developments(topic, visibility, number, part)  # noqa: E731
    shown = fragment(request, "topic_developments", _editorial(), build, topic, visibility, part, number)
    if shown is None:
        renamed = Topic.renamed_from(topic)
        if renamed is None or renamed.slug == topic:
            raise Http404("No such topic.")
        return redirect("topic_developments", topic=renamed.slug, permanent=True)
    return _respond(request, shown)


@require_safe
@cached_page(_editorial)
def development_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    visibility = Visibility.of(request.user)
    shown = fragment(request, "development", _editorial(), lambda: _development_page(pk, visibility), pk, visibility)
    if shown is None:
        raise Http404("No such development.")
    if slug != shown["slug"]:
        return redirect(shown["meta"].path, permanent=True)
    return render(request, "timeline/development.html", shown)


def _respond(request: HttpRequest, shown: dict[str, Any]) -> HttpResponse:
    if wants_fragment(request):
        # The address bar gets the tidy form of what is on screen, not the raw form submission.
        return push_url(HttpResponse(shown["html"]), shown["meta"].path)
    return render(request, "timeline/developments.html", shown)


def _all_developments(visibility: Visibility, wanted: str, number: str, part: str) -> dict[str, Any]:
    topics = list(Topic.objects.visible(visibility).only(*_TOPIC_FIELDS))
    topic = next((item for item in topics if item.slug == wanted), None)
    developments = Development.objects.visible(visibility)
    page = _page(developments.filter(topics=topic) if topic else developments, visibility, number)
    query = urlencode({"topic": topic.slug}) if topic else ""
    meta = PageMeta(
        title=f"Developments on {topic.title}" if topic else "Developments",
        description=DESCRIPTION,
        path=reverse("developments") + _query(query, page),
    )
    context = {"page": page, "topics": topics, "topic": topic, "ignored": wanted if not topic else "", "query": query}
    return _listing(part, context | {"meta": meta}, topic)


def _topic_developments(slug: str, visibility: Visibility, number: str, part: str) -> dict[str, Any] | None:
    topic = Topic.objects.visible(visibility).filter(slug=slug).first()
    if topic is None:
        return None
    page = _page(Development.objects.visible(visibility).filter(topics=topic), visibility, number)
    meta = PageMeta(
        title=f"Developments on {topic.title}",
        description=f"What has happened that bears on {topic.title}, newest first, and how it moved the estimates.",
        path=reverse("topic_developments", kwargs={"topic": topic.slug}) + _query("", page),
    )
    return _listing(part, {"page": page, "topic": topic, "fixed_topic": True, "query": "", "meta": meta}, topic)


def _listing(part: str, context: dict[str, Any], topic: Topic | None) -> dict[str, Any]:
    """What is cached of a list: the part of the page asked for, and what the rest of the page needs."""
    html = render_to_string(f"timeline/developments.html#{part}", context)
    return {"html": html, "meta": context["meta"], "feed_topics": _fed([topic] if topic else [])}


def _fed(topics) -> list[Topic]:
    """The topics whose feeds a page offers: feeds carry published content only."""
    return [topic for topic in topics if topic.is_published]


def _query(query: str, page: Page) -> str:
    pairs = "&".join(filter(None, [query, f"page={page.number}" if page.number > 1 else ""]))
    return f"?{pairs}" if pairs else ""


def _page(developments: DevelopmentQuerySet, visibility: Visibility, number: str) -> Page:
    """A page of developments with what a list says of each: its topics, how many signposts it marked,
    how many re-estimates it prompted (only what this reader may see of them), in a fixed number of queries."""
    marks = SignpostMark.objects.filter(signpost__scenario__in=Scenario.objects.visible(visibility))
    revisions = Revision.objects.filter(topic__in=Topic.objects.visible(visibility))
    listed = (
        developments.newest_first()
        .annotate(mark_count=_count(marks), revision_count=_count(revisions))
        .prefetch_related(_topics(visibility))
    )
    return Paginator(listed, PAGE_SIZE).get_page(number)


def _count(related: QuerySet) -> Coalesce:
    """How many of `related` belong to each development, as a subquery (no join to multiply rows)."""
    per_development = related.filter(development=OuterRef("pk")).order_by().values("development")
    counted = per_development.annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _topics(visibility: Visibility) -> Prefetch:
    return Prefetch("topics", queryset=Topic.objects.visible(visibility).only(*_TOPIC_FIELDS))


def _development_page(pk: int, visibility: Visibility) -> dict[str, Any] | None:
    """What every reader with this visibility sees of a development: its page's main part, its meta."""
    scenarios = Scenario.objects.visible(visibility)
    marks = SignpostMark.objects.filter(signpost__scenario__in=scenarios).select_related(
        "signpost__scenario__topic", "signpost__scenario__outcome"
    )
    revisions = Revision.objects.filter(topic__in=Topic.objects.visible(visibility)).select_related("topic")
    estimates = Estimate.objects.filter(scenario__in=scenarios).select_related("scenario__topic", "scenario__outcome")
    development = (
        Development.objects.visible(visibility)
        .filter(pk=pk)
        .prefetch_related(
            _topics(visibility),
            "sources",
            Prefetch("signpost_marks", marks.order_by("signpost__scenario__outcome__order", "signpost__order", "pk")),
            Prefetch("revisions", revisions.order_by("topic__order", "as_of", "created_at", "pk")),
            Prefetch("revisions__estimates", estimates.order_by("scenario__outcome__order", "pk")),
        )
        .first()
    )
    if development is None:
        return None
    meta = PageMeta(
        title=development.title,
        description=_shortened(development.summary),
        path=development.get_absolute_url(),
        type="article",
    )
    context = {"development": development, "meta": meta}
    html = render_to_string("timeline/development.html#main", context)
    return {"html": html, "meta": meta, "slug": development.slug, "feed_topics": _fed(development.topics.all())}


def _shortened(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
