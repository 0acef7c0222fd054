"""The editors' admin for what happens over time: developments with their sources and signpost
marks, and the kept record of re-estimates (made by the topic's re-estimate form, never here)."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from diplomacy.scenarios.admin import can_reestimate, publish, unpublish

from .forms import SignpostMarkForm, SignpostMarkFormSet
from .models import Development, DevelopmentSource, Estimate, Revision, SignpostMark


class DevelopmentSourceForm(forms.ModelForm):
    class Meta:
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 3, "cols": 60}),
            # A plain box: the admin's own shows what was typed as "Currently: <link>", rejected or not.
            "url": forms.URLInput(attrs={"class": "vURLField"}),
        }
        error_messages = {"url": {"invalid": "Give an http:// or https:// address."}}


class DevelopmentSourceInline(admin.StackedInline):
    model = DevelopmentSource
    form = DevelopmentSourceForm
    fields = ["title", "publisher", "published_on", "url", "quote"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 1
    verbose_name = "source"


class SignpostMarkInline(admin.TabularInline):
    model = SignpostMark
    form = SignpostMarkForm
    formset = SignpostMarkFormSet
    fields = ["signpost", "state", "note"]
    extra = 1
    verbose_name = "signpost mark"
    verbose_name_plural = "signposts it marks"


@admin.register(Development)
class DevelopmentAdmin(SimpleHistoryAdmin):
    list_display = ["happened_on", "title", "topic_list", "is_published"]
    list_display_links = ["happened_on", "title"]
    list_filter = ["topics", "is_published"]
    search_fields = ["title", "summary", "sources__title", "sources__publisher"]
    date_hierarchy = "happened_on"
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    inlines = [DevelopmentSourceInline, SignpostMarkInline]
    actions = [publish, unpublish]
    readonly_fields = ["re_estimate"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "happened_on", "summary", "topics", "is_published"]}),
        ("Re-estimates", {"fields": ["re_estimate"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_fieldsets(self, request, obj=None):
        # The re-estimate links need a saved development with its topics, and someone who may follow them.
        return self.fieldsets if obj and can_reestimate(request) else self.fieldsets[:1]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "topics" and formfield is not None:
            formfield.widget.can_add_related = False  # a topic is made on its own page, with its scenarios
        return formfield

    @admin.display(description="topics")
    def topic_list(self, development: Development) -> str:
        return ", ".join(topic.title for topic in development.topics.all())

    @admin.display(description="re-estimate after it")
    def re_estimate(self, development: Development) -> str:
        links = format_html_join(
            " ",
            '<a class="button" href="{}?development={}">Re-estimate “{}”</a>',
            (
                (reverse("admin:scenarios_topic_reestimate", args=[topic.pk]), development.pk, topic.title)
                for topic in development.topics.all()
            ),
        )
        return links or "Save it with its topics first."


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """A read-only record: revisions are made by a topic's re-estimate form, and kept as they were made."""

    # Five columns, not seven: at 1280 px the navigation and the filters leave the list ~630 px.
    list_display = ["as_of", "topic", "why", "changes", "made_by"]
    list_filter = ["topic"]
    list_select_related = ["topic", "development", "editor"]
    search_fields = ["reason", "topic__title"]
    date_hierarchy = "as_of"
    fields = ("topic", "as_of", "reason", "development", "editor", "created_at", "changes")
    readonly_fields = fields

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        estimates = Estimate.objects.select_related("scenario__outcome").order_by("scenario__outcome__order")
        return super().get_queryset(request).prefetch_related(Prefetch("estimates", queryset=estimates))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="reason")
    def why(self, revision: Revision) -> str:
        reason = Truncator(revision.reason).words(20)
        if revision.development is None:
            return reason
        return format_html('{}<div class="mini quiet">after “{}”</div>', reason, revision.development.title)

    @admin.display(description="by", ordering="created_at")
    def made_by(self, revision: Revision) -> str:
        made = date_format(timezone.localtime(revision.created_at), "DATETIME_FORMAT")
        return format_html('{}<div class="mini quiet">{}</div>', revision.editor or "–", made)

    @admin.display(description="estimates")
    def changes(self, revision: Revision) -> str:
        def previous(estimate) -> str:
            return "–" if estimate.previous is None else f"{estimate.previous} %"

        rows = format_html_join(
            "",
            '<span class="estimate-outcome">{}</span> <span class="estimate-numbers">{} → {} %</span>',
            (
                (estimate.scenario.outcome, previous(estimate), estimate.likelihood)
                for estimate in revision.estimates.all()
            ),
        )
        return format_html('<div class="estimate-changes">{}</div>', rows)
