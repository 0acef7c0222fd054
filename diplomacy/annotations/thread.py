"""What one reader sees of a scenario's annotations: the highlighted narrative, the count and the thread.

What every reader sees (public annotations no editor has hidden) is built once per
change to it and cached (keys from diplomacy/core/cache.py). What only this reader
sees is laid over it: their own private or hidden annotations (for an editor, every
hidden one), the controls on their own annotations, their flags. Most readers have
none of that on a given scenario: they get the shared thread as it is, rendered once
for everyone signed in, with only their CSRF token put in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, QueryDict
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from diplomacy.core.cache import EDITORIAL, community_scope, csrf_stand_in, fragment, fragments, scenario_scope
from diplomacy.scenarios.models import Scenario

from .anchoring import Anchor, locate, render_narrative
from .models import Annotation, AnnotationQuerySet, Flag

THREAD_PAGE = 20
EDITORS_NOTES_SHOWN = 20
HIGHLIGHTS_MAX = 300
ORDERS = {"newest": ("-created_at", "-pk"), "oldest": ("created_at", "pk")}
# What the thread's filter offers: each kind readers write, by its plural ("evidence" has none).
KINDS = [
    (Annotation.Kind.NOTE.value, "notes"),
    (Annotation.Kind.EVIDENCE.value, "evidence"),
    (Annotation.Kind.COUNTERPOINT.value, "counterpoints"),
    (Annotation.Kind.QUESTION.value, "questions"),
]
THREAD_TEMPLATE = "scenarios/scenario.html#thread"
ITEM_TEMPLATE = "scenarios/scenario.html#annotation-content"


def shows(topic: str, scenario: str) -> list[str]:
    """The scopes of a scenario's page and thread: its content and its public annotations."""
    return [EDITORIAL, community_scope(topic), scenario_scope(topic, scenario)]


@dataclass(frozen=True)
class Params:
    """The thread's filter, order and page, from the query string; anything unknown is ignored."""

    kind: str = ""
    order: str = "newest"
    page: int = 1

    @classmethod
    def from_query(cls, query: QueryDict) -> Params:
        kind, order, page = query.get("kind", ""), query.get("order", "newest"), query.get("page", "1")
        return cls(
            kind=kind if kind in dict(KINDS) else "",
            order=order if order in ORDERS else "newest",
            page=int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1,
        )

    @property
    def query(self) -> str:
        """The filter and order as a query string (no page), leaving out the defaults."""
        pairs = (("kind", self.kind), ("order", self.order if self.order != "newest" else ""))
        return urlencode([(name, value) for name, value in pairs if value])

    @property
    def parts(self) -> tuple[str, str, int]:
        """What a cached thread depends on."""
        return self.kind, self.order, self.page

    @property
    def address(self) -> str:
        """The query string, with "?", that puts the scenario page's thread in this state."""
        query = "&".join(part for part in (self.query, f"page={self.page}" if self.page > 1 else "") if part)
        return f"?{query}" if query else ""


@dataclass
class Item:
    """One annotation as the thread shows it: its rendering, the same for every reader, and
    what this reader may do with it."""

    pk: int
    author_id: int
    kind: str
    is_public: bool
    is_hidden: bool
    html: str
    mine: bool = False
    flagged_by_me: bool = False
    moderated_by_me: bool = False
    moderation_error: str = ""

    @property
    def content(self) -> SafeString:
        return mark_safe(self.html)  # noqa: S308 (rendered by Django's templates, which escape)

    @property
    def is_editors_note(self) -> bool:
        return self.kind == Annotation.Kind.EDITORS_NOTE

    def lay_over(self, user: Any, flagged: Iterable[int]) -> None:
        """What this reader may do with it: edit their own, flag others' once, moderate as an editor."""
        self.mine = self.author_id == user.pk
        self.flagged_by_me = self.pk in flagged
        self.moderated_by_me = user.has_perm("annotations.moderate_annotation")


