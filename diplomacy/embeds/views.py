"""The embed of a topic, for other sites' iframes, and the oEmbed answer that hands out its snippet.

Both show public data only and are the same for everyone: they never look at who is asking (no
`request.user`, so no session is read and nothing varies by cookie), and drafts show to nobody,
editors included. Only the embed may be framed by other sites; every other page keeps
`frame-ancestors 'none'` and `X-Frame-Options: DENY` (diplomacy/settings.py).
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from diplomacy.core.cache import EDITORIAL, community_scope, fragment, public
from diplomacy.core.site import site_url
from diplomacy.forecasts.panel import Estimating
from diplomacy.scenarios import dates
from diplomacy.scenarios.models import EVERYONE, Scenario, Topic
from diplomacy.timeline.history import topic_history

from . import oembed as sizes

TEMPLATE = "embeds/topic.html"


def _shows(topic: str) -> list[str]:
    return [EDITORIAL, community_scope(topic)]


@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # type: ignore[arg-type]  # django-csp types views as taking the request alone
def embed_topic(request: HttpRequest, topic: str) -> HttpResponse:
    """/embed/topics/<topic>/: a published topic's estimates as bars and their history as a chart,
    with a link back to the topic. A renamed topic's old address follows it (a snippet pasted on
    another site outlives the rename); a draft or unknown topic is a small framable 404."""
    html = fragment(request, "embed", _shows(topic), lambda: _embed_html(topic))
    if html is not None:
        return public(HttpResponse(html))
    renamed = Topic.renamed_from(topic)
    if renamed is not None and renamed.slug != topic:
        return redirect("embed_topic", topic=renamed.slug, permanent=True)
    return HttpResponseNotFound(render_to_string(f"{TEMPLATE}#missing", _frame()))


def _embed_html(slug: str) -> str | None:
    """The embed, rendered without the request (nothing of one reader's can get in): a fixed number
    of queries however many outcomes, revisions and readers the topic has."""
    topic = Topic.objects.published().filter(slug=slug).first()
    if topic is None:
        return None
    scenarios = list(
        Scenario.objects.published().filter(topic=topic).select_related("outcome").order_by("outcome__order")
    )
    for scenario in scenarios:
        scenario.topic = topic
    estimating = Estimating.of(topic, scenarios)
    history = topic_history(topic, scenarios, EVERYONE, today=timezone.localdate())
    styles = {line.key: line.css for line in history.chart.editors_lines} if history else {}
    rows = [(s, estimating.community_number(s.pk), styles.get(s.pk, "")) for s in scenarios]
    context = _frame() | {
        "topic": topic,
        "topic_url": site_url() + topic.get_absolute_url(),
        "rows": rows,
        "estimating": estimating,
        "history": history,
        "estimates_as_of": dates.estimates_as_of(scenarios),
    }
    return render_to_string(TEMPLATE, context)


def _frame() -> dict[str, Any]:
    return {"site_name": settings.SITE_NAME, "site_url": site_url()}


@require_safe
def oembed(request: HttpRequest) -> HttpResponse:
    """/oembed?url=<a topic page>&format=json[&maxwidth=…&maxheight=…]: the topic's embed as an
    oEmbed "rich" answer. Only JSON is offered (XML is 501, as the spec has it); an address that is
    not a published topic page of this site is 404, with a JSON body like every answer here."""
    if (request.GET.get("format") or "json") != "json":
        return JsonResponse({"detail": "Only format=json is offered."}, status=501)
    slug = sizes.topic_slug(request.GET.get("url", ""))
    topic = Topic.objects.published().filter(slug=slug).only("slug", "title").first() if slug else None
    if topic is None:
        return JsonResponse({"detail": "No published topic page of this site at that url."}, status=404)
    size = sizes.fit(request.GET.get("maxwidth"), request.GET.get("maxheight"))
    if size is None:
        detail = f"The embed needs at least {sizes.MIN_WIDTH} × {sizes.MIN_HEIGHT} pixels."
        return JsonResponse({"detail": detail}, status=404)
    answer = {
        "version": "1.0",
        "type": "rich",
        "provider_name": settings.SITE_NAME,
        "provider_url": site_url() + "/",
        "title": topic.title,
        "html": sizes.snippet(topic.slug, topic.title, width=size.width, height=size.height),
        "width": size.width,
        "height": size.height,
    }
    return public(JsonResponse(answer))
