"""Emails of notifications: at once (a task per reader, run by the worker) or in a daily digest
(`manage.py send_digests`, run by cron).

Nothing is sent twice: a notification is claimed (row locked, still "pending") in the same
transaction that marks it sent, and the message goes out between the two; if sending fails,
the transaction rolls back, the notification stays pending, and the task runs again later
(backing off), while `send_digests` also sends anything left pending too long. Every
message carries a one-click unsubscribe link for its kind (RFC 8058) and List-Unsubscribe.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Collection
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from diplomacy.core.site import site_url

from .models import Channel, Notification, Preferences

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "diplomacy.notifications.unsubscribe"
RETRIES = 6  # attempts at once before the next `send_digests` run takes over
OVERDUE = timedelta(minutes=10)  # an "immediately" email still pending after this is sent by send_digests
STUCK = timedelta(hours=1)  # an email claimed this long ago and not marked sent was never sent
DIGEST_EVERY = timedelta(hours=20)  # a daily digest, whenever cron runs it (with some slack for its timing)
KIND_NAMES = {
    "replies": "replies to your annotations",
    "moderation": "editors’ decisions on your annotations",
    "followed": "news on what you follow",
}


def unsubscribe_token(user: User, kind: str) -> str:
    return signing.dumps([user.pk, kind], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a token this site signed; None if it was altered or is not one."""
    try:
        user, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(user, int) or kind not in KIND_NAMES:
        return None
    return user, kind


def unsubscribe_url(user: User, kind: str) -> str:
    return site_url() + reverse("unsubscribe", kwargs={"token": unsubscribe_token(user, kind)})


def queue_immediate(users: Collection[int], kinds: Collection[str]) -> None:
    """Queue an email task for each of these readers who wants one of these kinds at once."""
    chosen = {p.user_id: p for p in Preferences.objects.filter(user__in=users)}
    for user in users:
        preferences = chosen.get(user) or Preferences(user_id=user)
        if any(preferences.channel(kind) == Channel.IMMEDIATELY for kind in kinds):
            send_now.enqueue(user)