def render_items(request: HttpRequest, annotations: Iterable[Annotation], narrative: str) -> list[Item]:
    """Annotations as the thread shows them. Each one's rendering is cached until it changes (or the
    narrative does, which may detach its quote); all are fetched from the cache at once."""

    def build(annotation: Annotation) -> Callable[[], str]:
        def render() -> str:
            detached = bool(annotation.quote) and annotation.locate(narrative) is None
            return render_to_string(ITEM_TEMPLATE, {"annotation": annotation, "detached": detached})

        return render

    annotations = list(annotations)
    pieces = [((a.pk, a.updated_at.isoformat()), build(a)) for a in annotations]
    rendered = fragments(request, "annotation", [EDITORIAL], pieces)
    return [
        Item(a.pk, a.author_id, a.kind, a.is_public, a.is_hidden, html)
        for a, html in zip(annotations, rendered, strict=True)
    ]


def render_item(request: HttpRequest, annotation: Annotation, narrative: str) -> Item:
    return render_items(request, [annotation], narrative)[0]


@dataclass
class Page:
    """One page of the thread: the editor's notes, then the annotations the filter and order select."""

    params: Params
    editors_notes: list[Item]
    items: list[Item]
    number: int
    has_previous: bool
    has_next: bool

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def shown(self) -> list[Item]:
        return self.editors_notes + self.items


@dataclass
class _Shared:
    """What every reader sees of one scenario's annotations (cached as plain data)."""

    count: int
    anchors: list[tuple[Any, ...]] = field(default_factory=list)
    narrative_html: str = ""


@dataclass(frozen=True)
class _StandIn:
    """The user a thread is rendered for when it is the same for every such reader."""

    is_authenticated: bool
    pk: None = None


