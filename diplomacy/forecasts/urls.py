"""Addresses of readers' estimates and the scores."""

from django.urls import path

from . import scores, views

urlpatterns = [
    path("topics/<slug:topic>/estimate/", views.estimate, name="topic_estimate"),
    path("me/estimates/", views.my_estimates, name="my_estimates"),
    path("me/estimates/listing/", views.listing, name="estimate_listing"),
    path("scores/", scores.scores, name="scores"),
    path("scores/<slug:topic>/", scores.topic_scores, name="topic_scores"),
]
