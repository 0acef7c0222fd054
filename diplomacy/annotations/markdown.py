"""User Markdown to safe HTML: a small subset rendered, then sanitized with nh3."""

from __future__ import annotations

import nh3
from django.utils.text import Truncator
from markdown_it import MarkdownIt

# CommonMark without raw HTML (it is escaped, not passed through), without images.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")

ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """Render a contributor's Markdown; nothing executable survives, links get rel=nofollow noopener."""
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def first_line(text: str, limit: int = 140) -> str:
    """The first non-blank line of a text, cut to `limit` characters (previews, notifications)."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return Truncator(line).chars(limit)
