"""Safe HTML snippets of scenario text with the searched words marked."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import MATCH_END, MATCH_START


def marked(headline: str) -> SafeString:
    """A search snippet (PostgreSQL's headline or SQLite's snippet()), escaped, with its match markers
    turned into <mark>."""
    html = escape(headline).replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>")
    return mark_safe(html)  # noqa: S308 (escaped above; only our own tags added)


def highlight(text: str, words: list[str], width: int = 220) -> SafeString:
    """A window of `text` around the first searched word, escaped, every word marked.

    For text that has no search snippet (the explorer without search words shows the start of
    each narrative); case-insensitive, literal words.
    """
    words = [word for word in words if word]
    if not words:
        return mark_safe(escape(_shorten(text, 0, width)))  # noqa: S308
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, first.start() - width // 3) if first else 0
    window = _shorten(text, start, width)
    parts, last = [], 0
    for match in pattern.finditer(window):
        parts += [escape(window[last : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        last = match.end()
    parts.append(escape(window[last:]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text escaped)


def _shorten(text: str, start: int, width: int) -> str:
    """text[start:start+width], cut at word boundaries, with ellipses where it was cut."""
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = start + width
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    window = text[start:end].replace("\n\n", " ").strip()
    return ("… " if start > 0 else "") + window + (" …" if end < len(text) else "")
