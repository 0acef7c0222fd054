"""Annotations on scenarios, the flags readers raise on them, and editors' moderation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from diplomacy.scenarios.models import Scenario

from . import anchoring
from .markdown import render_markdown

BODY_MAX = 10_000
QUOTE_MAX = 1_000
CONTEXT_MAX = 200
RATE_WINDOW = timedelta(minutes=1)  # a user may post settings.ANNOTATION_RATE_LIMIT annotations in this long


class WebLinkField(models.URLField):
    """An http(s) link; a link typed without a scheme is taken to be https (as Django 6 will)."""

    default_validators = [URLValidator(schemes=["http", "https"])]

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().formfield(**{"assume_scheme": "https", **kwargs})


def _for_everyone(prefix: str = "") -> Q:
    return Q(**{f"{prefix}is_public": True, f"{prefix}state": Annotation.State.SHOWN})


def shown_to(user, prefix: str = "") -> Q:
    """The visibility rule of an annotation (reached through `prefix`, e.g. "annotation__"), as
    conditions on its own row: so that it joins, rather than asks a subquery over every annotation."""
    if not user.is_authenticated:
        return _for_everyone(prefix)
    shown = (
        Q(**{f"{prefix}is_public": True}) if user.has_perm("annotations.moderate_annotation") else _for_everyone(prefix)
    )
    return shown | Q(**{f"{prefix}author": user})


def in_view(user, prefix: str = "") -> Q:
    """`shown_to`, and for a reply, its thread's annotation shown too."""
    return shown_to(user, prefix) & (Q(**{f"{prefix}root__isnull": True}) | shown_to(user, f"{prefix}root__"))


class AnnotationQuerySet(models.QuerySet):
    def for_everyone(self):
        """What every reader sees: public annotations no editor has hidden."""
        return self.filter(_for_everyone())

    def visible_to(self, user):
        """Public, shown annotations for everyone; plus, for a user, their own (private or hidden);
        plus, for editors, hidden public ones. Private ones are never shown to anyone but their author."""
        return self.filter(shown_to(user))

    def concerning(self, user):
        """What a user sees differently from other readers: their own annotations (they may
        edit them, and see them when private or hidden), and for editors every hidden one."""
        if not user.is_authenticated:
            return self.none()
        theirs = Q(author=user)
        if user.has_perm("annotations.moderate_annotation"):
            theirs |= Q(is_public=True, state=Annotation.State.HIDDEN)
        return self.filter(theirs)

    def seen_only_by(self, user):
        """What visible_to(user) adds to what every reader sees: the user's own private or
        hidden annotations, and for editors the hidden public ones. Nothing for anonymous readers."""
        return self.concerning(user).exclude(_for_everyone())

    def in_view_of(self, user):
        """What `user` may see, replies included: a reply shows where the annotation that starts
        its thread shows (a hidden reply shows as hidden in it, with its answers)."""
        return self.filter(in_view(user))

    def public(self):
        """What feeds and exports publish: public, shown, not deleted, on published scenarios,
        and for replies, in threads everyone can see."""
        return (
            self.for_everyone()
            .standing()
            .filter(Q(root__isnull=True) | _for_everyone("root__"))
            .filter(scenario__in=Scenario.objects.published())
        )

    def roots(self):
        """Annotations, not replies to them."""
        return self.filter(root__isnull=True)

    def counts_by_scenario(self, scenarios: Iterable[int]) -> dict[int, int]:
        """How many of these annotations each of the scenarios (by id) has; those without any are left out."""
        rows = self.filter(scenario__in=list(scenarios)).values("scenario").annotate(n=Count("pk"))
        return {row["scenario"]: row["n"] for row in rows.order_by()}

    def standing(self):
        """Not deleted: a deleted annotation that has replies stays, as "deleted", to carry them."""
        return self.filter(deleted_at__isnull=True)

    def with_open_flags(self):
        return self.annotate(open_flags=Count("flags", filter=Q(flags__cleared_at__isnull=True)))


