"""The compare page: up to four scenarios side by side, named in the address, added and removed in place."""

from __future__ import annotations

import operator
import re
from functools import reduce

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from diplomacy.core.cache import cached_page, fragment
from diplomacy.core.htmx import wants_fragment

from .comparison import COMPARE_MAX, compare_rows
from .meta import PageMeta
from .models import Scenario
from .views import _editorial, _influences

# How the address names a scenario: its topic's slug and its own, as in /topics/<topic>/<scenario>/.
REF = re.compile(r"[-\w]+/[-\w]+", re.ASCII)
# What a link to add a scenario shows of it, and needs to place it among the columns.
# The most scenarios the "add any scenario" menu lists (a few kilobytes of options).
PICKER_MAX = 120
_TOPIC_AND_OUTCOME = ["topic__slug", "topic__title", "topic__order", "outcome__name", "outcome__order"]


@require_safe
@vary_on_headers("HX-Request")
@cached_page(_editorial)
def compare(request: HttpRequest) -> HttpResponse:
    refs = list(dict.fromkeys(ref for ref in request.GET.getlist("s") if ref.strip()))
    if len(refs) > COMPARE_MAX:
        error = f"Compare at most {COMPARE_MAX} scenarios at once: this link names {len(refs)}."
        return render(request, "scenarios/compare.html", {"error": error}, status=400)
    found = {scenario.ref: scenario for scenario in _named(refs)}
    comparison = compare_rows(found.values())
    scenarios = [column.scenario for column in comparison.columns]
    meta = PageMeta(
        title="Compare: " + " · ".join(s.title for s in scenarios) if scenarios else "Compare scenarios",
        description="Scenarios of the US–Russia talks side by side.",
        path=reverse("compare") + comparison.query,
    )
    context = {
        "comparison": comparison,
        "missing": [ref for ref in refs if ref not in found],
        "additions": comparison.additions(_siblings(scenarios)),
        "picker": "" if comparison.full else fragment(request, "compare-picker", _editorial(), _picker),
        "meta": meta,
    }
    if wants_fragment(request):
        # The address bar gets the tidy form of what is on screen, whatever the request named.
        return push_url(render(request, "scenarios/compare.html#swap", context), meta.path)
    return render(request, "scenarios/compare.html", context)


def _named(refs: list[str]) -> list[Scenario]:
    """The published scenarios these refs name (topic/scenario), with what their columns show."""
    pairs = [ref.split("/") for ref in refs if REF.fullmatch(ref)]
    if not pairs:
        return []
    return list(
        Scenario.objects.published()
        .filter(reduce(operator.or_, (Q(topic__slug=topic, slug=slug) for topic, slug in pairs)))
        .select_related("topic", "outcome")
        .prefetch_related(_influences())
    )


def _siblings(scenarios: list[Scenario]) -> list[Scenario]:
    """The other published scenarios of the topics compared: the ones a reader most likely adds."""
    if not scenarios or len(scenarios) >= COMPARE_MAX:
        return []
    return list(
        Scenario.objects.published()
        .filter(topic__in={s.topic_id for s in scenarios})
        .exclude(pk__in=[s.pk for s in scenarios])
        .select_related("topic", "outcome")
        .only("slug", "title", *_TOPIC_AND_OUTCOME)
    )


def _picker() -> str:
    """The options of the "add any scenario" menu, grouped by topic: the same on every compare page.
    Empty when there are more than a menu can usefully hold: the page points to the explorer instead."""
    scenarios = list(
        Scenario.objects.published()
        .select_related("topic", "outcome")
        .only("slug", "title", *_TOPIC_AND_OUTCOME)
        .order_by("topic__order", "topic__title", "topic__pk", "outcome__order", "outcome__name")[: PICKER_MAX + 1]
    )
    if len(scenarios) > PICKER_MAX:
        return ""
    return render_to_string("scenarios/compare.html#picker-options", {"scenarios": scenarios})
