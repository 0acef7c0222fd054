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
from html import unescape
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, QueryDict
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from diplomacy.core.cache import EDITORIAL, community_scope, csrf_stand_in, fragment, fragments, scenario_scope
from diplomacy.scenarios.models import Scenario

from .anchoring import Anchor, locate, render_narrative
from .markdown import first_line
from .models import Annotation, AnnotationQuerySet, Flag

THREAD_PAGE = 20
REPLIES_SHOWN = 3  # replies shown under an annotation before "show all"
DEPTH_SHOWN = 4  # replies deeper than this are indented no further
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
    root_id: int | None = None
    is_deleted: bool = False
    depth: int = 0
    # For an annotation: its replies in thread order (each after the one it answers, in the order written).
    replies: list[Item] = field(default_factory=list)
    mine: bool = False
    flagged_by_me: bool = False
    moderated_by_me: bool = False
    moderation_error: str = ""
    replying_to: int | None = None  # the reply just posted, kept in view

    @property
    def is_reply(self) -> bool:
        return self.root_id is not None

    @property
    def indent(self) -> int:
        return min(self.depth, DEPTH_SHOWN)

    @property
    def replies_shown(self) -> list[Item]:
        return self.replies[:REPLIES_SHOWN]

    @property
    def replies_more(self) -> list[Item]:
        return self.replies[REPLIES_SHOWN:]

    @property
    def more_open(self) -> bool:
        """Show every reply at once when the one just posted is among those folded away."""
        return any(reply.pk == self.replying_to for reply in self.replies_more)

    @property
    def takes_replies(self) -> bool:
        return not (self.is_hidden or self.is_deleted)

    @property
    def everything(self) -> list[Item]:
        return [self, *self.replies]

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
        Item(a.pk, a.author_id, a.kind, a.is_public, a.is_hidden, html, a.root_id, a.is_deleted)
        for a, html in zip(annotations, rendered, strict=True)
    ]


def render_item(request: HttpRequest, annotation: Annotation, narrative: str) -> Item:
    return render_items(request, [annotation], narrative)[0]


def with_replies(request: HttpRequest, items: list[Item], seen: AnnotationQuerySet, narrative: str) -> list[Item]:
    """Give each annotation its replies in thread order: depth first, each reply's answers after
    it, in the order written. A reply `seen` does not hold (hidden by an editor) shows as hidden
    where something under it is seen, and not at all otherwise. Two queries for all the annotations."""
    roots = [item for item in items if not item.is_reply]
    if not roots:
        return items
    pks = [item.pk for item in roots]
    everything = Annotation.objects.filter(root__in=pks).order_by("created_at", "pk").values_list("pk", "parent")
    shown = seen.filter(root__in=pks).select_related("author").order_by("created_at", "pk")
    rendered = {item.pk: item for item in render_items(request, list(shown), narrative)}
    children: dict[int, list[int]] = {}
    for pk, parent in everything:
        children.setdefault(parent, []).append(pk)

    def walk(root: int, parent: int, depth: int) -> list[Item]:
        out = []
        for pk in children.get(parent, []):
            below = walk(root, pk, depth + 1)
            item = rendered.get(pk) or (_out_of_view(pk, root) if below else None)
            if item is not None:
                item.depth = depth
                out += [item, *below]
        return out

    for root in roots:
        root.replies = walk(root.pk, root.pk, 1)
    return items


def _out_of_view(pk: int, root: int) -> Item:
    """A reply this reader may not see, standing for its place in the thread: its answers show below it."""
    html = '<p class="hidden-note">Hidden by an editor.</p>'
    return Item(pk, 0, Annotation.Kind.REPLY, True, True, html, root_id=root, is_deleted=True)


