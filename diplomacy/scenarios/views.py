"""Pages for readers: home, topics, scenarios, the explorer, comparison, previews, robots.txt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from diplomacy.annotations.forms import AnnotationForm
from diplomacy.annotations.models import Annotation
from diplomacy.annotations.thread import Params, ScenarioAnnotations, shows
from diplomacy.core.cache import (
    COMMUNITY,
    EDITORIAL,
    cached_page,
    community_scope,
    fragment,
    public,
    stand_in,
    topic_scope,
)
from diplomacy.core.htmx import wants_fragment
from diplomacy.core.site import site_url
from diplomacy.forecasts.community import SHOWN_FROM
from diplomacy.forecasts.forms import EstimateForm
from diplomacy.forecasts.models import Community
from diplomacy.forecasts.panel import Estimating, panel_html
from diplomacy.notifications.models import follow_state
from diplomacy.timeline.history import signpost_tally, signposts_with_marks, topic_history
from diplomacy.timeline.models import Development, Estimate

from . import dates, likelihood, previews
from .forms import SORTS, ExplorerForm
from .meta import PageMeta
from .models import (
    EVERYONE,
    Influence,
    Outcome,
    Scenario,
    Topic,
    Visibility,
    influences_by_factor,
    outcome_matrix,
)
from .text import highlight, marked

EXPLORER_PAGE_SIZE = 30
HOME_TOPICS = 12  # the home page stays small however many topics there are; /topics/ lists them all
TOPICS_PAGE = 25
HOME_DEVELOPMENTS, HOME_MOVED, MOVED_DAYS = 5, 5, 30


def _scenarios_with_outcome(queryset=None):
    return (queryset if queryset is not None else Scenario.objects.published()).select_related("outcome")


def _influences():
    return Prefetch("influences", queryset=Influence.objects.select_related("factor"))


def _editorial(**kwargs: str) -> list[str]:
    return [EDITORIAL]


def _matrix_shows(**kwargs: str) -> list[str]:
    return [EDITORIAL, COMMUNITY]


def _topic_shows(topic: str) -> list[str]:
    return [EDITORIAL, topic_scope(topic), community_scope(topic)]


@require_safe
@cached_page(_matrix_shows)
def home(request: HttpRequest) -> HttpResponse:
    meta = PageMeta(
        title=settings.SITE_NAME,
        description="Explore the possible outcomes of US–Russia leader talks, topic by topic: "
        "scenarios, signposts, the forces at work, and editors’ illustrative likelihoods.",
        path=reverse("home"),
    )

    estimates = _matrix_estimates(request)

    def build() -> str:
        published = Topic.objects.published()
        context = _matrix(list(published[:HOME_TOPICS]), estimates) | {"topic_count": published.count()}
        return render_to_string("scenarios/home.html#main", context | _what_happened())

    main = fragment(request, "home", _matrix_shows(), build, estimates)
    return render(request, "scenarios/home.html", {"main": main, "meta": meta})


def _what_happened(today: date | None = None) -> dict[str, Any]:
    """The home page's news: the latest published developments, and the largest estimate moves of
    the last MOVED_DAYS days (published topics and scenarios only: the home page is the same for all)."""
    since = (today or timezone.localdate()) - timedelta(days=MOVED_DAYS)
    developments = (
        Development.objects.published()
        .newest_first()
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.published().only("slug", "title")))
    )
    return {
        "developments": list(developments[:HOME_DEVELOPMENTS]),
        "moved": list(Estimate.objects.moved_since(since, EVERYONE)[:HOME_MOVED]),
        "moved_days": MOVED_DAYS,
    }


@require_safe
@cached_page(_matrix_shows)
def topic_index(request: HttpRequest) -> HttpResponse:
    """Every topic, with its row of the matrix, a page at a time."""
    page = Paginator(Topic.objects.published(), TOPICS_PAGE).get_page(request.GET.get("page"))
    estimates = _matrix_estimates(request)
    pairs = [("estimates", estimates)] if estimates != EDITORS else []
    query = (
        "?" + urlencode(pairs + ([("page", page.number)] if page.number > 1 else []))
        if pairs or page.number > 1
        else ""
    )
    meta = PageMeta(
        title="All topics",
        description="Every topic of the talks and how likely each outcome is.",
        path=reverse("topics") + query,
    )

    def build() -> str:
        return render_to_string("scenarios/topics.html#main", _matrix(list(page), estimates) | {"page": page})

    main = fragment(request, "topics", _matrix_shows(), build, page.number, estimates)
    return render(request, "scenarios/topics.html", {"main": main, "meta": meta})


EDITORS, COMMUNITY_ESTIMATES = "editors", "community"


def _matrix_estimates(request: HttpRequest) -> str:
    """Whose numbers the matrix shows: ?estimates=community, else the editors' (anything else is ignored)."""
    return COMMUNITY_ESTIMATES if request.GET.get("estimates") == COMMUNITY_ESTIMATES else EDITORS


