"""The template filter that reads one factor's influences as the outcomes it pushes towards and away from."""

from collections.abc import Iterable

from django import template

from diplomacy.scenarios import pushes as grouping
from diplomacy.scenarios.models import Influence

register = template.Library()


@register.filter
def pushes(influences: Iterable[Influence]) -> grouping.Pushes:
    """One factor's influences on one topic, grouped (see diplomacy/scenarios/pushes.py)."""
    return grouping.pushes(influences)
