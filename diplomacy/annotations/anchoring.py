"""Anchored quotes: find a quoted passage in a narrative again, and draw the narrative with highlights.

A quote is kept as its exact words plus a little text before and after them (like
the W3C TextQuoteSelector), so that it is found again where the words occur more
than once, and still found after edits elsewhere in the text. When the words are
gone the annotation is "detached": it keeps its quote but has no place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PARAGRAPH_BREAK = "\n\n"
CONTEXT = 32  # characters of text kept before and after a quote, to find it again


@dataclass(frozen=True)
class Quote:
    exact: str
    prefix: str
    suffix: str


def quote(text: str, words: str, start: int | None = None, end: int | None = None) -> Quote | None:
    """The passage of `text` a reader quoted, with the text around it; None if it is not there.

    A browser sends the words selected and where they start and end in the text (it reads
    each paragraph's offset from the page); without JavaScript a reader types or pastes
    the words, and their first occurrence is taken. Whitespace is not compared: a
    selection across paragraphs reads differently in each browser.
    """
    if not words.strip():
        return None
    span = None
    if start is not None and end is not None and 0 <= start < end <= len(text):
        selected = text[start:end]
        if _squashed(selected) == _squashed(words):
            span = start + len(selected) - len(selected.lstrip()), end - len(selected) + len(selected.rstrip())
    if span is None:
        found = re.search(r"\s+".join(re.escape(word) for word in words.split()), text)
        span = found.span() if found else None
    if span is None:
        return None
    left, right = span
    return Quote(text[left:right], text[max(0, left - CONTEXT) : left], text[right : right + CONTEXT])


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Anchor:
    annotation_id: int
    start: int
    end: int
    href: str
    # What a highlight shows on hover or focus, and its margin card: "Evidence · ana: first line".
    preview: str = ""


def locate(text: str, exact: str, prefix: str = "", suffix: str = "") -> tuple[int, int] | None:
    """Where the quote stands in `text`: (start, end), or None if the exact words are gone."""
    if not exact:
        return None
    best, best_score = None, -1
    start = text.find(exact)
    while start != -1:
        end = start + len(exact)
        score = _common_suffix(text[max(0, start - len(prefix)) : start], prefix) + _common_prefix(
            text[end : end + len(suffix)], suffix
        )
        if score > best_score:
            best, best_score = (start, end), score
        start = text.find(exact, start + 1)
    return best


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def render_narrative(text: str, anchors: list[Anchor]) -> SafeString:
    """The narrative as paragraphs, each with its offset in the text, annotated passages highlighted.

    Each highlighted run links to the annotation that covers it (the earliest-starting
    one where passages overlap) and carries that one's preview and the number of
    annotations covering it. Every piece of text is escaped.
    """
    html = []
    offset = 0
    for paragraph in text.split(PARAGRAPH_BREAK):
        end = offset + len(paragraph)
        inside = sorted(
            (a for a in anchors if a.start < end and a.end > offset), key=lambda a: (a.start, a.annotation_id)
        )
        html.append(f'<p data-offset="{offset}">{_highlight(paragraph, offset, inside)}</p>')
        offset = end + len(PARAGRAPH_BREAK)
    return mark_safe("\n".join(html))  # noqa: S308 (every piece of text is escaped in _highlight)


def _highlight(paragraph: str, offset: int, anchors: list[Anchor]) -> str:
    """One paragraph cut at every passage's ends, in one sweep: the ones covering a piece are
    those begun and not yet ended. `anchors` must be sorted by (start, id), as render_narrative does."""
    length = len(paragraph)

    def clamp(position: int) -> int:
        return min(max(position - offset, 0), length)

    points = sorted({0, length, *(clamp(a.start) for a in anchors), *(clamp(a.end) for a in anchors)})
    out, active, waiting = [], [], iter(anchors)
    upcoming = next(waiting, None)
    for left, right in pairwise(points):
        while upcoming is not None and clamp(upcoming.start) <= left:
            active.append(upcoming)
            upcoming = next(waiting, None)
        active = [a for a in active if clamp(a.end) > left]
        # An empty target where each passage begins, so every annotation can link back to it.
        out += [f'<span id="passage-{a.annotation_id}"></span>' for a in active if a.start - offset == left]
        if not active:
            out.append(escape(paragraph[left:right]))
            continue
        out.append(_passage(paragraph[left:right], active))
    return "".join(out)


def _passage(words: str, covering: list[Anchor]) -> str:
    """One highlighted piece: a link to its first annotation, with that one's preview and how many
    annotations cover it, for the tooltip, the margin and assistive technology. The label keeps
    the words, since a link's label stands in for its text."""
    ids = list(dict.fromkeys(a.annotation_id for a in covering))
    first, count = covering[0], len(ids)
    what = "annotated passage" if count == 1 else f"{count} annotations"
    about = f"{what}: {first.preview}" if first.preview else what
    label = " ".join(words.split()) + f" ({about})"
    preview = f' data-preview="{escape(first.preview)}"' if first.preview else ""
    return (
        f'<a class="passage" aria-label="{escape(label)}"{preview} data-count="{count}" '
        f'href="{escape(first.href)}" data-annotations="{" ".join(map(str, ids))}"><mark>{escape(words)}</mark></a>'
    )
