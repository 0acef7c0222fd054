"""App configuration for annotations."""

from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "diplomacy.annotations"
    label = "annotations"
    verbose_name = "Annotations"
