"""Notification emails: at once or in a daily digest, never twice, never of what the reader may
not see, always with a one-click way out; and, against a real SMTP server, a refused send kept
for the next try rather than lost.
"""

import datetime
import io
import socket
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from diplomacy.notifications.emails import (
    UNSUBSCRIBE_SALT,
    read_unsubscribe_token,
    send_due,
    send_now,
    unsubscribe_token,
)
from diplomacy.notifications.models import Notification, Preferences
from tests.factories import make_annotation
from tests.notifications.conftest import follow
from tests.timeline.factories import make_development

pytestmark = pytest.mark.django_db
Email = Notification.Email


def choose(user, **channels) -> None:
    Preferences.of(user)
    Preferences.objects.filter(user=user).update(**channels)


def sent_to(user) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if message.to == [user.email]]


def digests() -> str:
    """What cron runs, and what it says."""
    out = io.StringIO()
    call_command("send_digests", stdout=out)
    return out.getvalue()


def unsubscribe_path(message: mail.EmailMessage) -> str:
    return urlsplit(message.extra_headers["List-Unsubscribe"].strip("<>")).path


# At once


def test_a_reply_emails_the_author_once_at_once(contributor, replier, scenario):
    annotation = make_annotation(scenario, contributor)
    reply = annotation.reply(author=replier, body="Prisoner swaps worked before.")
    [message] = mail.outbox
    assert message.to == ["contributor@example.org"]
    assert message.subject == "replier replied to you on “Partial truce”"
    assert "Prisoner swaps worked before." in message.body
    assert f"{settings.SITE_URL}/annotations/{reply.pk}/" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith(f"{settings.SITE_URL}/email/unsubscribe/")
    assert read_unsubscribe_token(unsubscribe.split("/")[-2]) == (contributor.pk, "replies")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Unsubscribe from them: {unsubscribe}" in message.body
    notification = Notification.objects.get()
    assert notification.email == Email.SENT and notification.emailed_at is not None

    assert send_now.call(contributor.pk) == 0
    digests()
    send_due(now=timezone.now() + datetime.timedelta(days=2), force=True)
    assert len(mail.outbox) == 1


def test_replies_in_a_busy_thread_email_each_author_of_what_was_answered(contributor, replier, outsider, scenario):
    annotation = make_annotation(scenario, contributor)
    first = annotation.reply(author=replier, body="One")
    first.reply(author=outsider, body="Two")
    first.reply(author=replier, body="To myself")
    assert len(sent_to(contributor)) == 1
    assert len(sent_to(replier)) == 1
    assert sent_to(outsider) == []


def test_hiding_emails_the_author_the_editors_reason_at_once(contributor, editor, scenario):
    annotation = make_annotation(scenario, contributor)
    annotation.hide(by=editor, reason="Insults another reader")
    [message] = mail.outbox
    assert message.subject == "An editor hid your annotation"
    assert "Insults another reader" in message.body
    assert read_unsubscribe_token(unsubscribe_path(message).split("/")[-2]) == (contributor.pk, "moderation")


def test_a_follower_who_wants_news_at_once_gets_it_at_once(django_capture_on_commit_callbacks, follower, topic):
    choose(follower, email_followed="immediately")
    follow(follower, topic=topic)
    with django_capture_on_commit_callbacks(execute=True):
        development = make_development(topic, title="Talks in Riyadh")
    [message] = mail.outbox
    assert message.subject == "New development: Talks in Riyadh"
    assert settings.SITE_URL + development.get_absolute_url() in message.body


# The daily digest


def test_followed_news_waits_for_one_daily_digest(
    django_capture_on_commit_callbacks, contributor, follower, topic, scenario
):
    follow(follower, topic=topic)
    make_annotation(scenario, contributor, body="Worth a look.")
    with django_capture_on_commit_callbacks(execute=True):
        make_development(topic, title="Talks in Riyadh")
    assert mail.outbox == []

    assert digests() == "Sent 1 digest; retried emails for 0 readers.\n"
    [message] = mail.outbox
    assert message.to == ["follower@example.org"]
    assert message.subject == "2 updates from diplomacy"
    assert "* contributor annotated “Partial truce”\n  Worth a look." in message.body
    assert "* New development: Talks in Riyadh" in message.body
    assert message.body.index("annotated") < message.body.index("Talks in Riyadh")  # oldest first
    assert read_unsubscribe_token(unsubscribe_path(message).split("/")[-2]) == (follower.pk, "followed")
    assert f"Stop emails about news on what you follow: {settings.SITE_URL}/email/unsubscribe/" in message.body
    assert set(Notification.objects.values_list("email", flat=True)) == {Email.SENT}

    assert digests() == "Sent 0 digests; retried emails for 0 readers.\n"
    assert len(mail.outbox) == 1


