"""What a page tells search engines and link previews: title, description, canonical URL, image."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static

from diplomacy.core.site import site_url


@dataclass(frozen=True)
class PageMeta:
    title: str
    description: str
    path: str  # the canonical path, with its query string if the view is one
    type: str = "website"
    image_path: str = ""

    @property
    def full_title(self) -> str:
        """What a browser tab or a shared link shows: the page, then what the site is."""
        return f"{self.title} — {settings.SITE_TAGLINE}"

    @property
    def url(self) -> str:
        return site_url() + self.path

    @property
    def image_url(self) -> str:
        return site_url() + (self.image_path or static("img/preview.png"))
