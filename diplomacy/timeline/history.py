"""A topic's history: its revisions as a chart and a table on its pages, as CSV to take away, and
what its signposts show.

Everything here reads a whole topic in a fixed number of queries, however many revisions and
developments it has, and honours a `Visibility`: draft scenarios and draft developments show
to editors only.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from diplomacy.core.cache import EDITORIAL, cached_page, fragment
from diplomacy.core.site import site_url
from diplomacy.forecasts.community import SHOWN_FROM
from diplomacy.forecasts.models import CommunityVersion, whole_by_scenario
from diplomacy.scenarios.models import Outcome, Scenario, Signpost, Topic, Visibility

from . import chart
from .models import Development, Estimate, Revision, SignpostMark

COMMUNITY_READINGS = 120  # at most, on a chart: about one per five units of its width
NO_EDITOR = "editors"  # who a revision is credited to when no editor recorded it (the seeds' first)
CSV_COLUMNS = ("date", "outcome", "likelihood", "editor", "reason", "development")
# What a spreadsheet would take for a formula at the start of a cell (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Number:
    """An outcome's number in a revision, and how it moved from that outcome's number before."""

    value: int | None
    change: int | None = None
    focus: bool = False  # the number of the scenario whose page this is

    @property
    def change_label(self) -> str:
        """The change as "+5" or "−5" (a real minus), or "" when nothing moved or nothing came before."""
        if not self.change:
            return ""
        return f"+{self.change}" if self.change > 0 else f"\u2212{-self.change}"


@dataclass(frozen=True)
class Row:
    """A revision as the table (and the CSV) shows it."""

    revision: Revision
    numbers: tuple[Number, ...]
    editor: str
    development: Development | None  # only one the reader may see


@dataclass(frozen=True)
class History:
    topic: Topic
    scenarios: tuple[Scenario, ...]  # the table's columns, in outcome order
    rows: tuple[Row, ...]  # oldest first
    chart: chart.Chart
    focus: Scenario | None = None


@dataclass(frozen=True)
class Revisions:
    """A topic's revisions, oldest first; their numbers, by revision and then scenario; and the
    developments the reader may see that are about the topic or prompted one of them."""

    revisions: list[Revision]
    values: dict[int, dict[int, int]]
    developments: list[Development]

    def rows(self, scenarios: Sequence[Scenario], focus: Scenario | None = None) -> tuple[Row, ...]:
        """The table of these revisions, a column per scenario."""
        shown = {development.pk for development in self.developments}
        return _rows(self.revisions, self.values, scenarios, shown, focus)


def revisions_of(topic: Topic, visibility: Visibility) -> Revisions | None:
    """The topic's revisions (None before the first), in three queries."""
    revisions = list(Revision.objects.filter(topic=topic).chronological().select_related("editor", "development"))
    if not revisions:
        return None
    values: dict[int, dict[int, int]] = {}
    estimates = Estimate.objects.filter(revision__topic=topic).order_by()
    for revision_id, scenario_id, likelihood in estimates.values_list("revision_id", "scenario_id", "likelihood"):
        values.setdefault(revision_id, {})[scenario_id] = likelihood
    developments = list(
        Development.objects.visible(visibility)
        .filter(Q(topics=topic) | Q(revisions__topic=topic))
        .distinct()
        .only("pk", "slug", "title", "happened_on")
    )
    return Revisions(revisions, values, developments)


def topic_history(
    topic: Topic,
    scenarios: Sequence[Scenario],
    visibility: Visibility,
    *,
    today: datetime.date,
    focus: Scenario | None = None,
) -> History | None:
    """The history of `topic` for these scenarios (those the reader may see, in outcome order,
    each with its outcome loaded): None before its first revision. Five queries.

    The community's estimates join as their own lines from when enough readers had estimated,
    one reading a day (the day's last)."""
    found = revisions_of(topic, visibility)
    if found is None:
        return None
    revisions, values, developments = found.revisions, found.values, found.developments
    rank = {pk: n for n, pk in enumerate(Outcome.objects.values_list("pk", flat=True), start=1)}
    rows = found.rows(scenarios, focus)
    community = community_readings(topic)
    last = max(revisions[-1].as_of, community[-1].day if community else revisions[-1].as_of)
    start, end = chart.date_range(revisions[0].as_of, last, today)
    drawn = chart.draw(
        [chart.Series(s.pk, s.outcome.name, rank.get(s.outcome_id, 1)) for s in scenarios],
        [chart.Reading(revision.as_of, values.get(revision.pk, {})) for revision in revisions],
        [chart.Marker(d.happened_on, d.title, d.get_absolute_url()) for d in developments],
        start=start,
        end=end,
        focus=focus.pk if focus else None,
        community=community,
    )
    return History(topic=topic, scenarios=tuple(scenarios), rows=rows, chart=drawn, focus=focus)


