"""Addresses of embeds: a topic's embeddable page, and the oEmbed endpoint that hands out its snippet."""

from django.urls import path

from . import views

urlpatterns = [
    path("embed/topics/<slug:topic>/", views.embed_topic, name="embed_topic"),
    path("oembed", views.oembed, name="oembed"),
]
