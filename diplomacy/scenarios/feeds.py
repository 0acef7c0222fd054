"""Atom feed of recently updated scenarios."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from diplomacy.core.cache import EDITORIAL, cached_page

from .models import Scenario


class RecentScenariosFeed(Feed):
    feed_type = Atom1Feed
    title = f"{settings.SITE_NAME}: recently updated scenarios"
    subtitle = "Scenarios of the US–Russia talks, newest changes first."

    def link(self):
        return reverse("explore")

    def items(self):
        return Scenario.objects.published().select_related("topic", "outcome").order_by("-updated_at")[:30]

    def item_title(self, scenario):
        return f"{scenario.topic.title}: {scenario.title}"

    def item_description(self, scenario):
        return f"{scenario.outcome.name}. {scenario.narrative.split(chr(10) * 2)[0]}"

    def item_pubdate(self, scenario):
        return scenario.created_at

    def item_updateddate(self, scenario):
        return scenario.updated_at

    def item_categories(self, scenario):
        return [scenario.topic.title, scenario.outcome.name]


recent_scenarios_feed = cached_page(lambda: [EDITORIAL])(RecentScenariosFeed())
