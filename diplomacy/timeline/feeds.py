"""Atom feeds of published developments: site-wide and per topic, with links on the site's own address."""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, get_tag_uri

from diplomacy.core.cache import EDITORIAL, cached_page
from diplomacy.core.site import site_url
from diplomacy.scenarios.models import Topic

from .models import Development

FEED_SIZE = 20


def _published(developments):
    """The newest published developments, each with its published topics (its categories)."""
    topics = Prefetch("topics", queryset=Topic.objects.published().only("pk", "title", "order"))
    return developments.published().newest_first().prefetch_related(topics)[:FEED_SIZE]


class _DevelopmentsFeed(Feed):
    """What every feed of developments says of one. Addresses are absolute on the site's address,
    not the host a request came in on (Feed would otherwise make them absolute on the request's)."""

    feed_type = Atom1Feed

    def item_title(self, development):
        return development.title

    def item_description(self, development):
        return development.summary

    def item_link(self, development):
        return site_url() + development.get_absolute_url()

    def item_guid(self, development):
        # Stable when its title (so its slug) or its date is corrected, as an Atom id must be.
        return get_tag_uri(site_url() + f"/developments/{development.pk}", development.created_at)

    item_guid_is_permalink = False

    def item_pubdate(self, development):
        return datetime.datetime.combine(development.happened_on, datetime.time(12), tzinfo=datetime.UTC)

    def item_updateddate(self, development):
        return development.updated_at

    def item_categories(self, development):
        return [topic.title for topic in development.topics.all()]


class DevelopmentsFeed(_DevelopmentsFeed):
    title = f"{settings.SITE_NAME}: developments"
    subtitle = "What has happened that bears on the US–Russia talks, newest first."

    def link(self):
        return site_url() + reverse("developments")

    def feed_url(self):
        return site_url() + reverse("development_feed")

    def items(self):
        return _published(Development.objects.all())


class TopicDevelopmentsFeed(_DevelopmentsFeed):
    def get_object(self, request, topic):
        return get_object_or_404(Topic.objects.published(), slug=topic)

    def title(self, topic):
        return f"{settings.SITE_NAME}: developments on {topic.title}"

    def subtitle(self, topic):
        return f"What has happened that bears on {topic.title}, newest first."

    def link(self, topic):
        return site_url() + reverse("topic_developments", kwargs={"topic": topic.slug})

    def feed_url(self, topic):
        return site_url() + reverse("topic_development_feed", kwargs={"topic": topic.slug})

    def items(self, topic):
        return _published(Development.objects.filter(topics=topic))


developments_feed = cached_page(lambda: [EDITORIAL])(DevelopmentsFeed())
topic_developments_feed = cached_page(lambda topic: [EDITORIAL])(TopicDevelopmentsFeed())
