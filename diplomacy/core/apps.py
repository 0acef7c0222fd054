"""App configuration for the site-wide pieces; connects the signals that invalidate cached pages."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "diplomacy.core"
    label = "core"
    verbose_name = "Site"

    def ready(self) -> None:
        from . import signals  # noqa: F401
