"""Readers' estimates: saving one from the topic page, and "My estimates"."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from diplomacy.scenarios.models import Scenario, Topic
from diplomacy.scenarios.views import topic_response

from .forms import EstimateForm
from .models import Forecast, Forecaster, ForecastVersion, Resolution, Score
from .panel import Entry, choices_of, closed

ANCHOR = "#your-estimate"


@require_POST
def estimate(request: HttpRequest, topic: str) -> HttpResponse:
    """Save the reader's estimate for a topic; "Scale to 100" only rescales what they typed."""
    resolved = Exists(Resolution.objects.standing().filter(topic=OuterRef("pk")))
    topic_obj = get_object_or_404(Topic.objects.visible_to(request.user).annotate(resolved=resolved), slug=topic)
    if not request.user.is_authenticated:
        return redirect_to_login(topic_obj.get_absolute_url() + ANCHOR)
    # Published outcomes, on this topic whether or not it is published (an editor may be previewing it).
    scenarios = Scenario.objects.filter(topic=topic_obj, is_published=True).select_related("outcome")
    choices = choices_of(list(scenarios.order_by("outcome__order")))
    form = EstimateForm(request.POST, scenarios=choices)
    if problem := closed(topic_obj, resolved=topic_obj.resolved, choices=choices):
        form.is_valid()
        form.add_error(None, problem)
        return topic_response(request, topic, form, status=422)
    if "scale" in request.POST:
        return topic_response(request, topic, _scaled(form))
    form.is_valid()
    status = 422
    if Forecast.saves_lately(request.user) >= (limit := settings.ESTIMATE_RATE_LIMIT):
        form.add_error(None, f"You have saved {limit} estimates in the last minute. Wait a moment and save again.")
        status = 429
    elif form.is_valid():
        Forecast.record(request.user, topic_obj, form.numbers(), form.cleaned_data["reason"])
        messages.success(request, "Your estimate is saved.")
        return redirect(topic_obj.get_absolute_url() + ANCHOR)
    return topic_response(request, topic, form, status=status)


def _scaled(form: EstimateForm) -> EstimateForm:
    """The form again with what was typed scaled to add up to 100 (not saved)."""
    scaled = form.scaled()
    again = EstimateForm(scaled or form.data, scenarios=form.scenarios)
    again.is_valid()
    if scaled is None:
        again.add_error(None, "Type a number above 0 for at least one outcome, then scale.")
    return again


@require_safe
@login_required
def my_estimates(request: HttpRequest) -> HttpResponse:
    """Every topic the reader has estimated: theirs beside the editors' and the community's, every version."""
    scenarios = Scenario.objects.published().select_related("outcome").order_by("outcome__order")
    forecasts = (
        Forecast.objects.by(request.user)
        .select_related("topic", "topic__community")
        .prefetch_related(
            Prefetch("topic__scenarios", queryset=scenarios, to_attr="published_scenarios"),
            Prefetch(
                "topic__resolutions",
                queryset=Resolution.objects.standing().select_related("scenario__outcome"),
                to_attr="standing",
            ),
            Prefetch("versions", queryset=ForecastVersion.objects.order_by("-made_at", "-pk")),
        )
    )
    page = Paginator(forecasts, 20).get_page(request.GET.get("page"))
    scores = Score.objects.standing().filter(reader=request.user).select_related("resolution")
    by_topic = {score.resolution.topic_id: score for score in scores}
    context = {
        "page": page,
        "entries": [Entry.of(forecast, by_topic.get(forecast.topic_id)) for forecast in page],
        "listed": Forecaster.is_listed(request.user),
    }
    return render(request, "forecasts/mine.html", context)


@require_POST
@login_required
def listing(request: HttpRequest) -> HttpResponse:
    """Whether the reader's name shows on /scores/ (off by default)."""
    listed = request.POST.get("listed") == "on"
    Forecaster.objects.update_or_create(user=request.user, defaults={"listed": listed})
    if listed:
        messages.success(request, "Your name now shows on the scores.")
    else:
        messages.success(request, "The scores now show you as “a reader”.")
    return redirect("my_estimates")