class Annotation(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        EVIDENCE = "evidence", "Evidence"
        COUNTERPOINT = "counterpoint", "Counterpoint"
        QUESTION = "question", "Question"
        EDITORS_NOTE = "editors-note", "Editor’s note"
        REPLY = "reply", "Reply"

    class State(models.TextChoices):
        SHOWN = "shown", "Shown"
        HIDDEN = "hidden", "Hidden by an editor"

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="annotations")
    # A reply answers `parent` (an annotation or a reply) in the thread that `root` starts.
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    root = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="thread_replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField(
        max_length=BODY_MAX, help_text="Markdown: *emphasis*, **strong**, [links](https://…), lists, > quotes."
    )
    body_html = models.TextField(editable=False, help_text="The body rendered and sanitized; kept in step on save.")
    quote = models.TextField("quoted passage", max_length=QUOTE_MAX, blank=True)
    quote_prefix = models.CharField(max_length=CONTEXT_MAX, blank=True)
    quote_suffix = models.CharField(max_length=CONTEXT_MAX, blank=True)
    source_url = WebLinkField("source link", max_length=500, blank=True)
    is_public = models.BooleanField("public", default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SHOWN)
    moderation_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Deleted by its author while it had replies: its text is gone, the row stays to carry them.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Any change at all, by anyone (an author's edit, an editor's, moderation): what the
    # cached rendering of this annotation is keyed on.
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("moderate_annotation", "Can hide and restore annotations and clear flags")]
        constraints = [
            # A reply is in a thread (and answers something in it); an annotation is neither.
            models.CheckConstraint(
                condition=Q(kind="reply", root__isnull=False, parent__isnull=False)
                | (~Q(kind="reply") & Q(root__isnull=True, parent__isnull=True)),
                name="annotation_reply_in_thread",
            ),
        ]
        indexes = [
            # The thread, newest first, with what visibility needs in the index itself (PostgreSQL
            # covers the filter columns; elsewhere it is a plain index on the first three).
            models.Index(
                fields=["scenario", "-created_at", "-id"],
                include=["is_public", "state", "author", "kind"],
                name="annotation_thread",
            ),
            # Only a few annotations quote a passage or are editor's notes: small partial indexes find them.
            models.Index(fields=["scenario", "-created_at"], condition=~Q(quote=""), name="annotation_quoted"),
            models.Index(
                fields=["scenario", "-created_at"], condition=Q(kind="editors-note"), name="annotation_editors_notes"
            ),
            models.Index(fields=["author", "-created_at"], name="annotation_by_author"),
            # What one reader wrote on one scenario, asked on every page they read.
            models.Index(fields=["author", "scenario"], name="annotation_by_author_scenario"),
            # A page of the thread asks for the replies of its annotations at once.
            models.Index(fields=["root", "created_at"], condition=Q(root__isnull=False), name="annotation_replies"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author} on {self.scenario}"

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("annotation", kwargs={"pk": self.pk})

    @property
    def safe_source_url(self) -> str:
        """The source link if it is http(s); forms ensure it, but a link that arrived another
        way (an import, a database edit) must never become a javascript: link on the page."""
        return self.source_url if self.source_url.lower().startswith(("http://", "https://")) else ""

    @property
    def is_for_everyone(self) -> bool:
        return self.is_public and self.state == self.State.SHOWN

    @property
    def is_hidden(self) -> bool:
        return self.state == self.State.HIDDEN

    @property
    def is_editors_note(self) -> bool:
        return self.kind == self.Kind.EDITORS_NOTE

    @property
    def is_reply(self) -> bool:
        return self.root_id is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def refuses_replies_from(self, user) -> str:
        """Why `user` may not reply to this (an empty string if they may). Whoever may see a private
        annotation (its author) may reply to it; nobody replies to what is hidden or deleted."""
        if self.is_hidden or (self.root is not None and self.root.is_hidden):
            return "An editor has hidden this annotation: it takes no replies."
        if self.is_deleted:
            return "This annotation is deleted: it takes no replies."
        if not self.is_public and self.author_id != user.pk:
            return "Only its author may reply to a private annotation."
        return ""

    def reply(self, *, author, body: str) -> Annotation:
        """A reply to this annotation or reply, in the same scenario and thread, public as the thread is."""
        return Annotation.objects.create(
            scenario_id=self.scenario_id,
            parent=self,
            root_id=self.root_id or self.pk,
            author=author,
            kind=self.Kind.REPLY,
            body=body,
            is_public=self.is_public,
        )

    def remove(self) -> None:
        """The author deletes it: gone, unless it has replies, which stay readable under "deleted".
        A deleted annotation left with no replies goes too."""
        parent = self.parent
        if self.replies.exists():
            self.body = self.quote = self.quote_prefix = self.quote_suffix = self.source_url = ""
            self.deleted_at = timezone.now()
            self.save()
        else:
            self.delete()
        if parent is not None and parent.is_deleted and not parent.replies.exists():
            parent.remove()

    def locate(self, narrative: str) -> tuple[int, int] | None:
        return anchoring.locate(narrative, self.quote, self.quote_prefix, self.quote_suffix)

    def edit(self, **fields) -> None:
        for name, value in fields.items():
            setattr(self, name, value)
        self.edited_at = timezone.now()
        with transaction.atomic():
            if not self.is_reply:
                # A thread is as public as the annotation that starts it (before the save, which
                # invalidates the thread, so no one caches it half changed).
                replies = self.thread_replies.exclude(is_public=self.is_public)
                replies.update(is_public=self.is_public, updated_at=self.edited_at)
            self.save()

    def hide(self, *, by, reason: str) -> None:
        self.state = self.State.HIDDEN
        self.moderation_reason = reason
        self._moderate()
        ModerationEvent.objects.create(annotation=self, editor=by, action=ModerationEvent.Action.HIDE, reason=reason)

    def restore(self, *, by, reason: str) -> None:
        """Show it again: the editor has judged it, so the flags raised so far are settled too."""
        self.flags.filter(cleared_at__isnull=True).update(cleared_at=timezone.now())
        self.state = self.State.SHOWN
        self.moderation_reason = ""
        self._moderate()
        ModerationEvent.objects.create(annotation=self, editor=by, action=ModerationEvent.Action.RESTORE, reason=reason)

    def _moderate(self) -> None:
        """Save the new state; hiding or restoring an annotation hides or shows its thread too, so
        the replies count as changed then (a client asking for what changed since sees them)."""
        with transaction.atomic():
            self.save(update_fields=["state", "moderation_reason", "updated_at"])
            if not self.is_reply:
                self.thread_replies.update(updated_at=self.updated_at)

    def clear_flags(self, *, by, reason: str) -> int:
        cleared = self.flags.filter(cleared_at__isnull=True).update(cleared_at=timezone.now())
        ModerationEvent.objects.create(
            annotation=self, editor=by, action=ModerationEvent.Action.CLEAR_FLAGS, reason=reason
        )
        return cleared

    def flag(self, *, by) -> bool:
        """Flag for moderation, once per user; False if this user had flagged it already."""
        _, created = Flag.objects.get_or_create(annotation=self, user=by)
        return created

    @classmethod
    def posted_too_often(cls, user) -> bool:
        """True when the user has posted ANNOTATION_RATE_LIMIT annotations within RATE_WINDOW."""
        since = timezone.now() - RATE_WINDOW
        return cls.objects.filter(author=user, created_at__gte=since).count() >= settings.ANNOTATION_RATE_LIMIT


class Flag(models.Model):
    """A signed-in reader's request that editors look at an annotation."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    created_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["annotation", "user"], name="flag_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} flagged #{self.annotation_id}"


class ModerationEvent(models.Model):
    """What an editor did to an annotation, and why."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hid"
        RESTORE = "restore", "Restored"
        CLEAR_FLAGS = "clear-flags", "Cleared flags on"

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="moderation_events")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.CharField(max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.editor} {self.get_action_display().lower()} #{self.annotation_id}: {self.reason}"
