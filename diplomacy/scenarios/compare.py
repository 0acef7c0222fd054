"""The compare page: up to four scenarios side by side."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from diplomacy.core.cache import cached_page

from .meta import PageMeta
from .models import Scenario
from .views import _editorial, _influences

COMPARE_MAX = 4


@require_safe
@cached_page(_editorial)
def compare(request: HttpRequest) -> HttpResponse:
    refs = list(dict.fromkeys(request.GET.getlist("s")))
    if len(refs) > COMPARE_MAX:
        error = f"Compare at most {COMPARE_MAX} scenarios at once: this link names {len(refs)}."
        return render(request, "scenarios/compare.html", {"error": error}, status=400)
    pairs = [ref.split("/", 1) for ref in refs if ref.count("/") == 1]
    wanted = Q(pk__in=[])
    for topic, slug in pairs:
        wanted |= Q(topic__slug=topic, slug=slug)
    found = {
        s.ref: s
        for s in Scenario.objects.published()
        .filter(wanted)
        .select_related("topic", "outcome")
        .prefetch_related(_influences())
    }
    scenarios = [found[ref] for ref in refs if ref in found]
    context = {
        "scenarios": scenarios,
        "missing": [ref for ref in refs if ref not in found],
        "meta": PageMeta(
            title="Compare: " + " · ".join(s.title for s in scenarios) if scenarios else "Compare scenarios",
            description="Scenarios of the US–Russia talks side by side.",
            path=reverse("compare")
            + ("?" + urlencode([("s", s.ref) for s in scenarios], doseq=True) if scenarios else ""),
        ),
    }
    return render(request, "scenarios/compare.html", context)