def thread_item(request: HttpRequest, annotation: Annotation, replying_to: int | None = None) -> Item:
    """One annotation as this reader sees it in the thread, with its replies and their controls
    (a reply alone, when asked for one)."""
    narrative = annotation.scenario.narrative
    item = render_item(request, annotation, narrative)
    seen = Annotation.objects.visible_to(request.user).filter(scenario_id=annotation.scenario_id)
    with_replies(request, [item], seen, narrative)
    item.replying_to = replying_to
    if request.user.is_authenticated:
        others = [i.pk for i in item.everything if i.author_id != request.user.pk]
        flagged = set(
            Flag.objects.filter(user=request.user, annotation__in=others).values_list("annotation_id", flat=True)
        )
        for each in item.everything:
            each.lay_over(request.user, flagged)
    return item


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
        """Every annotation and reply on the page."""
        return [each for item in self.editors_notes + self.items for each in item.everything]


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
        rows = concerning.values_list("created_at", "is_public", "state", "root", "deleted_at", *ANCHOR_FIELDS)
        # Seen by this reader only, newest first: their private or hidden annotations (not replies,
        # which show in their threads), and for editors the hidden ones.
        unshared = [row for row in rows if not (row[1] and row[2] == Annotation.State.SHOWN)]
        self.own = [
            anchor
            for _, _, _, root, deleted, *anchor in sorted(unshared, key=lambda row: row[:1] + row[5:6], reverse=True)
            if root is None and deleted is None
        ]
        # Whether this reader's thread differs from everyone's (their private or hidden replies count too).
        self.sees_more = bool(unshared)
        self.wrote_or_moderates = bool(rows) or self.user.has_perm("annotations.moderate_annotation")

    def _build_shared(self) -> _Shared:
        everyone = Annotation.objects.for_everyone().roots().standing().filter(scenario=self.scenario)
        quoted = list(
            everyone.exclude(quote="").order_by("-created_at", "-pk").values_list(*ANCHOR_FIELDS)[:HIGHLIGHTS_MAX]
        )
        # Most annotations quote nothing, and leave the highlighted narrative as it was: it is kept under
        # what it is made of (the scenario's text, by the editorial scope, and the quoting annotations).
        build = lambda: self._highlight(quoted)  # noqa: E731
        anchors, html = fragment(self.request, "highlights", [EDITORIAL], build, self.scenario.pk, quoted)
        return _Shared(count=everyone.count(), anchors=anchors, narrative_html=html)

    def _highlight(self, quoted: list[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], str]:
        anchors = _anchors(quoted, self.scenario)
        html = render_narrative(self.scenario.narrative, anchors)
        # Plain tuples and a str in the cache, so that a deploy changing Anchor can't break unpickling.
        return [(a.annotation_id, a.start, a.end, a.href, a.preview) for a in anchors], str(html)

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
            if self.sees_more
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
        seen = annotations.filter(scenario=self.scenario)
        visible = seen.roots().select_related("author")
        notes = visible.filter(kind=Annotation.Kind.EDITORS_NOTE).order_by("-created_at")[:EDITORS_NOTES_SHOWN]
        others = visible.exclude(kind=Annotation.Kind.EDITORS_NOTE)
        if params.kind:
            others = others.filter(kind=params.kind)
        page = Paginator(others.order_by(*ORDERS[params.order]), THREAD_PAGE).get_page(params.page)
        narrative = self.scenario.narrative
        items = render_items(self.request, [*notes, *page], narrative)
        with_replies(self.request, items, seen, narrative)
        return Page(
            params=params,
            editors_notes=items[: len(notes)],
            items=items[len(notes) :],
            number=page.number,
            has_previous=page.has_previous(),
            has_next=page.has_next(),
        )


ANCHOR_FIELDS = ("pk", "quote", "quote_prefix", "quote_suffix", "kind", "author__username", "body_html")


def _anchors(rows: Iterable[tuple[Any, ...]], scenario: Scenario) -> list[Anchor]:
    """Where the first HIGHLIGHTS_MAX quoting annotations of these rows (ANCHOR_FIELDS), newest
    first, stand in the narrative, each with its preview."""
    anchors = []
    for pk, quote, prefix, suffix, kind, author, body in [row for row in rows if row[1]][:HIGHLIGHTS_MAX]:
        found = locate(scenario.narrative, quote, prefix, suffix)
        if found:
            preview = f"{Annotation.Kind(kind).label} · {author}: {first_line(unescape(strip_tags(body)))}"
            anchors.append(Anchor(pk, *found, reverse("annotation", kwargs={"pk": pk}), preview))
    return anchors


def page_of(user: Any, annotation: Annotation) -> int:
    """The page of the scenario's thread (newest first) that shows this annotation."""
    if annotation.root is not None:
        return page_of(user, annotation.root)
    if annotation.kind == Annotation.Kind.EDITORS_NOTE:
        return 1
    newer = (
        Annotation.objects.visible_to(user)
        .roots()
        .filter(scenario=annotation.scenario_id)
        .exclude(kind=Annotation.Kind.EDITORS_NOTE)
        .filter(Q(created_at__gt=annotation.created_at) | Q(created_at=annotation.created_at, pk__gt=annotation.pk))
        .count()
    )
    return newer // THREAD_PAGE + 1
