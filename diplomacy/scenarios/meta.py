"""What a page tells search engines and link previews: title, description, canonical URL, image."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static


@dataclass(frozen=True)
class PageMeta:
    title: str
    description: str
    path: str  # the canonical path, with its query string if the view is one
    type: str = "website"
    image_path: str = ""

    @property
    def full_title(self) -> str:
        return f"{self.title} — {settings.SITE_NAME}" if self.title != settings.SITE_NAME else self.title

    @property
    def url(self) -> str:
        return settings.SITE_URL + self.path

    @property
    def image_url(self) -> str:
        return settings.SITE_URL + (self.image_path or static("img/preview.png"))
