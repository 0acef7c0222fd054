"""sitemap.xml: the home page, the explorer, every published topic and scenario."""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.urls import reverse

from diplomacy.core.cache import EDITORIAL, cached_page
from diplomacy.core.site import site_url

from .models import Scenario, Topic


class _CanonicalSitemap(Sitemap):
    """Addresses on the site's address (diplomacy.core.site), whatever host the request came in on."""

    def get_domain(self, site=None):
        return urlsplit(site_url()).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(site_url()).scheme


class PagesSitemap(_CanonicalSitemap):
    changefreq = "daily"

    def items(self):
        return ["home", "topics", "explore"]

    def location(self, item):
        return reverse(item)


class TopicSitemap(_CanonicalSitemap):
    changefreq = "weekly"

    def items(self):
        return Topic.objects.published().order_by("order", "pk")

    def lastmod(self, topic):
        return topic.updated_at


class ScenarioSitemap(_CanonicalSitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Scenario.objects.published().select_related("topic").order_by("topic__order", "pk")

    def lastmod(self, scenario):
        return scenario.updated_at


SITEMAPS = {"pages": PagesSitemap, "topics": TopicSitemap, "scenarios": ScenarioSitemap}
cached_sitemap = cached_page(lambda sitemaps: [EDITORIAL])(sitemap)
