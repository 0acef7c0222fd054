"""Atom feeds of recent public annotations: site-wide and per topic."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags

from diplomacy.core.cache import ANNOTATIONS, EDITORIAL, cached_page, topic_scope
from diplomacy.scenarios.models import Topic

from .models import Annotation


class _AnnotationsFeed(Feed):
    """What every annotation feed says of an annotation."""

    feed_type = Atom1Feed
    subtitle = "Readers’ and editors’ public notes, evidence, counterpoints and questions on the scenarios."

    def item_title(self, annotation):
        return f"{annotation.get_kind_display()} by {annotation.author.get_username()} on “{annotation.scenario.title}”"

    def item_description(self, annotation):
        quote = f"“{annotation.quote}” — " if annotation.quote else ""
        return quote + strip_tags(annotation.body_html).strip()

    def item_link(self, annotation):
        return annotation.get_absolute_url()

    def item_author_name(self, annotation):
        return annotation.author.get_username()

    def item_pubdate(self, annotation):
        return annotation.created_at

    def item_updateddate(self, annotation):
        return annotation.edited_at or annotation.created_at


class RecentAnnotationsFeed(_AnnotationsFeed):
    title = f"{settings.SITE_NAME}: recent annotations"
    link = "/"

    def items(self):
        return Annotation.objects.public().select_related("scenario__topic", "author")[:50]


class TopicAnnotationsFeed(_AnnotationsFeed):
    def get_object(self, request, topic):
        return get_object_or_404(Topic.objects.published(), slug=topic)

    def title(self, topic):
        return f"{settings.SITE_NAME}: recent annotations on {topic.title}"

    def link(self, topic):
        return topic.get_absolute_url()

    def items(self, topic):
        return (
            Annotation.objects.public().filter(scenario__topic=topic).select_related("scenario__topic", "author")[:50]
        )


recent_annotations_feed = cached_page(lambda: [EDITORIAL, ANNOTATIONS])(RecentAnnotationsFeed())
topic_annotations_feed = cached_page(lambda topic: [EDITORIAL, topic_scope(topic)])(TopicAnnotationsFeed())
