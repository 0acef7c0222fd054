"""The what-if pages: included before the topic's scenario routes ("what-if" is not a scenario slug)."""

from django.urls import path

from . import views

urlpatterns = [
    path("what-if/", views.matrix_whatif, name="whatif"),
    path("what-if/preview.png", views.matrix_whatif_preview, name="whatif_preview"),
    path("topics/<slug:topic>/what-if/", views.topic_whatif, name="whatif_topic"),
    path("topics/<slug:topic>/what-if/preview.png", views.topic_whatif_preview, name="whatif_topic_preview"),
]
