"""App configuration for following and notifications."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "diplomacy.notifications"
    label = "notifications"
    verbose_name = "Following and notifications"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 (connects the signal receivers)
