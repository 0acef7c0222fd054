"""/scores/: how readers, the community and the editors did on resolved topics.

Readers are named only if they chose to be (Forecaster.listed); everyone else is "a reader",
and a signed-in reader sees which row is theirs. Only resolutions that stand, of published
topics, count.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from diplomacy.core.cache import EDITORIAL, SCORES, cached_page
from diplomacy.scenarios.meta import PageMeta
from diplomacy.scenarios.models import Topic

from . import calibration
from .models import Resolution, Score

BOARD_PAGE = 50
UNNAMED = "A reader"


@dataclass(frozen=True)
class Row:
    rank: int
    name: str
    yours: bool
    topics: int
    brier: float
    log: float


def _shows(**kwargs: str) -> list[str]:
    return [EDITORIAL, SCORES]


def board(request: HttpRequest, scores) -> tuple[Page, list[Row]]:
    """A page of the readers' leaderboard of these scores, with names as the readers chose."""
    page = Paginator(scores.leaderboard(), BOARD_PAGE).get_page(request.GET.get("page"))
    entries = list(page)
    users = get_user_model().objects.filter(pk__in=[entry["reader"] for entry in entries])
    names = {
        pk: name if listed else None for pk, name, listed in users.values_list("pk", "username", "forecaster__listed")
    }
    rows = [
        Row(
            rank=page.start_index() + n,
            name=names.get(entry["reader"]) or UNNAMED,
            yours=entry["reader"] == request.user.pk,
            topics=entry["topics"],
            brier=entry["brier"],
            log=entry["log"],
        )
        for n, entry in enumerate(entries)
    ]
    return page, rows


def group_rows(scores) -> list[tuple[str, dict]]:
    """The editors' and the community's averages, as the board's first rows."""
    groups = scores.groups()
    labels = [(Score.Kind.EDITORS, "The editors"), (Score.Kind.COMMUNITY, "The community")]
    return [(label, groups[kind]) for kind, label in labels if kind in groups]


def community_calibration() -> calibration.CalibrationChart:
    """The community's time-averaged probability of each outcome of every resolved topic, against what happened."""
    scores = Score.objects.public().filter(kind=Score.Kind.COMMUNITY)
    forecasts = [
        calibration.Forecast(min(max(probability, 0.0), 1.0), int(pk) == happened)
        for numbers, happened in scores.values_list("probabilities", "resolution__scenario_id")
        for pk, probability in numbers.items()
    ]
    return calibration.draw(calibration.bins(forecasts))


@require_safe
@cached_page(_shows)
def scores(request: HttpRequest) -> HttpResponse:
    page, rows = board(request, Score.objects.all())
    resolutions = (
        Resolution.objects.standing().filter(topic__is_published=True).select_related("topic", "scenario__outcome")
    )
    meta = PageMeta(
        title="Scores",
        description="How readers, the community and the editors scored on the topics that have resolved.",
        path=reverse("scores") + (f"?page={page.number}" if page.number > 1 else ""),
    )
    context = {
        "page": page,
        "rows": rows,
        "groups": group_rows(Score.objects.all()),
        "resolutions": resolutions,
        "calibration": community_calibration(),
        "meta": meta,
    }
    return render(request, "forecasts/scores.html", context)


@require_safe
@cached_page(_shows)
def topic_scores(request: HttpRequest, topic: str) -> HttpResponse:
    topic_obj = get_object_or_404(Topic.objects.published(), slug=topic)
    resolution = Resolution.objects.standing().filter(topic=topic_obj).select_related("scenario__outcome").first()
    scores = Score.objects.filter(resolution=resolution) if resolution else Score.objects.none()
    page, rows = board(request, scores)
    meta = PageMeta(
        title=f"Scores on {topic_obj.title}",
        description=f"How readers, the community and the editors scored on {topic_obj.title}.",
        path=reverse("topic_scores", kwargs={"topic": topic}) + (f"?page={page.number}" if page.number > 1 else ""),
    )
    context = {
        "topic": topic_obj,
        "resolution": resolution,
        "page": page,
        "rows": rows,
        "groups": group_rows(scores),
        "meta": meta,
    }
    return render(request, "forecasts/topic_scores.html", context)