def _matrix(topics: list[Topic], estimates: str = EDITORS) -> dict:
    """The topic × outcome matrix of these topics, each topic knowing its most likely scenario and
    when it was last updated; and the newest change and estimate among them. Each cell's `shown`
    is the editors' number, or with `estimates="community"` the community's (None until enough
    readers have estimated)."""
    outcomes = list(Outcome.objects.all())
    scenarios = list(
        Scenario.objects.published().filter(topic__in=topics).select_related("outcome").only(*_MATRIX_FIELDS)
    )
    communities = {}
    if estimates == COMMUNITY_ESTIMATES:
        found = Community.objects.filter(topic__in=topics, readers__gte=SHOWN_FROM)
        communities = {c.topic_id: c.whole for c in found}
    for scenario in scenarios:
        scenario.shown = (
            communities.get(scenario.topic_id, {}).get(scenario.pk)
            if estimates == COMMUNITY_ESTIMATES
            else scenario.likelihood
        )
    rows = outcome_matrix(topics, outcomes, scenarios)
    return {
        "rows": rows,
        "outcomes": outcomes,
        "estimates": estimates,
        "updated": max((row.updated for row in rows), default=None),
        "estimates_as_of": dates.estimates_as_of(scenarios),
    }


_MATRIX_FIELDS = [
    "pk",
    "title",
    "slug",
    "likelihood",
    "estimated_at",
    "updated_at",
    "topic_id",
    "outcome_id",
    "outcome__name",
    "outcome__order",
]


@require_safe
@cached_page(_topic_shows)
def topic_detail(request: HttpRequest, topic: str) -> HttpResponse:
    return topic_response(request, topic)


def topic_response(
    request: HttpRequest, topic: str, form: EstimateForm | None = None, status: int = 200
) -> HttpResponse:
    """The topic page: its shared parts from the cache, and this reader's own estimate between them
    (`form`: their estimate as they typed it, when it needs another look)."""
    visibility = Visibility.of(request.user)
    build = lambda: _topic_page(topic, visibility)  # noqa: E731
    page = fragment(request, "topic", [EDITORIAL, community_scope(topic)], build, visibility)
    if page is None:
        return _redirect_renamed(request, topic)
    # Apart, because a new annotation changes it: the list of scenarios, with their annotation counts.
    listing = lambda: _scenario_list(page)  # noqa: E731
    context = page | {
        "scenario_list": fragment(request, "topic-scenarios", _topic_shows(topic), listing, visibility),
        "estimate": panel_html(request, page["estimating"], form),
        "follow": follow_state(request.user, topic=page["topic"]),
    }
    return render(request, "scenarios/topic.html", context, status=status)


def _topic_page(slug: str, visibility: Visibility) -> dict | None:
    """What every reader with this visibility sees of a topic, but for its annotation counts: its
    page's main parts, its meta, and what its list of scenarios is made from (`_scenario_list`)."""
    topic = Topic.objects.visible(visibility).filter(slug=slug).prefetch_related("sources").first()
    if topic is None:
        return None
    scenarios = list(
        _scenarios_with_outcome(Scenario.objects.visible(visibility).filter(topic=topic))
        .prefetch_related(_influences(), signposts_with_marks(visibility))
        .order_by("outcome__order")
    )
    for scenario in scenarios:
        scenario.topic = topic
    neighbours = list(Topic.objects.visible(visibility).only("pk", "slug", "title", "order"))
    index = next(i for i, item in enumerate(neighbours) if item.pk == topic.pk)
    meta = PageMeta(
        title=topic.title,
        description=topic.summary,
        path=topic.get_absolute_url(),
        type="article",
        image_path=reverse("topic_preview", kwargs={"topic": topic.slug}),
    )
    estimating = Estimating.of(topic, scenarios)
    context = {
        "topic": topic,
        "scenarios": scenarios,
        "estimating": estimating,
        "scenario_rows": [
            (s, signpost_tally(s), estimating.community_number(s.pk), stand_in(_COUNTED % s.pk)) for s in scenarios
        ],
        "history": topic_history(topic, scenarios, visibility, today=timezone.localdate()),
        "factors": influences_by_factor(scenarios),
        "estimated": likelihood.total(s.likelihood for s in scenarios),
        "updated": dates.last_updated(topic, scenarios),
        "estimates_as_of": dates.estimates_as_of(scenarios),
        "previous": neighbours[index - 1] if index > 0 else None,
        "next": neighbours[index + 1] if index + 1 < len(neighbours) else None,
        "meta": meta,
    }
    parts = {name: render_to_string(f"scenarios/topic.html#{name}", context) for name in ("head", "scenarios", "body")}
    return parts | {"meta": meta, "topic": topic, "estimating": estimating, "scenario_pks": [s.pk for s in scenarios]}