@task()
def send_now(user_id: int) -> int:
    """Email a reader each pending notification they want at once; how many were sent."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    preferences = Preferences.of(user)
    sent = 0
    for notification in _pending(user, preferences, Channel.IMMEDIATELY):
        message = _message(
            user,
            notification.email_kind,
            notification.headline,
            "notifications/email/notification.txt",
            {"notification": notification, "url": site_url() + notification.get_absolute_url()},
        )
        if not _deliver(user, [notification.pk], message):
            return sent
        sent += 1
    return sent


def send_digest(user: User, *, now=None) -> bool:
    """Email a reader one digest of what they chose to hear daily; False if nothing was due."""
    now = now or timezone.now()
    preferences = Preferences.of(user)
    notifications = list(_pending(user, preferences, Channel.DAILY))
    if not notifications:
        return False
    count = len(notifications)
    subject = f"{count} update{'s' if count != 1 else ''} from {settings.SITE_NAME}"
    items = [(n, site_url() + n.get_absolute_url()) for n in notifications]
    kinds = sorted({n.email_kind for n in notifications})
    context = {"items": items, "kinds": [(KIND_NAMES[k], unsubscribe_url(user, k)) for k in kinds]}
    message = _message(
        user, "followed" if "followed" in kinds else kinds[0], subject, "notifications/email/digest.txt", context
    )
    if _deliver(user, [n.pk for n in notifications], message, retry=False):
        Preferences.objects.filter(pk=preferences.pk).update(digest_sent_at=now)
        return True
    return False


def _pending(user: User, preferences: Preferences, channel: str) -> list[Notification]:
    """The reader's pending notifications to send by `channel`, oldest first. Those they no longer
    want by email, or may no longer see, or have no address for, are settled as not to be sent."""
    pending = list(
        Notification.objects.filter(recipient=user, email=Notification.Email.PENDING).order_by("created_at", "pk")
    )
    visible = set(
        Notification.objects.visible_to(user).filter(pk__in=[n.pk for n in pending]).values_list("pk", flat=True)
    )
    never = [n.pk for n in pending if preferences.channel(n.email_kind) == Channel.NEVER or not user.email]
    unseen = [n.pk for n in pending if n.pk not in visible and n.created_at < timezone.now() - OVERDUE]
    if never or unseen:
        Notification.objects.filter(pk__in=never + unseen, email=Notification.Email.PENDING).update(
            email=Notification.Email.SKIPPED
        )
    wanted = [
        n.pk for n in pending if n.pk in visible and n.pk not in never and preferences.channel(n.email_kind) == channel
    ]
    return list(Notification.objects.filter(pk__in=wanted).for_list().order_by("created_at", "pk"))


def _message(user: User, kind: str, subject: str, template: str, context: dict) -> EmailMessage:
    unsubscribe = unsubscribe_url(user, kind)
    context = {
        **context,
        "user": user,
        "site_name": settings.SITE_NAME,
        "unsubscribe_url": unsubscribe,
        "kind_name": KIND_NAMES[kind],
        "settings_url": site_url() + reverse("notification_settings"),
    }
    return EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        to=[user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def _deliver(user: User, pks: list[int], message: EmailMessage, *, retry: bool = True) -> bool:
    """Send `message` for these notifications if they are still pending, and mark them sent. On a
    refused or failed send they stay pending, and (`retry`) the reader's email task runs again
    later; a digest waits for the next `send_digests`. An address the server refuses for good
    (5xx to every recipient) is not tried again."""
    pending = Notification.objects.filter(pk__in=pks, email=Notification.Email.PENDING)
    # Claimed by one conditional UPDATE, which works alike on every database (SQLite ignores row
    # locks); the claim's time marks which rows are this run's.
    claim = timezone.now()
    if pending.update(email=Notification.Email.SENDING, emailed_at=claim) != len(pks):
        _release(pks, claim)  # another run has some of them: leave them all to it
        return False
    try:
        message.send()
        Notification.objects.filter(pk__in=pks).update(email=Notification.Email.SENT, emailed_at=timezone.now())
        return True
    except smtplib.SMTPRecipientsRefused as error:
        if all(code >= 500 for code, _ in error.recipients.values()):
            log.warning("Email to user %s refused for good, not sent: %s", user.pk, error.recipients)
            Notification.objects.filter(pk__in=pks).update(
                email=Notification.Email.SKIPPED, email_attempts=F("email_attempts") + 1
            )
            return True
        return _failed(user, pks, claim, error, retry)
    except (smtplib.SMTPException, OSError) as error:
        return _failed(user, pks, claim, error, retry)
    except BaseException:
        _release(pks, claim)  # a message that cannot be made: pending still, and the error goes up
        raise


def _release(pks: list[int], claim) -> None:
    """Put back what this run claimed (at `claim`) and did not send."""
    Notification.objects.filter(pk__in=pks, email=Notification.Email.SENDING, emailed_at=claim).update(
        email=Notification.Email.PENDING, emailed_at=None
    )


def _failed(user: User, pks: list[int], claim, error: Exception, retry: bool) -> bool:
    """A send that may work later: count the attempt and, for emails meant to go at once, try again
    after a doubling delay (RETRIES times; then `send_digests` takes over)."""
    _release(pks, claim)
    Notification.objects.filter(pk__in=pks).update(email_attempts=F("email_attempts") + 1)
    attempts = max(Notification.objects.filter(pk__in=pks).values_list("email_attempts", flat=True), default=1)
    log.warning("Email to user %s failed (attempt %s): %s", user.pk, attempts, error)
    if retry and attempts < RETRIES and send_now.get_backend().supports_defer:
        delay = timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS * 2 ** (attempts - 1))
        send_now.using(run_after=timezone.now() + delay).enqueue(user.pk)
    return False


def send_due(*, now=None, force: bool = False) -> tuple[int, int]:
    """What cron runs: each reader's daily digest when a day has passed since the last, and any
    email meant to go at once that is still pending (its tasks failed). (digests, overdue readers)."""
    now = now or timezone.now()
    # A run that died between claiming and sending (a crash, a kill) left its claim: free it.
    stuck = Notification.objects.filter(email=Notification.Email.SENDING, emailed_at__lt=now - STUCK)
    stuck.update(email=Notification.Email.PENDING, emailed_at=None)
    pending = Notification.objects.filter(email=Notification.Email.PENDING)
    digests = overdue = 0
    for user in User.objects.filter(pk__in=pending.values("recipient"), is_active=True).select_related(
        "notification_preferences"
    ):
        preferences = getattr(user, "notification_preferences", None)
        last = preferences.digest_sent_at if preferences else None
        try:
            if (force or last is None or last <= now - DIGEST_EVERY) and send_digest(user, now=now):
                digests += 1
            if pending.filter(recipient=user, created_at__lte=now - OVERDUE).exists() and send_now.call(user.pk):
                overdue += 1
        except Exception:
            # One reader's message that cannot be made (an address with a line break, say) must not
            # stop everyone else's: theirs stays pending, and the error is logged each run.
            log.exception("Emails to user %s could not be sent", user.pk)
    return digests, overdue
