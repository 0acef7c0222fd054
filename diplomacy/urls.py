"""URLs of the site; every page has a stable, shareable address."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import path

from diplomacy.scenarios import views
from diplomacy.scenarios.feeds import RecentScenariosFeed
from diplomacy.scenarios.sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("scenarios/", views.explore, name="explore"),
    path("compare/", views.compare, name="compare"),
    path("topics/<slug:topic>/", views.topic_detail, name="topic"),
    path("topics/<slug:topic>/preview.png", views.topic_preview, name="topic_preview"),
    path("topics/<slug:topic>/<slug:scenario>/", views.scenario_detail, name="scenario"),
    path("topics/<slug:topic>/<slug:scenario>/preview.png", views.scenario_preview, name="scenario_preview"),
    path("feeds/scenarios.atom", RecentScenariosFeed(), name="scenario_feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(settings.ADMIN_URL, admin.site.urls),
]