def test_the_next_digest_waits_a_day_and_brings_only_whats_new(contributor, follower, topic, scenario):
    follow(follower, topic=topic)
    make_annotation(scenario, contributor, body="First news.")
    start = timezone.now()
    assert send_due(now=start) == (1, 0)
    make_annotation(scenario, contributor, body="Second news.")
    assert send_due(now=start + datetime.timedelta(hours=1)) == (0, 0)
    assert send_due(now=start + datetime.timedelta(hours=19)) == (0, 0)
    assert len(mail.outbox) == 1
    assert send_due(now=start + datetime.timedelta(hours=20, minutes=5)) == (1, 0)
    second = mail.outbox[-1]
    assert second.subject == "1 update from diplomacy"
    assert "Second news." in second.body and "First news." not in second.body
    assert send_due(now=start + datetime.timedelta(days=3)) == (0, 0)
    assert len(mail.outbox) == 2


def test_replies_chosen_daily_join_the_digest_with_their_own_way_out(contributor, replier, topic, scenario):
    choose(contributor, email_replies="daily")
    follow(contributor, topic=topic)
    annotation = make_annotation(scenario, contributor)
    annotation.reply(author=replier, body="A reply for the digest.")
    make_annotation(scenario, replier, body="News for the digest.")
    assert mail.outbox == []
    digests()
    [message] = mail.outbox
    assert "A reply for the digest." in message.body and "News for the digest." in message.body
    assert "Stop emails about replies to your annotations:" in message.body
    assert "Stop emails about news on what you follow:" in message.body


# Not sent


def test_a_reader_who_chose_never_gets_nothing_and_it_is_settled(contributor, replier, follower, topic, scenario):
    choose(contributor, email_replies="never")
    choose(follower, email_followed="never")
    follow(follower, topic=topic)
    annotation = make_annotation(scenario, contributor)
    annotation.reply(author=replier, body="Not emailed.")
    digests()
    assert mail.outbox == []
    assert set(Notification.objects.values_list("email", flat=True)) == {Email.SKIPPED}
    choose(contributor, email_replies="immediately")  # changing one's mind later sends no back catalogue
    assert send_now.call(contributor.pk) == 0
    assert mail.outbox == []


def test_a_reader_without_an_email_address_is_skipped(contributor, replier, follower, topic, scenario):
    for user in (contributor, follower):
        user.email = ""
        user.save()
    follow(follower, topic=topic)
    make_annotation(scenario, contributor).reply(author=replier, body="Nowhere to send it.")
    digests()
    assert mail.outbox == []
    assert set(Notification.objects.values_list("email", flat=True)) == {Email.SKIPPED}


def test_a_deactivated_reader_gets_nothing(contributor, replier, follower, topic, scenario):
    follow(follower, topic=topic)
    follower.is_active = False
    follower.save()
    make_annotation(scenario, contributor)
    digests()
    assert mail.outbox == []


def test_news_of_an_annotation_hidden_before_the_digest_is_not_emailed(contributor, follower, editor, topic, scenario):
    follow(follower, topic=topic)
    hidden = make_annotation(scenario, contributor, body="Soon hidden.")
    make_annotation(scenario, contributor, body="Still shown.")
    hidden.hide(by=editor, reason="Off topic")
    mail.outbox.clear()  # the author's email about the hiding
    digests()
    [message] = mail.outbox
    assert "Still shown." in message.body and "Soon hidden." not in message.body
    Notification.objects.filter(recipient=follower).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    digests()
    assert Notification.objects.get(recipient=follower, annotation=hidden).email == Email.SKIPPED
    hidden.restore(by=editor, reason="Fair after all")
    send_due(now=timezone.now() + datetime.timedelta(days=1))
    assert "Soon hidden." not in "".join(m.body for m in sent_to(follower))


def test_a_reply_hidden_before_the_digest_is_not_emailed_to_the_one_it_answered(contributor, replier, editor, scenario):
    choose(contributor, email_replies="daily")
    reply = make_annotation(scenario, contributor).reply(author=replier, body="Something rude.")
    reply.hide(by=editor, reason="Rude")
    digests()
    assert sent_to(contributor) == []
    assert [message.subject for message in sent_to(replier)] == ["An editor hid your reply"]