def community_readings(topic: Topic) -> list[chart.Reading]:
    """The community's whole numbers by scenario, a reading a day (the day's last version), from
    the first day it was shown (SHOWN_FROM readers); a day it fell below that ends the line."""
    versions = CommunityVersion.objects.filter(topic=topic).order_by("made_at", "pk")
    last_of_day: dict[datetime.date, tuple[int, dict[str, float]]] = {}
    for made_at, readers, numbers in versions.values_list("made_at", "readers", "numbers"):
        last_of_day[timezone.localdate(made_at)] = (readers, numbers)
    readings: list[chart.Reading] = []
    for day, (readers, numbers) in _thinned(last_of_day):
        values = whole_by_scenario(numbers) if readers >= SHOWN_FROM else {}
        if (values or readings) and not (readings and readings[-1].values == values):  # only changes
            readings.append(chart.Reading(day, values))
    return readings


def _thinned(by_day: dict[datetime.date, tuple[int, dict[str, float]]]) -> list[tuple[datetime.date, tuple]]:
    """At most COMMUNITY_READINGS readings, each the last of an equal stretch of days: a line a few
    hundred units wide shows no more, and a topic estimated every day for years would otherwise
    draw thousands of steps into every page that shows its chart."""
    days = list(by_day)
    if len(days) <= COMMUNITY_READINGS:
        return list(by_day.items())
    span = max((days[-1] - days[0]).days, 1) / COMMUNITY_READINGS
    last: dict[int, datetime.date] = {}
    for day in days:
        last[min(int((day - days[0]).days // span), COMMUNITY_READINGS - 1)] = day
    return [(day, by_day[day]) for day in sorted(last.values())]


def _rows(
    revisions: Sequence[Revision],
    values: dict[int, dict[int, int]],
    scenarios: Sequence[Scenario],
    shown: set[int],
    focus: Scenario | None,
) -> tuple[Row, ...]:
    before: dict[Hashable, int] = {}
    rows = []
    for revision in revisions:
        numbers = []
        for scenario in scenarios:
            value = values.get(revision.pk, {}).get(scenario.pk)
            previous = before.get(scenario.pk)
            change = None if value is None or previous is None else value - previous
            numbers.append(Number(value, change, focus=focus is not None and scenario.pk == focus.pk))
            if value is not None:
                before[scenario.pk] = value
        rows.append(
            Row(
                revision=revision,
                numbers=tuple(numbers),
                editor=revision.editor.get_username() if revision.editor else NO_EDITOR,
                development=revision.development if revision.development_id in shown else None,
            )
        )
    return tuple(rows)


def signposts_with_marks(visibility: Visibility) -> Prefetch:
    """Prefetch a scenario's signposts, each with the marks of developments the reader may see,
    latest development first (the first mark is the signpost's state). Two queries."""
    marks = SignpostMark.objects.filter(development__in=Development.objects.visible(visibility)).select_related(
        "development"
    )
    return Prefetch("signpost_items", queryset=Signpost.objects.prefetch_related(Prefetch("marks", queryset=marks)))


@dataclass(frozen=True)
class Tally:
    """How many of a scenario's signposts have been seen: last marked observed."""

    seen: int
    total: int


def signpost_tally(scenario: Scenario) -> Tally:
    """The tally of a scenario whose signposts were prefetched with `signposts_with_marks`."""
    signposts = scenario.signpost_items.all()
    seen = sum(1 for s in signposts if (marks := s.marks.all()) and marks[0].state == SignpostMark.State.OBSERVED)
    return Tally(seen=seen, total=len(signposts))


def _csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: a leading formula sign is escaped with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def history_rows(history: History) -> list[tuple[object, ...]]:
    """One row per outcome per revision, oldest first, in outcome order within a revision."""
    rows: list[tuple[object, ...]] = []
    for row in history.rows:
        link = site_url() + row.development.get_absolute_url() if row.development else ""
        for scenario, number in zip(history.scenarios, row.numbers, strict=True):
            if number.value is not None:
                line = (row.revision.as_of.isoformat(), scenario.outcome.name, number.value, row.editor)
                rows.append((*line, row.revision.reason, link))
    return rows


def _history_csv(slug: str, visibility: Visibility) -> str | None:
    topic = Topic.objects.visible(visibility).filter(slug=slug).first()
    if topic is None:
        return None
    scenarios = list(
        Scenario.objects.visible(visibility).filter(topic=topic).select_related("outcome").order_by("outcome__order")
    )
    history = topic_history(topic, scenarios, visibility, today=timezone.localdate())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in history_rows(history) if history else []:
        writer.writerow([_csv_cell(value) for value in row])
    return out.getvalue()


def _shows(topic: str) -> list[str]:
    return [EDITORIAL]


@require_safe
@cached_page(_shows)
def history_csv(request: HttpRequest, topic: str) -> HttpResponse:
    """/topics/<topic>/history.csv: every revision's numbers, who made them, why, and what prompted them."""
    visibility = Visibility.of(request.user)
    text = fragment(request, "history-csv", _shows(topic), lambda: _history_csv(topic, visibility), topic, visibility)
    if text is None:
        raise Http404("No such topic.")
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{topic}-history.csv"'
    return response
