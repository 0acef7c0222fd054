"""Signing up; logging in and out and passwords are Django's own views, told the site's name."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from diplomacy.core.site import site_url

from .forms import SignupForm

# Django's auth views put the request's host in `site_name` (there is no Sites framework here).
SITE = {"site_name": settings.SITE_NAME}


class LoginView(auth.LoginView):
    extra_context = SITE


class PasswordResetView(auth.PasswordResetView):
    extra_context = SITE

    def form_valid(self, form: Any) -> HttpResponse:
        address = urlsplit(site_url())
        self.extra_email_context = SITE | {"domain": address.netloc, "protocol": address.scheme}
        return super().form_valid(form)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    # Only a path on this site: anything else (another site, or a bare word that redirect()
    # would try to reverse as a URL name) sends the new user home.
    return target if safe and target.startswith("/") else "/"


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="diplomacy.accounts.backends.StaffPermissionsBackend")
        return redirect(_next_url(request))
    return render(request, "registration/signup.html", {"form": form, "next": _next_url(request)})