class ScenarioAnnotations:
    def __init__(self, request: HttpRequest, scenario: Scenario) -> None:
        self.request, self.scenario, self.user = request, scenario, request.user
        self.scopes = shows(scenario.topic.slug, scenario.slug)
        self.shared = fragment(request, "annotations", self.scopes, self._build_shared, scenario.pk)
        # Unordered, so that the database looks them up by reader rather than walk the whole thread.
        concerning = Annotation.objects.concerning(self.user).filter(scenario=scenario).order_by()
        rows = concerning.values_list("created_at", "pk", "is_public", "state", "quote", "quote_prefix", "quote_suffix")
        # Seen by this reader only, newest first: their private or hidden annotations, and for editors the hidden ones.
        self.own = [
            (pk, quote, prefix, suffix)
            for _, pk, public, state, quote, prefix, suffix in sorted(rows, reverse=True)
            if not (public and state == Annotation.State.SHOWN)
        ]
        self.wrote_or_moderates = bool(rows) or self.user.has_perm("annotations.moderate_annotation")

    def _build_shared(self) -> _Shared:
        everyone = Annotation.objects.for_everyone().filter(scenario=self.scenario)
        quoted = everyone.exclude(quote="").order_by("-created_at")[:HIGHLIGHTS_MAX]
        anchors = _anchors(quoted.values_list("pk", "quote", "quote_prefix", "quote_suffix"), self.scenario)
        html = render_narrative(self.scenario.narrative, anchors)
        # Plain tuples and a str in the cache, so that a deploy changing Anchor can't break unpickling.
        return _Shared(
            count=everyone.count(),
            anchors=[(a.annotation_id, a.start, a.end, a.href) for a in anchors],
            narrative_html=str(html),
        )

    @property
    def count(self) -> int:
        """How many of the scenario's annotations this reader can see, of every kind."""
        return self.shared.count + len(self.own)

    @property
    def narrative_html(self) -> SafeString:
        """The narrative with the passages of the annotations this reader can see highlighted."""
        own = _anchors(self.own, self.scenario)
        if not own:
            return mark_safe(self.shared.narrative_html)  # noqa: S308 (the cached output of render_narrative, which escapes)
        return render_narrative(self.scenario.narrative, [Anchor(*a) for a in self.shared.anchors] + own)

    def thread_html(self, params: Params) -> SafeString:
        """The thread as this reader sees it: the one render path for the scenario page and the thread's address."""
        page = self.page(params)
        # A reader who wrote, flagged or may moderate nothing here sees the thread every such reader sees.
        if self.wrote_or_moderates or any(item.flagged_by_me for item in page.shown):
            return render_to_string(THREAD_TEMPLATE, self._context(page), self.request)
        signed_in = self.user.is_authenticated
        stand_ins = {"user": _StandIn(signed_in), "csrf_token": csrf_stand_in()}
        build = lambda: render_to_string(THREAD_TEMPLATE, self._context(page) | stand_ins)  # noqa: E731
        html = str(
            fragment(self.request, "thread-html", self.scopes, build, self.scenario.pk, *params.parts, signed_in)
        )
        if signed_in:
            html = html.replace(csrf_stand_in(), get_token(self.request))
        return mark_safe(html)  # noqa: S308 (rendered by Django's templates, which escape)

    def _context(self, page: Page) -> dict[str, Any]:
        return {"scenario": self.scenario, "thread": page.params, "thread_page": page, "kinds": KINDS}

    def page(self, params: Params) -> Page:
        """One page of the thread, with this reader's own annotations and controls."""
        page = (
            self._build_page(Annotation.objects.visible_to(self.user), params)
            if self.own
            else self._shared_page(params)
        )
        if self.user.is_authenticated:
            others = [item.pk for item in page.shown if item.author_id != self.user.pk]
            flagged = set(
                Flag.objects.filter(user=self.user, annotation__in=others).values_list("annotation_id", flat=True)
            )
            for item in page.shown:
                item.lay_over(self.user, flagged)
        return page

    def _shared_page(self, params: Params) -> Page:
        build = lambda: self._build_page(Annotation.objects.for_everyone(), params)  # noqa: E731
        return fragment(self.request, "thread", self.scopes, build, self.scenario.pk, *params.parts)

    def _build_page(self, annotations: AnnotationQuerySet, params: Params) -> Page:
        visible = annotations.filter(scenario=self.scenario).select_related("author")
        notes = visible.filter(kind=Annotation.Kind.EDITORS_NOTE).order_by("-created_at")[:EDITORS_NOTES_SHOWN]
        others = visible.exclude(kind=Annotation.Kind.EDITORS_NOTE)
        if params.kind:
            others = others.filter(kind=params.kind)
        page = Paginator(others.order_by(*ORDERS[params.order]), THREAD_PAGE).get_page(params.page)
        narrative = self.scenario.narrative
        return Page(
            params=params,
            editors_notes=render_items(self.request, notes, narrative),
            items=render_items(self.request, page, narrative),
            number=page.number,
            has_previous=page.has_previous(),
            has_next=page.has_next(),
        )


def _anchors(rows: Iterable[tuple[int, str, str, str]], scenario: Scenario) -> list[Anchor]:
    """Where the first HIGHLIGHTS_MAX quoting annotations of these (pk, quote, prefix, suffix)
    rows, newest first, stand in the narrative."""
    anchors = []
    for pk, quote, prefix, suffix in [row for row in rows if row[1]][:HIGHLIGHTS_MAX]:
        found = locate(scenario.narrative, quote, prefix, suffix)
        if found:
            anchors.append(Anchor(pk, *found, reverse("annotation", kwargs={"pk": pk})))
    return anchors


def page_of(user: Any, annotation: Annotation) -> int:
    """The page of the scenario's thread (newest first) that shows this annotation."""
    if annotation.kind == Annotation.Kind.EDITORS_NOTE:
        return 1
    newer = (
        Annotation.objects.visible_to(user)
        .filter(scenario=annotation.scenario_id)
        .exclude(kind=Annotation.Kind.EDITORS_NOTE)
        .filter(Q(created_at__gt=annotation.created_at) | Q(created_at=annotation.created_at, pk__gt=annotation.pk))
        .count()
    )
    return newer // THREAD_PAGE + 1