_COUNTED = "annotations of scenario %d"  # what a stand-in in the topic's cached list of scenarios stands for


def _scenario_list(page: dict) -> SafeString:
    """The topic's scenarios as cards, each with how many public annotations it has (in place of the
    stand-ins its cached rendering holds)."""
    counts = Annotation.objects.for_everyone().roots().standing().counts_by_scenario(page["scenario_pks"])
    html = page["scenarios"]
    for pk in page["scenario_pks"]:
        count = counts.get(pk, 0)
        html = html.replace(stand_in(_COUNTED % pk), ngettext("%d annotation", "%d annotations", count) % count)
    return mark_safe(html)  # noqa: S308 (rendered by Django's templates, which escape; counts are numbers)


@require_safe
@vary_on_headers("HX-Request")
@cached_page(shows)
def scenario_detail(request: HttpRequest, topic: str, scenario: str) -> HttpResponse:
    visibility = Visibility.of(request.user)
    build = lambda: _scenario_page(topic, scenario, visibility)  # noqa: E731
    shared = fragment(request, "scenario", [EDITORIAL, community_scope(topic)], build, topic, scenario, visibility)
    if shared is None:
        return _redirect_renamed(request, topic, scenario)
    scenario_obj = shared["scenario"]
    annotations = ScenarioAnnotations(request, scenario_obj)
    context = {
        **shared,
        "thread_html": annotations.thread_html(Params.from_query(request.GET)),
        "narrative_html": annotations.narrative_html,
        "annotation_count": annotations.count,
        "follow": follow_state(request.user, scenario=scenario_obj),
        "form": AnnotationForm(scenario=scenario_obj, user=request.user) if request.user.is_authenticated else None,
    }
    return render(request, "scenarios/scenario.html", context)


def _scenario_page(topic: str, slug: str, visibility: Visibility) -> dict[str, Any] | None:
    """What every reader with this visibility sees alike of a scenario page: the scenario, its meta, and
    its fixed parts rendered from one context (without the request, so nothing of one reader's gets in)."""
    scenario = (
        Scenario.objects.visible(visibility).at(topic, slug).prefetch_related(signposts_with_marks(visibility)).first()
    )
    if scenario is None:
        return None
    meta = _scenario_meta(scenario)
    siblings = list(
        _scenarios_with_outcome(Scenario.objects.visible(visibility))
        .filter(topic=scenario.topic)
        .exclude(pk=scenario.pk)
        .order_by("outcome__order")
    )
    for sibling in siblings:
        sibling.topic = scenario.topic
    everyone = sorted([scenario, *siblings], key=lambda s: (s.outcome.order, s.outcome.name))
    estimating = Estimating.of(scenario.topic, everyone)
    context = {
        "scenario": scenario,
        "estimating": estimating,
        "community": estimating.community_number(scenario.pk),
        "siblings": siblings,
        "history": topic_history(scenario.topic, everyone, visibility, today=timezone.localdate(), focus=scenario),
        "influences": scenario.influences.select_related("factor"),
        "sources": scenario.sources.all(),
        "meta": meta,
    }
    parts = {name: render_to_string(f"scenarios/scenario.html#{name}", context) for name in ("head", "body")}
    return {"scenario": scenario, "meta": meta, **parts}


def _scenario_meta(scenario: Scenario) -> PageMeta:
    return PageMeta(
        title=f"{scenario.title} ({scenario.topic.title})",
        description=f"{scenario.outcome.name} on {scenario.topic.title}: " + _first_sentence(scenario.narrative),
        path=scenario.get_absolute_url(),
        type="article",
        image_path=reverse("scenario_preview", kwargs={"topic": scenario.topic.slug, "scenario": scenario.slug}),
    )


