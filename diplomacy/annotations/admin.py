"""Moderation in the admin: a queue with flagged annotations first, and actions that need a reason.

Editors moderate but never edit other people's words: another author's annotation
is read-only here, and private annotations are not shown to anyone but their author.
"""

from typing import Any, cast

import nh3
from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from .markdown import ALLOWED_TAGS
from .models import Annotation, AnnotationQuerySet, Flag, ModerationEvent

CONTENT_FIELDS = ["scenario", "kind", "body", "quote", "quote_prefix", "quote_suffix", "source_url", "is_public"]


def _readable_by(request, queryset):
    """Private annotations are for their author's eyes only, editors included."""
    return queryset.filter(Q(is_public=True) | Q(author=request.user))


PREVIEW_WORDS = 60  # the list shows three lines (static/css/admin.css); this bounds the HTML sent


def _preview(annotation: Annotation) -> str:
    """The start of the body as readers see it: its sanitized rendering (render_markdown, kept
    in body_html), cut to a few dozen words and cleaned again without links, which would sit
    inside the row's own link. nh3 runs last, so whatever body_html holds, nothing executable
    reaches the page."""
    start = Truncator(annotation.body_html).words(PREVIEW_WORDS, html=True)
    return nh3.clean(start, tags=ALLOWED_TAGS - {"a"}, attributes={}, strip_comments=True)


class FlaggedFilter(admin.SimpleListFilter):
    title = "flags"
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("open", "Has open flags"), ("none", "No open flags")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_flags__gt=0)
        if self.value() == "none":
            return queryset.filter(open_flags=0)
        return queryset


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"size": 60}))


def _with_reason(verb: str, method: str, description: str):
    """An admin action that first asks for a reason, then calls annotation.<method>(by=, reason=)."""

    @admin.action(description=description, permissions=["moderate"])
    def action(modeladmin, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for annotation in queryset:
                getattr(annotation, method)(by=request.user, reason=form.cleaned_data["reason"])
            modeladmin.message_user(request, f"{verb} {len(queryset)} annotation(s).", messages.SUCCESS)
            return None
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": description,
            "annotations": queryset,
            "form": form,
            "action": request.POST["action"],
            "opts": modeladmin.model._meta,
        }
        return TemplateResponse(request, "admin/annotations/reason.html", context)

    action.__name__ = method
    return action


def _waiting_for_moderation(request) -> AnnotationQuerySet:
    """Annotations with open flags that are still shown: the moderation list filtered by
    flags "Has open flags" and state "Shown". Hiding one or clearing its flags settles it."""
    open_flags = Flag.objects.filter(annotation=OuterRef("pk"), cleared_at__isnull=True)
    shown = Annotation.objects.filter(Exists(open_flags), state=Annotation.State.SHOWN)
    return cast(AnnotationQuerySet, _readable_by(request, shown))


WAITING_QUERY = "?flagged=open&state__exact=shown"


def moderation_queue(request: HttpRequest) -> dict[str, Any] | None:
    """How many flagged annotations wait for this editor, and where (one COUNT); None if not a moderator."""
    if not request.user.has_perms(["annotations.moderate_annotation", "annotations.view_annotation"]):
        return None
    return {
        "count": _waiting_for_moderation(request).count(),
        "url": reverse("admin:annotations_annotation_changelist") + WAITING_QUERY,
    }


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    # Kind and scenario are shown under the body, not in columns of their own: at 1280 px the
    # navigation and the filters leave the list about 630 px.
    list_display = ["preview", "author", "state", "open_flags", "created_at"]
    list_filter = ["kind", "state", FlaggedFilter, "is_public", "scenario__topic"]
    list_select_related = ["scenario__topic", "author"]
    search_fields = ["body", "quote", "author__username", "scenario__title"]
    date_hierarchy = "created_at"
    actions = [
        _with_reason("Hid", "hide", "Hide the selected annotations"),
        _with_reason("Restored", "restore", "Restore the selected annotations"),
        _with_reason("Cleared the flags of", "clear_flags", "Clear the flags of the selected annotations"),
    ]
    readonly_fields = [
        "author",
        "parent",
        "root",
        "state",
        "moderation_reason",
        "created_at",
        "edited_at",
        "deleted_at",
        "flag_list",
        "log",
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        # Annotated before it is ordered (ModelAdmin.get_queryset orders first), as the ordering needs open_flags.
        return _readable_by(request, Annotation.objects.with_open_flags()).order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # The moderation queue: annotations with open flags first, then the newest. The list
        # sorts by this; an order set only in get_queryset gave way to the model's own.
        return ["-open_flags", "-created_at", "-pk"]

    def has_add_permission(self, request):
        return False  # annotations are written on the site, or inline on their scenario

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.author_id == request.user.pk)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.author_id == request.user.pk)

    def has_moderate_permission(self, request):
        return request.user.has_perm("annotations.moderate_annotation")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deleting others' words is not moderation
        return actions

    @admin.display(description="annotation")
    def preview(self, annotation):
        return format_html(
            '<div class="annotation-preview">{}</div><div class="annotation-context">{}{} on {}</div>',
            mark_safe(_preview(annotation)),  # noqa: S308 (sanitized by nh3 in _preview)
            annotation.get_kind_display(),
            "" if annotation.is_public else " (private)",
            annotation.scenario,
        )

    @admin.display(description="open flags", ordering="open_flags")
    def open_flags(self, annotation):
        return annotation.open_flags

    @admin.display(description="flags")
    def flag_list(self, annotation):
        flags = annotation.flags.select_related("user")
        return ", ".join(f"{f.user} ({'cleared' if f.cleared_at else 'open'})" for f in flags) or "none"

    @admin.display(description="moderation log")
    def log(self, annotation):
        return "; ".join(str(event) for event in annotation.moderation_events.select_related("editor")) or "none"


class AnnotationInline(admin.StackedInline):
    """Editors annotate while they edit a scenario; only their own annotations appear here."""

    model = Annotation
    fields = ["kind", "body", "quote", "source_url", "is_public"]
    extra = 0
    verbose_name = "my annotation"
    verbose_name_plural = "my annotations on this scenario"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(author=request.user)


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    list_display = ["at", "editor", "action", "annotation", "reason"]
    list_filter = ["action"]
    list_select_related = ["editor", "annotation__author", "annotation__scenario__topic"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["annotation", "user", "created_at", "cleared_at"]
    list_filter = ["cleared_at"]
    list_select_related = ["user", "annotation__author", "annotation__scenario__topic"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(Q(annotation__is_public=True) | Q(annotation__author=request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
