"""App configuration for readers' estimates, the community's, resolutions and scores."""

from django.apps import AppConfig


class ForecastsConfig(AppConfig):
    name = "diplomacy.forecasts"
    label = "forecasts"
    verbose_name = "Readers’ estimates and scores"
