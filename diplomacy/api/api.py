"""/api/v1/: published content and public annotations, read-only, as JSON, with its OpenAPI schema
at /api/v1/openapi.json and its docs at /api/docs/ (django-ninja, Swagger UI from its own files).

Public data only, whoever asks: no view here reads the session or the user, so a signed-in
editor's cookies change nothing (and nothing here writes, so there is no CSRF to guard)."""

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError

from diplomacy.scenarios.models import Outcome

from . import caching, represent, schemas
from .pages import BadCursor, page
from .params import DEFAULT_LIMIT, Cursor, Limit, OutcomeFilter, ScenarioFilter, Since, TopicFilter, slug

ERRORS: dict[int, type] = {400: schemas.Error, 404: schemas.Error, 429: schemas.Error}


api = NinjaAPI(
    title="diplomacy",
    version="1",
    description=(
        "Read-only: published topics, their outcomes, scenarios and estimates (the editors' and the "
        "community's), factors and their influences, sources, developments, each topic's estimate history, "
        "and public annotations and replies. Lists come a page at a time, in id order: follow `next`."
    ),
    urls_namespace="api",
    docs_url=None,
)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A parameter of the wrong form (a `since` that is no date, a `limit` out of range): 400."""
    where = "; ".join(f"{'.'.join(map(str, e['loc'][1:])) or e['loc'][0]}: {e['msg']}" for e in error.errors)
    return api.create_response(request, {"detail": f"Bad parameter: {where}."}, status=400)


@api.exception_handler(Http404)
def not_there(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "Not found."}, status=404)


@api.exception_handler(BadCursor)
def bad_cursor(request: HttpRequest, error: BadCursor) -> HttpResponse:
    return api.create_response(request, {"detail": "Bad parameter: cursor: not one this API gave."}, status=400)


def strict(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (400) query parameters the view does not take, naming them."""
    names = set(inspect.signature(view).parameters) - {"request", "response"}

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        path = set(request.resolver_match.kwargs) if request.resolver_match else set()
        if unknown := sorted(set(request.GET) - (names - path)):  # a path's parts are not query parameters
            raise HttpError(400, f"Unknown parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.")
        return view(request, *args, **kwargs)

    return checked


def _one(queryset, what: str, **lookup: Any) -> Any:
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404(f"No such {what}.")
    return found


def _page(request: HttpRequest, queryset, represent_one, cursor: str | None, limit: int) -> dict:
    found = page(request, queryset, cursor=cursor, limit=limit)
    return {"items": [represent_one(item) for item in found.items], "next": found.next}


@api.get("/", response={200: schemas.Index, **ERRORS}, url_name="index", summary="Where everything is", tags=["index"])
@strict
def index(request: HttpRequest) -> dict:
    names = ("topics", "outcomes", "scenarios", "factors", "sources", "developments", "annotations")
    site = represent.site_url()
    return {name: represent.api(name) for name in names} | {
        "openapi": site + reverse("api:openapi-json"),
        "docs": site + reverse("api_docs"),
    }


@api.get("/topics", response={200: schemas.TopicPage, **ERRORS}, url_name="topics", tags=["topics"])
@decorate_view(caching.cached(caching.topic_list))
@strict
def topics(request: HttpRequest, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT) -> dict:
    """Published topics, each with its current estimates: the editors' and the community's."""
    return _page(request, represent.topics(), represent.topic_item, cursor, limit)


@api.get("/topics/{topic}", response={200: schemas.Topic, **ERRORS}, url_name="topic", tags=["topics"])
@decorate_view(caching.cached(caching.one_topic))
@strict
def topic(request: HttpRequest, topic: Annotated[str, slug("The topic's slug.")]) -> dict:
    """A topic: its background, positions, estimates, scenarios and sources."""
    found = represent.topics(scenario_fields=represent.SCENARIO_ITEM).prefetch_related("sources")
    return represent.topic_detail(_one(found, "topic", slug=topic))


@api.get("/topics/{topic}/history", response={200: schemas.History, **ERRORS}, url_name="history", tags=["topics"])
@decorate_view(caching.cached(caching.one_topic))
@strict
def history(request: HttpRequest, topic: Annotated[str, slug("The topic's slug.")]) -> dict:
    """Every revision of the editors' estimates, oldest first, and the community's readings."""
    return represent.history(_one(represent.topics(scenario_fields=represent.SCENARIO_ITEM), "topic", slug=topic))


@api.get(
    "/topics/{topic}/scenarios/{scenario}",
    response={200: schemas.Scenario, **ERRORS},
    url_name="scenario",
    tags=["scenarios"],
)
@decorate_view(caching.cached(caching.editorial))
@strict
def scenario(
    request: HttpRequest,
    topic: Annotated[str, slug("The topic's slug.")],
    scenario: Annotated[str, slug("The scenario's slug.")],
) -> dict:
    """A scenario: narrative, implications, likelihood and rationale, signposts and their states,
    the factors that push it, and its sources."""
    found = _one(represent.scenario_details(), "scenario", topic__slug=topic, slug=scenario)
    return represent.scenario_detail(found)


