"""App configuration for what happens over time: developments, watched signposts, re-estimates."""

from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "diplomacy.timeline"
    label = "timeline"
    verbose_name = "Developments and estimates over time"
