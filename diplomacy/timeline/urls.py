"""Addresses of developments, their feeds, and a topic's estimate history."""

from django.urls import path

from . import feeds, history, views

urlpatterns = [
    path("developments/", views.development_list, name="developments"),
    path("developments/<int:pk>/<slug:slug>/", views.development_detail, name="development"),
    path("topics/<slug:topic>/developments/", views.topic_developments, name="topic_developments"),
    path("feeds/developments.atom", feeds.developments_feed, name="development_feed"),
    path("topics/<slug:topic>/developments.atom", feeds.topic_developments_feed, name="topic_development_feed"),
    path("topics/<slug:topic>/history.csv", history.history_csv, name="topic_history_csv"),
]