@api.get("/scenarios", response={200: schemas.ScenarioPage, **ERRORS}, url_name="scenarios", tags=["scenarios"])
@decorate_view(caching.cached(caching.editorial))
@strict
def scenarios(
    request: HttpRequest,
    topic: TopicFilter = None,
    outcome: OutcomeFilter = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> dict:
    """Published scenarios, of one topic (its slug) or one outcome (its slug) if asked."""
    found = represent.scenarios()
    if topic is not None:
        found = found.filter(topic__slug=topic)
    if outcome is not None:
        found = found.filter(outcome__slug=outcome)
    return _page(request, found, represent.scenario_item, cursor, limit)


@api.get("/outcomes", response={200: schemas.OutcomePage, **ERRORS}, url_name="outcomes", tags=["outcomes"])
@decorate_view(caching.cached(caching.editorial))
@strict
def outcomes(request: HttpRequest, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT) -> dict:
    """The kinds of outcome every topic's scenarios are sorted by (`order`: 1 is the best)."""
    return _page(request, Outcome.objects.all(), represent.outcome, cursor, limit)


@api.get("/outcomes/{outcome}", response={200: schemas.Outcome, **ERRORS}, url_name="outcome", tags=["outcomes"])
@decorate_view(caching.cached(caching.editorial))
@strict
def outcome(request: HttpRequest, outcome: Annotated[str, slug("The outcome's slug.")]) -> dict:
    return represent.outcome(_one(Outcome.objects.all(), "outcome", slug=outcome))


@api.get("/factors", response={200: schemas.FactorPage, **ERRORS}, url_name="factors", tags=["factors"])
@decorate_view(caching.cached(caching.editorial))
@strict
def factors(request: HttpRequest, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT) -> dict:
    """The forces acting on the talks, each with how it pushes each published scenario."""
    return _page(request, represent.factors(), represent.factor, cursor, limit)


@api.get("/factors/{factor}", response={200: schemas.Factor, **ERRORS}, url_name="factor", tags=["factors"])
@decorate_view(caching.cached(caching.editorial))
@strict
def factor(request: HttpRequest, factor: Annotated[str, slug("The factor's slug.")]) -> dict:
    return represent.factor(_one(represent.factors(), "factor", slug=factor))


@api.get("/sources", response={200: schemas.SourcePage, **ERRORS}, url_name="sources", tags=["sources"])
@decorate_view(caching.cached(caching.editorial))
@strict
def sources(request: HttpRequest, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT) -> dict:
    """The quoted passages published content rests on."""
    return _page(request, represent.sources(), represent.source, cursor, limit)


@api.get("/sources/{source}", response={200: schemas.Source, **ERRORS}, url_name="source", tags=["sources"])
@decorate_view(caching.cached(caching.editorial))
@strict
def source(request: HttpRequest, source: Annotated[str, slug("The source's key.")]) -> dict:
    return represent.source(_one(represent.sources(), "source", key=source))


@api.get(
    "/developments", response={200: schemas.DevelopmentPage, **ERRORS}, url_name="developments", tags=["developments"]
)
@decorate_view(caching.cached(caching.editorial))
@strict
def developments(
    request: HttpRequest,
    topic: TopicFilter = None,
    since: Since = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> dict:
    """Published developments: events, the sources that report them and the signposts they mark.
    `since`: those added or edited from then on (a date or a date and time, ISO 8601); one that was
    published, or unpublished, without an edit is not reported by it: compare ids to see."""
    found = represent.developments()
    if topic is not None:
        found = found.filter(topics__slug=topic, topics__is_published=True)
    if since is not None:
        found = found.filter(updated_at__gte=since)
    return _page(request, found, represent.development, cursor, limit)


@api.get(
    "/developments/{development}",
    response={200: schemas.Development, **ERRORS},
    url_name="development",
    tags=["developments"],
)
@decorate_view(caching.cached(caching.editorial))
@strict
def development(request: HttpRequest, development: int) -> dict:
    return represent.development(_one(represent.developments(), "development", pk=development))


@api.get("/annotations", response={200: schemas.AnnotationPage, **ERRORS}, url_name="annotations", tags=["annotations"])
@decorate_view(caching.cached(caching.annotations))
@strict
def annotations(
    request: HttpRequest,
    topic: TopicFilter = None,
    scenario: ScenarioFilter = None,
    since: Since = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> dict:
    """Public annotations and replies. `topic`: a topic's slug; `scenario`: a scenario's slug (with
    `topic`, that one scenario; alone, the scenarios of that slug on every topic); `since`: those
    written or changed from then on (a date or a date and time, ISO 8601: edits, an editor hiding
    or restoring a thread, an author's new name). What has gone (deleted, hidden, made private, on a
    scenario unpublished) is simply no longer listed, and what appears because its scenario was
    published is not reported as new: compare ids to see either."""
    found = represent.annotations()
    if topic is not None:
        found = found.filter(scenario__topic__slug=topic)
    if scenario is not None:
        found = found.filter(scenario__slug=scenario)
    if since is not None:
        found = found.filter(updated_at__gte=since)
    return _page(request, found, represent.annotation, cursor, limit)


@api.get(
    "/annotations/{annotation}",
    response={200: schemas.Annotation, **ERRORS},
    url_name="annotation",
    tags=["annotations"],
)
@decorate_view(caching.cached(caching.annotations))
@strict
def annotation(request: HttpRequest, response: HttpResponse, annotation: int) -> dict:
    found = _one(represent.annotations(), "annotation", pk=annotation)
    response["Last-Modified"] = http_date(represent.changed_at(found).timestamp())
    return represent.annotation(found)


@csrf_exempt  # nothing here is written: any method gets the same JSON 404, not the CSRF page
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/v1/: a 404 in JSON, never the site's HTML page."""
    return JsonResponse({"detail": "No such address in the API: see /api/v1/openapi.json."}, status=404)


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    """/api/docs/: the schema as Swagger UI, from django-ninja's own copy of it (no CDN)."""
    schema_url = reverse("api:openapi-json")
    swagger = {"url": schema_url, "layout": "BaseLayout", "deepLinking": True, "validatorUrl": None}
    return render(request, "api/docs.html", {"schema_url": schema_url, "swagger": swagger})