def test_a_reply_in_a_thread_made_private_before_the_digest_is_not_emailed(contributor, replier, scenario):
    choose(replier, email_replies="daily")
    annotation = make_annotation(scenario, contributor)
    annotation.reply(author=replier, body="I disagree.").reply(author=contributor, body="Private reasons.")
    annotation.edit(is_public=False)
    digests()
    assert sent_to(replier) == []


def test_news_of_a_development_unpublished_before_the_digest_is_not_emailed(
    django_capture_on_commit_callbacks, follower, topic
):
    follow(follower, topic=topic)
    with django_capture_on_commit_callbacks(execute=True):
        development = make_development(topic, title="A premature report")
    development.is_published = False
    development.save()
    digests()
    assert mail.outbox == []


def test_one_readers_unsendable_address_does_not_stop_the_others_digests(
    caplog, contributor, follower, outsider, topic, scenario
):
    follow(follower, topic=topic)
    follow(outsider, topic=topic)
    User.objects.filter(pk=follower.pk).update(email="follower@example.org\nBcc: everyone@example.org")
    make_annotation(scenario, contributor)
    assert digests() == "Sent 1 digest; retried emails for 0 readers.\n"
    assert [message.to for message in mail.outbox] == [["outsider@example.org"]]
    assert f"Emails to user {follower.pk} could not be sent" in caplog.text
    assert Notification.objects.get(recipient=follower).email == Email.PENDING


# Unsubscribing


def test_the_unsubscribe_link_shows_a_button_and_changes_nothing(client, contributor, replier, scenario):
    make_annotation(scenario, contributor).reply(author=replier, body="One")
    response = client.get(unsubscribe_path(mail.outbox[0]))
    assert response.status_code == 200
    assert "Stop emails about replies to your annotations?" in response.text
    assert '<button class="button" type="submit">Unsubscribe</button>' in response.text
    assert Preferences.of(contributor).email_replies == "immediately"


def test_a_mail_client_unsubscribes_in_one_post_without_a_csrf_token(contributor, replier, scenario):
    make_annotation(scenario, contributor).reply(author=replier, body="One")
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(unsubscribe_path(mail.outbox[0]), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You will get no more emails about replies to your annotations." in response.text
    preferences = Preferences.of(contributor)
    assert (preferences.email_replies, preferences.email_moderation, preferences.email_followed) == (
        "never",
        "immediately",
        "daily",
    )
    make_annotation(scenario, contributor).reply(author=replier, body="Two")
    assert len(mail.outbox) == 1
    assert mail_client.post(unsubscribe_path(mail.outbox[0])).status_code == 200  # again: still fine


def test_unsubscribing_from_a_digest_stops_that_kind_only(contributor, follower, topic, scenario):
    follow(follower, topic=topic)
    make_annotation(scenario, contributor)
    digests()
    Client(enforce_csrf_checks=True).post(unsubscribe_path(mail.outbox[0]))
    assert Preferences.of(follower).email_followed == "never"
    assert Preferences.of(follower).email_replies == "immediately"


@pytest.mark.parametrize("change", ["cut", "swap", "forge", "garbage"])
def test_a_tampered_unsubscribe_link_is_a_400_and_changes_nothing(client, contributor, replier, change):
    token = unsubscribe_token(contributor, "replies")
    tampered = {
        "cut": token[:-3],
        "swap": unsubscribe_token(replier, "replies").split(":")[0] + ":" + token.split(":", 1)[1],
        "forge": signing.dumps([contributor.pk, "replies"], salt="another purpose"),
        "garbage": "not-a-token",
    }[change]
    for method in (client.get, client.post):
        response = method(reverse("unsubscribe", args=[tampered]))
        assert response.status_code == 400
        assert "This unsubscribe link is not one of ours" in response.text
    assert Preferences.of(contributor).email_replies == "immediately"
    assert Preferences.of(replier).email_replies == "immediately"


def test_a_token_for_a_kind_that_does_not_exist_is_a_400(client, contributor):
    token = signing.dumps([contributor.pk, "everything"], salt=UNSUBSCRIBE_SALT, compress=True)
    assert client.post(reverse("unsubscribe", args=[token])).status_code == 400


# A real SMTP server that refuses the first time


class RefusesOnce:
    """An SMTP server's handler: "try again later" to the first message, then accepts."""

    def __init__(self) -> None:
        self.tries = 0
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.tries += 1
        if self.tries == 1:
            return "451 4.3.0 Try again later"
        self.received.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = RefusesOnce()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_TIMEOUT=5,
        ):
            yield handler
    finally:
        controller.stop()


