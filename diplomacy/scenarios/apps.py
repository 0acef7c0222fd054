"""App configuration for the editorial content."""

from django.apps import AppConfig


class ScenariosConfig(AppConfig):
    name = "diplomacy.scenarios"
    label = "scenarios"
    verbose_name = "Editorial content"
