"""A reader's private Atom feed of their notifications: what they follow, and replies to them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import Notification


class NotificationFeed(Feed):
    feed_type = Atom1Feed
    description_template = None

    def get_object(self, request, user):
        return user

    def title(self, user):
        return f"{settings.SITE_NAME}: news for {user.get_username()}"

    def subtitle(self, user):
        return "What you follow, replies to you and editors’ decisions on your annotations. This address is private."

    def link(self, user):
        return reverse("notifications")

    def items(self, user):
        return Notification.objects.visible_to(user).for_list()[:50]

    def item_title(self, notification):
        return notification.headline

    def item_description(self, notification):
        # Atom's summary is HTML to a feed reader: what readers wrote is shown as text, never run.
        return escape(notification.excerpt)

    def item_link(self, notification):
        return notification.get_absolute_url()

    def item_guid(self, notification):
        return f"notification-{notification.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, notification):
        return notification.created_at
