"""What a reader sees of estimates on a topic page: the editors', the community's and their own,
with the form to give or revise theirs; or the resolution and their score once it resolved."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from django.forms import BoundField
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from diplomacy.core.cache import EDITORIAL, community_scope, csrf_stand_in, fragment, reader_scope
from diplomacy.scenarios.models import Scenario, Topic

from .community import SHOWN_FROM
from .forms import Choice, EstimateForm, field_name
from .models import Community, Forecast, Resolution, Score


def choices_of(scenarios: Sequence[Scenario]) -> tuple[Choice, ...]:
    """The outcomes readers estimate: the published scenarios (with their outcomes loaded), in order."""
    return tuple(Choice(s.pk, s.slug, s.outcome.name, s.likelihood) for s in scenarios if s.is_published)


def closed(topic: Topic, *, resolved: bool, choices: Sequence[Choice]) -> str | None:
    """Why readers may not estimate the topic now, or None: it must be published, not resolved,
    and have outcomes."""
    if resolved:
        return "This topic is resolved: it takes no new estimates."
    if not topic.is_published:
        return "Readers can estimate this topic once it is published."
    if not choices:
        return "This topic has no published outcomes to estimate yet."
    return None


@dataclass(frozen=True)
class Estimating:
    """What every reader of a topic page shares about estimating it (cached with the page)."""

    topic: Topic
    choices: tuple[Choice, ...]
    community: Community | None
    resolution: Resolution | None
    shown_from: int = SHOWN_FROM

    @classmethod
    def of(cls, topic: Topic, scenarios: Sequence[Scenario]) -> Estimating:
        """Two queries: the community estimate and the standing resolution."""
        resolution = Resolution.objects.standing().filter(topic=topic).select_related("scenario__outcome").first()
        return cls(topic, choices_of(scenarios), Community.objects.filter(topic=topic).first(), resolution)

    @property
    def community_shown(self) -> bool:
        return self.community is not None and self.community.is_shown

    @property
    def readers(self) -> int:
        return self.community.readers if self.community else 0

    @property
    def open(self) -> bool:
        return closed(self.topic, resolved=self.resolution is not None, choices=self.choices) is None

    @cached_property
    def community_numbers(self) -> dict[int, int]:
        """The community's whole numbers, once (every outcome asks), or none until shown."""
        return self.community.whole if self.community_shown and self.community else {}

    def community_number(self, pk: int) -> int | None:
        return self.community_numbers.get(pk)


@dataclass(frozen=True)
class Row:
    choice: Choice
    community: int | None
    yours: int | None
    field: BoundField | None


@dataclass(frozen=True)
class Panel:
    estimating: Estimating
    rows: tuple[Row, ...]
    form: EstimateForm | None
    forecast: Forecast | None
    score: Score | None
    shown_from: int = SHOWN_FROM


PANEL_TEMPLATE = "scenarios/topic.html#estimate"


def panel_html(request: HttpRequest, estimating: Estimating, form: EstimateForm | None = None) -> SafeString:
    """The reader's panel, rendered. A signed-in reader's, as it stands (no form to show again),
    is cached for them until they, an editor or the community change what it shows."""
    user = request.user
    if form is not None or not user.is_authenticated:
        return mark_safe(render_to_string(PANEL_TEMPLATE, {"panel": panel(user, estimating, form)}, request))  # noqa: S308
    topic = estimating.topic.slug
    scopes = [EDITORIAL, community_scope(topic), reader_scope(user.pk)]
    context = {"user": user, "csrf_token": csrf_stand_in()}
    build = lambda: render_to_string(PANEL_TEMPLATE, context | {"panel": panel(user, estimating)})  # noqa: E731
    # The scopes name the topic and the reader; what the panel offers is the same whatever drafts
    # the reader may see (readers estimate published outcomes of published topics).
    html = fragment(request, "estimate-panel", scopes, build)
    return mark_safe(html.replace(csrf_stand_in(), get_token(request)))  # noqa: S308 (Django's templates escape)


def panel(user, estimating: Estimating, form: EstimateForm | None = None) -> Panel:
    """The reader's panel: none of theirs for anonymous readers (no queries), else one or two queries."""
    forecast = score = None
    if user.is_authenticated:
        forecast = Forecast.objects.by(user).filter(topic=estimating.topic).first()
        if estimating.resolution:
            score = Score.objects.filter(resolution=estimating.resolution, reader=user).first()
    yours = forecast.by_scenario if forecast else {}
    if user.is_authenticated and estimating.open and form is None:
        initial = {field_name(c): yours[c.pk] for c in estimating.choices if c.pk in yours}
        form = EstimateForm(
            scenarios=estimating.choices, initial=initial | {"reason": forecast.reason if forecast else ""}
        )
    rows = tuple(
        Row(
            choice,
            estimating.community_number(choice.pk),
            int(yours[choice.pk]) if choice.pk in yours else None,
            form[field_name(choice)] if form else None,
        )
        for choice in estimating.choices
    )
    # A refused estimate (the topic closed meanwhile) comes back as typed, with why.
    return Panel(estimating, rows, form if estimating.open or (form and form.is_bound) else None, forecast, score)


@dataclass(frozen=True)
class Numbers:
    """An outcome's numbers side by side: the editors', the community's (when shown) and the reader's."""

    name: str
    editors: int | None
    community: int | None
    yours: int | None


@dataclass(frozen=True)
class Saved:
    made_at: datetime.datetime
    summary: str  # "Breakthrough 10 %, Limited agreement 40 %, …"
    reason: str


@dataclass(frozen=True)
class Entry:
    """One topic in "My estimates"."""

    topic: Topic
    updated_at: datetime.datetime
    resolution: Resolution | None
    rows: tuple[Numbers, ...]
    versions: tuple[Saved, ...]
    score: Score | None

    @classmethod
    def of(cls, forecast: Forecast, score: Score | None) -> Entry:
        """From a forecast with its topic's community, published scenarios, standing resolutions
        and its versions prefetched (see my_estimates)."""
        topic = forecast.topic
        scenarios = topic.published_scenarios  # type: ignore[attr-defined]
        shared = getattr(topic, "community", None)
        community = shared.whole if shared is not None and shared.is_shown else {}
        yours = forecast.by_scenario
        rows = tuple(
            Numbers(s.outcome.name, s.likelihood, community.get(s.pk), _whole(yours.get(s.pk))) for s in scenarios
        )
        names = {s.pk: s.outcome.name for s in scenarios}
        versions = tuple(Saved(v.made_at, _summary(v.by_scenario, names), v.reason) for v in forecast.versions.all())
        resolution = topic.standing[0] if topic.standing else None  # type: ignore[attr-defined]
        return cls(topic, forecast.updated_at, resolution, rows, versions, score)


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)


def _summary(numbers: dict[int, float], names: dict[int, str]) -> str:
    return ", ".join(f"{names[pk]} {int(value)}\u2009%" for pk, value in numbers.items() if pk in names)
