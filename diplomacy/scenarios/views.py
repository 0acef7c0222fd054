"""Pages for readers: the home page, topics and scenarios."""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Influence, Scenario, Topic


def _published_scenarios():
    return Scenario.objects.published().select_related("outcome").order_by("outcome__order")


def home(request: HttpRequest) -> HttpResponse:
    topics = Topic.objects.published().prefetch_related(Prefetch("scenarios", queryset=_published_scenarios()))
    return render(request, "scenarios/home.html", {"topics": topics})


def topic_detail(request: HttpRequest, topic: str) -> HttpResponse:
    topic_obj = get_object_or_404(
        Topic.objects.published().prefetch_related(
            Prefetch(
                "scenarios",
                queryset=_published_scenarios().prefetch_related(
                    Prefetch("influences", queryset=Influence.objects.select_related("factor"))
                ),
            ),
            "sources",
        ),
        slug=topic,
    )
    return render(request, "scenarios/topic.html", {"topic": topic_obj})


def scenario_detail(request: HttpRequest, topic: str, scenario: str) -> HttpResponse:
    scenario_obj = get_object_or_404(
        Scenario.objects.published()
        .select_related("topic", "outcome")
        .prefetch_related(Prefetch("influences", queryset=Influence.objects.select_related("factor")), "sources"),
        topic__slug=topic,
        slug=scenario,
    )
    siblings = _published_scenarios().filter(topic=scenario_obj.topic).exclude(pk=scenario_obj.pk)
    return render(request, "scenarios/scenario.html", {"scenario": scenario_obj, "siblings": siblings})
