"""What readers follow, what they are told, and how they want to be told.

A notification is written when something happens (a reply, a moderation, a development, an
estimate move, a new annotation on a followed topic) for each reader it concerns, and is
read back through `visible_to`, so that one which has since become invisible to its
recipient (an annotation hidden, a development unpublished) never shows or is emailed.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from diplomacy.annotations.markdown import first_line
from diplomacy.annotations.models import Annotation, ModerationEvent, in_view
from diplomacy.scenarios.models import Scenario, Topic, Visibility
from diplomacy.timeline.models import Development, Revision

MOVE_DEFAULT = 10


class FollowQuerySet(models.QuerySet):
    def visible_to(self, user) -> FollowQuerySet:
        """Follows of what `user` may still see (a topic unpublished since is not named)."""
        return self.filter(
            Q(topic__in=Topic.objects.visible_to(user)) | Q(scenario__in=Scenario.objects.visible_to(user))
        )

    def toggle(self, user, *, topic: Topic | None, scenario: Scenario | None, on: bool) -> bool:
        """Follow (on) or stop following; whether `user` follows it now."""
        if on:
            self.get_or_create(user=user, topic=topic, scenario=scenario)
        else:
            self.filter(user=user, topic=topic, scenario=scenario).delete()
        return on

    def following(self, *, topic: Topic) -> FollowQuerySet:
        """Follows that take in `topic`: of the topic itself, or of one of its scenarios."""
        return self.filter(Q(topic=topic) | Q(scenario__topic=topic))


def follow_field(topic: Topic | None, scenario: Scenario | None) -> tuple[str, str]:
    """How a follow form names what it follows: topic=<slug>, or scenario=<topic>/<slug>."""
    if topic is not None:
        return "topic", topic.slug
    assert scenario is not None
    return "scenario", f"{scenario.topic.slug}/{scenario.slug}"


def follow_state(user, *, topic: Topic | None = None, scenario: Scenario | None = None) -> dict | None:
    """What a topic's or scenario's Follow button shows this reader (None: not signed in)."""
    if not user.is_authenticated:
        return None
    field = (
        ("topic", topic.slug) if topic else ("scenario", f"{scenario.topic.slug}/{scenario.slug}" if scenario else "")
    )
    following = Follow.objects.filter(user=user, topic=topic, scenario=scenario).exists()
    return {"followed": topic or scenario, "following": following, "follow_field": field}


class Follow(models.Model):
    """A reader follows a topic or one scenario of it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    objects = FollowQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False, scenario__isnull=True) | Q(topic__isnull=True, scenario__isnull=False),
                name="follow_topic_or_scenario",
            ),
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(topic__isnull=False), name="follow_topic_once"
            ),
            models.UniqueConstraint(
                fields=["user", "scenario"], condition=Q(scenario__isnull=False), name="follow_scenario_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.followed}"

    @property
    def followed(self) -> Topic | Scenario:
        followed = self.topic or self.scenario
        assert followed is not None
        return followed


class Channel(models.TextChoices):
    """How a reader wants to hear of one kind of notification by email."""

    IMMEDIATELY = "immediately", "Immediately"
    DAILY = "daily", "In a daily digest"
    NEVER = "never", "Never"


class Preferences(models.Model):
    """One reader's choices: emails per kind, the smallest estimate move worth a word, the feed's token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_preferences"
    )
    email_replies = models.CharField(
        "replies to my annotations", max_length=12, choices=Channel.choices, default=Channel.IMMEDIATELY
    )
    email_moderation = models.CharField(
        "editors hiding or restoring my annotations",
        max_length=12,
        choices=Channel.choices,
        default=Channel.IMMEDIATELY,
    )
    email_followed = models.CharField(
        "news on what I follow", max_length=12, choices=Channel.choices, default=Channel.DAILY
    )
    move_threshold = models.PositiveSmallIntegerField(
        "smallest estimate move to tell me of",
        default=MOVE_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="In percentage points: a move of a followed topic's estimate at least this large is notified.",
    )
    feed_token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"

    @classmethod
    def of(cls, user) -> Preferences:
        preferences, _ = cls.objects.get_or_create(user=user)
        return preferences

    def channel(self, email_kind: str) -> str:
        return getattr(self, f"email_{email_kind}")

    def reset_feed_token(self) -> None:
        self.feed_token = secrets.token_urlsafe()
        self.save(update_fields=["feed_token"])

    def get_feed_url(self) -> str:
        return reverse("notification_feed", kwargs={"token": self.feed_token})


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """A user's notifications about what they may still see now."""
        if not user.is_authenticated:
            return self.none()
        # Conditions on the joined rows (not subqueries over every annotation): this runs on every
        # page a signed-in reader gets, for the unread count in the header.
        visibility = Visibility.of(user)
        where = Q(annotation__scenario__is_published=True) if not visibility.scenario_drafts else Q()
        if not visibility.topic_drafts:
            where &= Q(annotation__scenario__topic__is_published=True)
        return self.filter(
            Q(annotation__isnull=True) | (in_view(user, "annotation__") & where),
            Q(development__isnull=True) | Q(development__is_published=True),
            Q(topic__isnull=True) | Q(topic__is_published=True),
            recipient=user,
        )

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def for_list(self) -> NotificationQuerySet:
        return self.select_related("actor", "annotation__scenario__topic", "development", "topic", "revision")


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", "Reply to you"
        HIDDEN = "hidden", "Your annotation hidden"
        RESTORED = "restored", "Your annotation restored"
        DEVELOPMENT = "development", "New development"
        MOVE = "move", "Estimates moved"
        ANNOTATION = "annotation", "New annotation"

    class Email(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not to be sent"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    moderation = models.ForeignKey(ModerationEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    development = models.ForeignKey(Development, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The editor's reason, or what moved and by how much: fixed when it happened.
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(
                fields=["recipient", "created_at"], condition=Q(email="pending"), name="notification_to_email"
            ),
        ]
        constraints = [
            # One notification per reader per event, however often it is announced.
            models.UniqueConstraint(
                fields=["recipient", "annotation"], condition=Q(moderation__isnull=True), name="notify_annotation_once"
            ),
            models.UniqueConstraint(fields=["recipient", "moderation"], name="notify_moderation_once"),
            models.UniqueConstraint(fields=["recipient", "development"], name="notify_development_once"),
            models.UniqueConstraint(fields=["recipient", "revision"], name="notify_revision_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"

    def get_absolute_url(self) -> str:
        """Where it points: the annotation or reply, the development, the topic."""
        if self.annotation_id is not None:
            return reverse("annotation", kwargs={"pk": self.annotation_id})
        if self.development is not None:
            return self.development.get_absolute_url()
        assert self.topic is not None
        return self.topic.get_absolute_url()

    @property
    def email_kind(self) -> str:
        if self.kind == self.Kind.REPLY:
            return "replies"
        if self.kind in (self.Kind.HIDDEN, self.Kind.RESTORED):
            return "moderation"
        return "followed"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def headline(self) -> str:
        """One line: what happened, in plain words."""
        actor = self.actor.get_username() if self.actor else "Someone"
        annotation = self.annotation
        if self.kind == self.Kind.REPLY and annotation is not None:
            return f"{actor} replied to you on “{annotation.scenario.title}”"
        what = "reply" if annotation is not None and annotation.is_reply else "annotation"
        if self.kind == self.Kind.HIDDEN:
            return f"An editor hid your {what}"
        if self.kind == self.Kind.RESTORED:
            return f"An editor restored your {what}"
        if self.kind == self.Kind.DEVELOPMENT and self.development is not None:
            return f"New development: {self.development.title}"
        if self.kind == self.Kind.MOVE and self.topic is not None:
            return f"Estimates moved on {self.topic.title}"
        if self.kind == self.Kind.ANNOTATION and annotation is not None:
            return f"{actor} annotated “{annotation.scenario.title}”"
        return self.get_kind_display()

    @property
    def excerpt(self) -> str:
        """A line of what was written, or the editor's reason, or what moved."""
        if self.kind in (self.Kind.REPLY, self.Kind.ANNOTATION) and self.annotation is not None:
            return first_line(self.annotation.body, 160) if not self.annotation.is_deleted else "(deleted)"
        if self.kind == self.Kind.DEVELOPMENT and self.development is not None:
            return first_line(self.development.summary, 160)
        return self.detail

    def mark_read(self) -> None:
        if self.read_at is None:
            self.read_at = timezone.now()
            self.save(update_fields=["read_at"])
