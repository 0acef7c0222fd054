"""Following topics and scenarios, the notifications page, settings, the private feed, unsubscribing."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from diplomacy.core.htmx import wants_fragment
from diplomacy.core.site import site_url
from diplomacy.scenarios.models import Scenario, Topic

from .emails import KIND_NAMES, read_unsubscribe_token
from .feeds import NotificationFeed
from .forms import PreferencesForm
from .models import Follow, Notification, Preferences, follow_field

PER_PAGE = 30


def _followable(request: HttpRequest) -> tuple[Topic | None, Scenario | None]:
    """The topic or scenario a follow form names (topic=<slug>, or scenario=<topic>/<slug>), if this reader may see it."""
    topic, scenario = request.POST.get("topic", ""), request.POST.get("scenario", "")
    if topic:
        return get_object_or_404(Topic.objects.visible_to(request.user), slug=topic), None
    found = Scenario.objects.visible_to(request.user).at(*scenario.split("/", 1)).first() if "/" in scenario else None
    if found is None:
        raise Http404("Nothing to follow by that name.")
    return None, found


def _back(request: HttpRequest, default: str) -> str:
    """Where to send the reader after a form: its `next` if that is on this site, else `default`."""
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
    return back if back and safe else reverse(default)


def _signed_in(default: str):
    """Like login_required, for views that only take POST: an anonymous reader (a session ended
    while the page was open) logs in and comes back to the page the form was on (its `next`) or
    to `default`, not to this address, which a GET would answer with 405. htmx is told to go there."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            login = f"{reverse('login')}?{urlencode({'next': _back(request, default)})}"
            return HttpResponseClientRedirect(login) if wants_fragment(request) else redirect(login)

        return wrapped

    return decorator


@require_POST
@_signed_in("following")
def follow(request: HttpRequest) -> HttpResponse:
    """Follow or stop following (action=unfollow) a topic or scenario; htmx gets the button back."""
    topic, scenario = _followable(request)
    on = request.POST.get("action") != "unfollow"
    following = Follow.objects.toggle(request.user, topic=topic, scenario=scenario, on=on)
    followed = topic or scenario
    back = _back(request, "following")
    if wants_fragment(request):
        # The button keeps sending a plain submit back to the page it is on, not to this address.
        context = {
            "followed": followed,
            "following": following,
            "follow_field": follow_field(topic, scenario),
            "follow_next": back,
        }
        return render(request, "notifications/_follow.html", context)
    messages.success(request, f"You follow {followed}." if following else f"You no longer follow {followed}.")
    return redirect(back)


@login_required
@require_safe
def following(request: HttpRequest) -> HttpResponse:
    """What the reader follows and may still see (a topic unpublished since is not named here)."""
    follows = Follow.objects.filter(user=request.user.pk).visible_to(request.user)
    related = follows.select_related("topic", "scenario__topic", "scenario__outcome")
    rows = [(f, follow_field(f.topic, f.scenario)) for f in related]
    return render(request, "notifications/following.html", {"rows": rows})


@login_required
@require_safe
def notifications(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.visible_to(request.user)
    page = Paginator(mine.for_list(), PER_PAGE).get_page(request.GET.get("page"))
    # "Mark all N read" shows the header's count (the context processor's), not a second count of the same.
    return render(request, "notifications/notifications.html", {"page": page})


@require_POST
@_signed_in("notifications")
def mark_read(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Mark one notification read (pk), or all of them: those the reader can see (one they can no
    longer see is not theirs to count, and stays unread should it show again)."""
    mine = Notification.objects.visible_to(request.user)
    if pk is None:
        marked = mine.unread().update(read_at=timezone.now())
        messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    else:
        notification = get_object_or_404(mine.for_list(), pk=pk)
        notification.mark_read()
        if wants_fragment(request):
            # The row, and the count in the header (out of band), as they now are.
            context = {"notification": notification, "unread": mine.unread().count()}
            return render(request, "notifications/notifications.html#marked", context)
    page = request.POST.get("page", "")
    return redirect(reverse("notifications") + (f"?page={page}" if page.isdigit() and page != "1" else ""))


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    preferences = Preferences.of(request.user)
    form = PreferencesForm(request.POST or None, instance=preferences)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your notification settings are saved.")
        return redirect("notification_settings")
    status = 422 if form.is_bound else 200
    context = {
        "form": form,
        "feed_url": site_url() + preferences.get_feed_url(),
        "has_email": bool(getattr(request.user, "email", "")),
    }
    return render(request, "notifications/settings.html", context, status=status)


@require_POST
@_signed_in("notification_settings")
def reset_feed(request: HttpRequest) -> HttpResponse:
    Preferences.of(request.user).reset_feed_token()
    messages.success(request, "Your feed has a new address: the old one no longer works.")
    return redirect("notification_settings")


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The reader's private Atom feed; anyone with the address reads it, so it answers 404 to any other token."""
    preferences = Preferences.objects.filter(feed_token=token).select_related("user").first()
    if preferences is None or not preferences.user.is_active:
        raise Http404("No feed at this address.")
    response = NotificationFeed()(request, user=preferences.user)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe (RFC 8058): mail clients POST here; a person clicking the link in
    the email gets a page with one button (so that link scanners, which GET, change nothing).
    The token is signed for one reader and one kind of email; altered, it is a 400."""
    found = read_unsubscribe_token(token)
    user = User.objects.filter(pk=found[0]).first() if found else None
    if found is None or user is None:
        return render(request, "notifications/unsubscribe_bad.html", status=400)
    kind = found[1]
    done = request.method == "POST"
    if done:
        Preferences.of(user)
        Preferences.objects.filter(user=user).update(**{f"email_{kind}": "never"})
    context = {"kind_name": KIND_NAMES[kind], "done": done, "token": token}
    return render(request, "notifications/unsubscribe.html", context)
