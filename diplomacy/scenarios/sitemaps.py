"""sitemap.xml: the home page, the explorer, the developments, every published topic, scenario and development."""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.urls import reverse

from diplomacy.core.cache import EDITORIAL, cached_page
from diplomacy.core.site import site_url
from diplomacy.timeline.models import Development

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
        return ["home", "topics", "explore", "developments"]

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


class DevelopmentSitemap(_CanonicalSitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Development.objects.published().newest_first().only("pk", "slug", "updated_at")

    def lastmod(self, development):
        return development.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "topics": TopicSitemap,
    "scenarios": ScenarioSitemap,
    "developments": DevelopmentSitemap,
}
cached_sitemap = cached_page(lambda sitemaps: [EDITORIAL])(sitemap)
