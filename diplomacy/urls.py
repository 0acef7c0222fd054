"""URLs of the site; every page has a stable, shareable address."""

from django.conf import settings
from django.contrib import admin
from django.urls import path

from diplomacy.scenarios import views

urlpatterns = [
    path("", views.home, name="home"),
    path("topics/<slug:topic>/", views.topic_detail, name="topic"),
    path("topics/<slug:topic>/<slug:scenario>/", views.scenario_detail, name="scenario"),
    path(settings.ADMIN_URL, admin.site.urls),
]
