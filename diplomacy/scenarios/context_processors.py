"""Template context shared by every page."""

from django.conf import settings

from diplomacy.core.site import site_url


def site(request):
    return {"site_name": settings.SITE_NAME, "site_url": site_url()}
