"""What other sites are given to embed a topic: its iframe snippet, the sizes an oEmbed consumer
may ask for, and which topic a page address names.

oEmbed 1.0 (https://oembed.com/): a consumer passes a page's address, and `maxwidth`/`maxheight`
for the room it has; the answer is a "rich" type whose `html` is the snippet, sized to fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from diplomacy.core.site import site_url

# The widest frame oEmbed hands out, and the least room a consumer may ask for: narrower, the
# chart's labels collide and the bars vanish; lower, the frame shows little more than the title.
WIDTH, MIN_WIDTH, MIN_HEIGHT = 640, 300, 240
# How tall the embed is at a width (static/css/embed.css lays it out in one column below 600 px,
# and stacks each name above its bars up to 320 px), measured in Chromium with four outcomes, the
# community's numbers and a resolution, the most it shows, and rounded up. More outcomes scroll.
HEIGHTS = ((320, 820), (599, 780))  # (up to this width, this height); wider: TWO_COLUMNS
TWO_COLUMNS = 540
# A frame as wide as the page that embeds it (the snippet on a topic page) may be as narrow as a phone.
HEIGHT = 780
# A width or height as a consumer writes it: digits only (int() would also take "1_0" or "٣").
_WHOLE = re.compile(r"[0-9]{1,6}")
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@dataclass(frozen=True)
class Size:
    width: int
    height: int


def asked(value: str | None, largest: int) -> int:
    """A consumer's maxwidth or maxheight, capped at `largest`; what is not a whole number (missing,
    negative, garbled) asks for nothing, so `largest`."""
    if value is None or not _WHOLE.fullmatch(value.strip()):
        return largest
    return min(largest, int(value))


def height_at(width: int) -> int:
    """How tall the embed needs to be at `width` pixels wide."""
    return next((height for widest, height in HEIGHTS if width <= widest), TWO_COLUMNS)


def fit(maxwidth: str | None = None, maxheight: str | None = None) -> Size | None:
    """The embed's size within what a consumer has room for: as wide as allowed, then as tall as
    it needs at that width, or as allowed. None when the room is smaller than the embed can be
    (oEmbed: a provider never answers larger than asked; the consumer shows a plain link then)."""
    width = asked(maxwidth, WIDTH)
    height = asked(maxheight, height_at(max(width, MIN_WIDTH)))
    return Size(width, height) if width >= MIN_WIDTH and height >= MIN_HEIGHT else None


def embed_url(slug: str) -> str:
    """The absolute address of a topic's embed."""
    return site_url() + reverse("embed_topic", kwargs={"topic": slug})


def title(topic_title: str) -> str:
    """The iframe's title, which screen readers announce for the frame."""
    return f"{topic_title} — {settings.SITE_NAME}"


def snippet(slug: str, topic_title: str, *, width: int | str = "100%", height: int = HEIGHT) -> SafeString:
    """The iframe that embeds a topic, as HTML for another site's page (its inline style is theirs
    to allow: it is never part of ours, where it is only ever shown as text)."""
    return format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" style="border:0"></iframe>',
        embed_url(slug),
        width,
        height,
        title(topic_title),
    )


def topic_slug(url: str) -> str | None:
    """The slug of the topic page at `url`, an absolute address on this site; None for anything
    else (another site, another scheme, another page, or not an address at all). Its query and
    fragment are ignored: a topic page shared with either is still the topic page."""
    try:
        parts, site = urlsplit(url.strip()), urlsplit(site_url())
    except ValueError:  # "http://[::1", say
        return None
    if (parts.scheme.lower(), parts.netloc.lower()) != (site.scheme.lower(), site.netloc.lower()):
        return None
    try:
        match = resolve(unquote(parts.path))
    except Resolver404:
        return None
    slug = match.kwargs.get("topic") if match.view_name == "topic" else None  # not the API's "api:topic"
    return slug if isinstance(slug, str) and _SLUG.fullmatch(slug) else None
