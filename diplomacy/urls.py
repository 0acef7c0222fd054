"""URLs of the site; every page has a stable, shareable address."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from diplomacy.accounts import views as accounts
from diplomacy.annotations import views as annotations
from diplomacy.annotations.feeds import recent_annotations_feed, topic_annotations_feed
from diplomacy.core.views import healthz
from diplomacy.scenarios import compare, views
from diplomacy.scenarios.feeds import recent_scenarios_feed
from diplomacy.scenarios.sitemaps import SITEMAPS, cached_sitemap

urlpatterns = [
    path("", views.home, name="home"),
    path("scenarios/", views.explore, name="explore"),
    path("compare/", compare.compare, name="compare"),
    path("topics/", views.topic_index, name="topics"),
    # Before the topic's scenarios: "developments", "history.csv", "what-if" are not scenario slugs.
    path("", include("diplomacy.timeline.urls")),
    path("", include("diplomacy.forecasts.urls")),
    path("", include("diplomacy.whatif.urls")),
    path("", include("diplomacy.notifications.urls")),
    path("", include("diplomacy.api.urls")),
    path("", include("diplomacy.embeds.urls")),
    path("topics/<slug:topic>/", views.topic_detail, name="topic"),
    path("topics/<slug:topic>/preview.png", views.topic_preview, name="topic_preview"),
    path("topics/<slug:topic>/annotations.atom", topic_annotations_feed, name="topic_annotation_feed"),
    path("topics/<slug:topic>/<slug:scenario>/", views.scenario_detail, name="scenario"),
    path("topics/<slug:topic>/<slug:scenario>/preview.png", views.scenario_preview, name="scenario_preview"),
    path("topics/<slug:topic>/<slug:scenario>/annotations/", annotations.scenario_annotations, name="annotations"),
    path("annotations/<int:pk>/", annotations.annotation_permalink, name="annotation"),
    path("annotations/<int:pk>/edit/", annotations.annotation_edit, name="annotation_edit"),
    path("annotations/<int:pk>/reply/", annotations.annotation_reply, name="annotation_reply"),
    path("annotations/<int:pk>/delete/", annotations.annotation_delete, name="annotation_delete"),
    path("annotations/<int:pk>/flag/", annotations.annotation_flag, name="annotation_flag"),
    path("annotations/<int:pk>/hide/", annotations.annotation_moderate, {"action": "hide"}, name="annotation_hide"),
    path(
        "annotations/<int:pk>/restore/",
        annotations.annotation_moderate,
        {"action": "restore"},
        name="annotation_restore",
    ),
    path("me/annotations/", annotations.my_annotations, name="my_annotations"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("feeds/scenarios.atom", recent_scenarios_feed, name="scenario_feed"),
    path("feeds/annotations.atom", recent_annotations_feed, name="annotation_feed"),
    path("sitemap.xml", cached_sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", healthz, name="healthz"),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler500 = "diplomacy.core.views.server_error"
