"""The admin site: Django's, with the moderation queue's size on its home page."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.template.response import TemplateResponse


class AdminSite(admin.AdminSite):
    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        from diplomacy.annotations.admin import moderation_queue

        return super().index(request, {"moderation_queue": moderation_queue(request), **(extra_context or {})})


class DiplomacyAdminConfig(AdminConfig):
    default_site = "diplomacy.admin_site.AdminSite"
