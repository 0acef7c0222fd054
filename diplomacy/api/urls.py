from django.urls import path, re_path

from .api import api, docs, not_found

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", not_found),
    path("api/docs/", docs, name="api_docs"),
]
