"""App configuration for readers' estimates, the community's, resolutions and scores."""

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete


class ForecastsConfig(AppConfig):
    name = "diplomacy.forecasts"
    label = "forecasts"
    verbose_name = "Readers’ estimates and scores"

    def ready(self) -> None:
        from .models import Forecast

        post_delete.connect(_forecast_deleted, sender=Forecast, dispatch_uid="forecast-deleted-community")


def _forecast_deleted(sender, instance, **kwargs) -> None:
    """A reader's estimate is gone (they deleted their account): the community leaves it out too,
    once the deletion is committed, unless the topic went with it."""
    from diplomacy.scenarios.models import Topic

    from .models import Community

    def refresh() -> None:
        with transaction.atomic():
            if topic := Topic.objects.filter(pk=instance.topic_id).first():
                Community.refresh(topic)

    transaction.on_commit(refresh)