def test_a_refused_email_stays_pending_and_goes_once_on_the_next_try(smtp_server, contributor, replier, scenario):
    annotation = make_annotation(scenario, contributor)
    reply = annotation.reply(author=replier, body="Worth retrying.")
    notification = Notification.objects.get()
    assert smtp_server.tries == 1 and smtp_server.received == []
    assert (notification.email, notification.email_attempts, notification.emailed_at) == (Email.PENDING, 1, None)

    assert send_now.call(contributor.pk) == 1
    notification.refresh_from_db()
    assert (notification.email, notification.email_attempts) == (Email.SENT, 1)
    [content] = smtp_server.received
    assert b"Worth retrying." in content and f"/annotations/{reply.pk}/".encode() in content
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in content

    assert send_now.call(contributor.pk) == 0
    digests()
    assert len(smtp_server.received) == 1


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}, NOTIFICATION_RETRY_SECONDS=60
)
def test_with_a_worker_a_refused_email_is_tried_again_later_backing_off(smtp_server, contributor, replier, scenario):
    backend = send_now.get_backend()
    make_annotation(scenario, contributor).reply(author=replier, body="Queued, not sent here.")
    [queued] = [result for result in backend.results if result.task == send_now]
    assert (queued.args, queued.task.run_after) == ([contributor.pk], None)
    backend.clear()
    before = timezone.now()
    assert send_now.call(contributor.pk) == 0  # what the worker runs: refused
    [retry] = backend.results
    assert retry.args == [contributor.pk]
    assert (
        before + datetime.timedelta(seconds=59) < retry.task.run_after < timezone.now() + datetime.timedelta(seconds=61)
    )
    assert Notification.objects.get().email_attempts == 1
    assert send_now.call(contributor.pk) == 1
    assert len(smtp_server.received) == 1


def test_send_digests_sends_an_email_whose_task_failed_once_it_is_overdue(smtp_server, contributor, replier, scenario):
    make_annotation(scenario, contributor).reply(author=replier, body="Picked up by cron.")
    assert digests() == "Sent 0 digests; retried emails for 0 readers.\n"  # not overdue yet: its task may run
    assert smtp_server.received == []
    assert send_due(now=timezone.now() + datetime.timedelta(minutes=11)) == (0, 1)
    assert Notification.objects.get().email == Email.SENT
    assert len(smtp_server.received) == 1
    digests()
    assert len(smtp_server.received) == 1


def test_a_refused_digest_stays_pending_and_goes_whole_on_the_next_run(
    smtp_server, contributor, follower, topic, scenario
):
    follow(follower, topic=topic)
    make_annotation(scenario, contributor, body="First.")
    make_annotation(scenario, contributor, body="Second.")
    assert digests() == "Sent 0 digests; retried emails for 0 readers.\n"
    assert set(Notification.objects.values_list("email", "email_attempts")) == {(Email.PENDING, 1)}
    assert Preferences.of(follower).digest_sent_at is None
    assert digests() == "Sent 1 digest; retried emails for 0 readers.\n"
    [content] = smtp_server.received
    assert b"First." in content and b"Second." in content
    assert set(Notification.objects.values_list("email", flat=True)) == {Email.SENT}


class NoSuchMailbox(RefusesOnce):
    """An SMTP server that refuses the recipient for good (5xx), every time."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        self.tries += 1
        return "550 5.1.1 No such mailbox"


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}, NOTIFICATION_RETRY_SECONDS=60
)
def test_an_address_refused_for_good_is_not_tried_again(smtp_server, contributor, replier, scenario):
    smtp_server.__class__ = NoSuchMailbox
    backend = send_now.get_backend()
    make_annotation(scenario, contributor).reply(author=replier, body="Nobody home.")
    backend.clear()
    assert send_now.call(contributor.pk) == 1  # settled: not sent, and not to be
    assert smtp_server.tries == 1 and smtp_server.received == []
    assert Notification.objects.values_list("email", "email_attempts").get() == (Email.SKIPPED, 1)
    assert backend.results == []  # no retry queued
    assert send_due(now=timezone.now() + datetime.timedelta(days=2)) == (0, 0)
    assert smtp_server.tries == 1