def _first_sentence(text: str, limit: int = 180) -> str:
    sentence = text.split("\n\n", 1)[0].split(". ", 1)[0].rstrip(".") + "."
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def _redirect_renamed(request: HttpRequest, topic: str, scenario: str | None = None) -> HttpResponse:
    """301 from a slug an editor has since renamed (found in the history) to where it is now; else 404."""
    target = Topic.renamed_from(topic)
    found = target if scenario is None or target is None else Scenario.renamed_from(target, scenario)
    if found is None or found.get_absolute_url() == request.path:
        raise Http404("No such topic or scenario.")
    return redirect(found, permanent=True)


@require_safe
@vary_on_headers("HX-Request")
@cached_page(_editorial)
def explore(request: HttpRequest) -> HttpResponse:
    topics = list(Topic.objects.published().only("pk", "slug", "title", "order"))
    outcomes = list(Outcome.objects.all())
    form = ExplorerForm(request.GET, topics=topics, outcomes=outcomes)
    form.is_valid()
    filters = form.filters()
    scenarios = Scenario.objects.published().explore(
        q=filters.get("q", ""),
        topics=filters.get("topic") or (),
        outcomes=filters.get("outcome") or (),
        low=filters.get("min"),
        high=filters.get("max"),
        sort=filters["sort"],
    )
    page = Paginator(scenarios, EXPLORER_PAGE_SIZE).get_page(filters.get("page"))
    words = filters.get("q", "").split()
    for scenario in page:
        snippet = getattr(scenario, "snippet", None)
        scenario.excerpt = marked(snippet) if snippet else highlight(scenario.narrative, words)
    query = _canonical_query(filters)
    meta = PageMeta(
        title="Explore scenarios",
        description="Filter, search and sort every scenario of the US–Russia talks.",
        path=reverse("explore") + (f"?{query}" if query else ""),
    )
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "sorts": SORTS,
        "query": query,
        "ignored": form.ignored(),
        "summary": form.summary(filters),
        "meta": meta,
    }
    if wants_fragment(request):
        # The address bar gets the tidy form of what is on screen, not the raw form submission.
        return push_url(render(request, "scenarios/explore.html#results", context), meta.path)
    return render(request, "scenarios/explore.html", context)


def _canonical_query(filters: dict) -> str:
    """The filters as a tidy query string, in a fixed order, without defaults."""
    pairs = [("q", filters.get("q"))]
    pairs += [("topic", slug) for slug in filters.get("topic") or ()]
    pairs += [("outcome", slug) for slug in filters.get("outcome") or ()]
    pairs += [("min", filters.get("min")), ("max", filters.get("max"))]
    pairs.append(("sort", filters["sort"] if filters["sort"] != "relevance" else None))
    return urlencode([(key, str(value)) for key, value in pairs if value not in (None, "")])


def _preview(request: HttpRequest, name: str, pk: int, draw: Callable[[], bytes]) -> HttpResponse:
    """A preview image: drawn once per change to the content, the same for everyone, so public."""
    return public(HttpResponse(fragment(request, name, _editorial(), draw, pk), content_type="image/png"))


def _topic_bars(topic: Topic, highlight_pk: int | None = None) -> list[previews.Bar]:
    scenarios = _scenarios_with_outcome().filter(topic=topic).order_by("outcome__order")
    return [previews.Bar(s.outcome.name, s.likelihood, s.pk == highlight_pk) for s in scenarios]


@require_safe
def topic_preview(request: HttpRequest, topic: str) -> HttpResponse:
    topic_obj = get_object_or_404(Topic.objects.published(), slug=topic)

    def draw() -> bytes:
        bars = _topic_bars(topic_obj)
        return previews.render(kicker=settings.SITE_TAGLINE, title=topic_obj.title, bars=bars, site=settings.SITE_NAME)

    return _preview(request, "preview:topic", topic_obj.pk, draw)


@require_safe
def scenario_preview(request: HttpRequest, topic: str, scenario: str) -> HttpResponse:
    scenario_obj = get_object_or_404(
        Scenario.objects.published().select_related("topic"), topic__slug=topic, slug=scenario
    )

    def draw() -> bytes:
        bars = _topic_bars(scenario_obj.topic, highlight_pk=scenario_obj.pk)
        return previews.render(
            kicker=scenario_obj.topic.title, title=scenario_obj.title, bars=bars, site=settings.SITE_NAME
        )

    return _preview(request, "preview:scenario", scenario_obj.pk, draw)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /compare/", f"Sitemap: {site_url()}{reverse('sitemap')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
