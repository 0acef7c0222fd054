"""The editors' admin: curate topics, scenarios, factors, sources and outcomes, and re-estimate topics."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from diplomacy.annotations.admin import AnnotationInline
from diplomacy.annotations.models import Annotation
from diplomacy.timeline.forms import ReestimateForm

from .models import Factor, Influence, Outcome, Scenario, Signpost, Source, Topic
from .pushes import one_way, one_way_problem

admin.site.site_header = "diplomacy — editors"
admin.site.site_title = "diplomacy editors"
admin.site.index_title = "Curate the content"


@admin.action(description="Publish the selected items", permissions=["change"])
def publish(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, True)


@admin.action(description="Unpublish the selected items", permissions=["change"])
def unpublish(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, False)


def _set_published(modeladmin, request, queryset, published: bool) -> None:
    # One save per item rather than queryset.update(), so that each change is in its history.
    changed = [item for item in queryset if item.is_published != published]
    for item in changed:
        item.is_published = published
        item._change_reason = "published" if published else "unpublished"
        item.save()
    verb = "Published" if published else "Unpublished"
    modeladmin.message_user(request, f"{verb} {len(changed)} item(s).", messages.SUCCESS)


class StaleEditCheckForm(forms.ModelForm):
    """Refuses to save over someone else's change made since this form was opened.

    The form carries the time the object was last saved when it was loaded; if the
    database has a later one at save time, the editor is told instead of overwriting.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean() or {}
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded:
            # Locked until this save commits, so two saves cannot both pass the check (PostgreSQL).
            current = type(self.instance).objects.select_for_update().filter(pk=self.instance.pk).first()
            if current and current.updated_at.isoformat() != loaded:
                who = current.history.first().history_user if hasattr(current, "history") else None
                raise forms.ValidationError(
                    f"Someone{f' ({who})' if who else ''} saved this since you opened it, at "
                    f"{current.updated_at:%H:%M:%S}. Your changes are still in this form: open it again in "
                    "another tab to see theirs, then bring yours over."
                )
        return cleaned


def can_reestimate(request: HttpRequest) -> bool:
    """A re-estimate is recorded as a revision and rewrites the topic's scenarios' numbers: it takes
    both permissions, so that no one changes a likelihood they could not change on the scenario."""
    return request.user.has_perms(["timeline.add_revision", "scenarios.change_scenario"])


# Sources are picked in chips that show only the start of their label, and many share a
# section heading: the quote's first words lead, so that each chip tells which passage it is.
SOURCE_LABEL_WORDS = 8


def source_label(source: Source) -> str:
    return f"“{Truncator(source.quote).words(SOURCE_LABEL_WORDS)}” ({source.section})"


class SourceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return source_label(obj)


class SourceAutocompleteJsonView(AutocompleteJsonView):
    """The search results of the sources' autocomplete, labelled as the chips are."""

    def serialize_result(self, obj, to_field_name):
        return {"id": str(getattr(obj, to_field_name)), "text": source_label(obj)}


class SourceAutocomplete(AutocompleteSelectMultiple):
    url_name = "%s:scenarios_source_autocomplete"


class LabelledSourcesAdmin(admin.ModelAdmin):
    """Mixed into admins with a `sources` autocomplete: its chips and search results show source_label()."""

    class Media:
        css = {"all": ["css/admin.css"]}  # wider source chips

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Source:
            kwargs["form_class"] = SourceChoiceField
            if db_field.name in self.get_autocomplete_fields(request):
                kwargs["widget"] = SourceAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class InfluenceForm(forms.ModelForm):
    class Meta:
        widgets = {"reason": forms.Textarea(attrs={"rows": 3, "cols": 50})}


# A factor that would push every scenario of a topic the same way changes nothing (pushes.one_way):
# each place that edits influences refuses to leave one so, with the seed loader's words.


def _one_way(factor: Factor, topic: Topic, strengths: list[int], scenarios: int) -> str | None:
    direction = one_way(strengths, scenarios)
    return one_way_problem(f"“{factor.name}”", topic.title, direction) if direction else None


def _elsewhere(
    factors: Iterable[Factor], scenario: Scenario, leaving: int | None = None
) -> tuple[dict[int, list[int]], int]:
    """The strengths of these factors on the other scenarios of this scenario's topic (by factor,
    without the influence `leaving`, which is being changed), and how many scenarios it has with this one."""
    others = Scenario.objects.filter(topic_id=scenario.topic_id).exclude(pk=scenario.pk)
    influences = Influence.objects.filter(factor__in=list(factors), scenario__in=others)
    if leaving is not None:
        influences = influences.exclude(pk=leaving)
    strengths: dict[int, list[int]] = defaultdict(list)
    for factor_id, strength in influences.values_list("factor_id", "strength"):
        strengths[factor_id].append(strength)
    return strengths, others.count() + 1


class InfluenceFormSet(forms.BaseInlineFormSet):
    def kept(self) -> list[dict[str, Any]]:
        """What the forms that will be saved say: not deleted, not left empty."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data.get("strength") and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        super().clean()
        if not any(self.errors) and (problems := [problem for problem in self.one_way() if problem]):
            raise forms.ValidationError(problems)

    def one_way(self) -> list[str | None]:
        raise NotImplementedError


class InfluencesOfScenario(InfluenceFormSet):
    """A scenario's influences, all of them: with the factors' influences on the topic's other scenarios."""

    def one_way(self) -> list[str | None]:
        scenario = self.instance
        kept = {data["factor"]: data["strength"] for data in self.kept() if data.get("factor")}
        if scenario.topic_id is None or not kept:
            return []
        strengths, scenarios = _elsewhere(kept, scenario)
        return [_one_way(f, scenario.topic, [*strengths[f.pk], s], scenarios) for f, s in kept.items()]


class InfluencesOfFactor(InfluenceFormSet):
    """A factor's influences, all of them: on each topic, against how many scenarios it has."""

    def one_way(self) -> list[str | None]:
        by_topic: dict[int, list[int]] = defaultdict(list)
        for data in self.kept():
            if data.get("scenario"):
                by_topic[data["scenario"].topic_id].append(data["strength"])
        topics = Topic.objects.filter(pk__in=by_topic).annotate(scenario_count=Count("scenarios"))
        return [_one_way(self.instance, t, by_topic[t.pk], t.scenario_count) for t in topics]


class OneInfluenceForm(InfluenceForm):
    """One influence on its own: with its factor's other influences on the topic."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        factor, scenario, strength = cleaned.get("factor"), cleaned.get("scenario"), cleaned.get("strength")
        if factor and scenario and strength:
            strengths, scenarios = _elsewhere([factor], scenario, leaving=self.instance.pk)
            if problem := _one_way(factor, scenario.topic, [*strengths[factor.pk], strength], scenarios):
                raise forms.ValidationError(problem)
        return cleaned


class ScenarioInline(admin.TabularInline):
    model = Scenario
    fields = ["outcome", "title", "slug", "likelihood", "is_published"]
    readonly_fields = ["likelihood"]  # changed with the others, by a re-estimate
    prepopulated_fields = {"slug": ["title"]}
    extra = 0
    show_change_link = True
    ordering = ["outcome__order"]


class InfluenceOnScenarioInline(admin.TabularInline):
    model = Influence
    form = InfluenceForm
    formset = InfluencesOfScenario
    fields = ["factor", "strength", "reason"]
    autocomplete_fields = ["factor"]
    extra = 0


class InfluenceOnFactorInline(admin.TabularInline):
    model = Influence
    form = InfluenceForm
    formset = InfluencesOfFactor
    fields = ["scenario", "strength", "reason"]
    autocomplete_fields = ["scenario"]
    extra = 0


@admin.register(Topic)
class TopicAdmin(LabelledSourcesAdmin, SimpleHistoryAdmin):
    form = StaleEditCheckForm
    list_display = ["title", "slug", "order", "is_published", "scenario_count", "updated_at"]
    list_editable = ["order"]
    list_filter = ["is_published"]
    search_fields = ["title", "summary", "background"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["sources"]
    inlines = [ScenarioInline]
    actions = [publish, unpublish]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "order", "is_published", "loaded_version"]}),
        ("Content", {"fields": ["background", "stakes", "us_position", "russia_position", "sources"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(scenario_count=Count("scenarios"))

    @admin.display(description="scenarios", ordering="scenario_count")
    def scenario_count(self, topic):
        return topic.scenario_count

    def get_urls(self):
        reestimate = self.admin_site.admin_view(self.reestimate_view)
        # Before the default ones: their "<path:object_id>/" would take this address too.
        return [
            path("<int:object_id>/re-estimate/", reestimate, name="scenarios_topic_reestimate"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"can_reestimate": can_reestimate(request), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def reestimate_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Change the topic's estimates together, with a reason: recorded as a Revision (diplomacy/timeline)."""
        if not can_reestimate(request):
            raise PermissionDenied
        topic = get_object_or_404(Topic, pk=object_id)
        data = request.POST if request.method == "POST" else None
        form = ReestimateForm(topic, data, initial={"development": request.GET.get("development")})
        if form.is_valid() and (revision := form.save(editor=request.user)):
            as_of = date_format(revision.as_of)
            self.message_user(request, f"The estimates of “{topic}” changed, as of {as_of}.", messages.SUCCESS)
            if revision != topic.revisions.current():
                self.message_user(request, "A later revision still sets the numbers readers see.", messages.WARNING)
            return redirect("admin:scenarios_topic_change", topic.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Re-estimate “{topic}”",
            "opts": self.opts,
            "original": topic,
            "form": form,
            "media": self.media + form.media,
            "has_view_permission": self.has_view_permission(request, topic),
        }
        return TemplateResponse(request, "admin/scenarios/topic/re_estimate.html", context)


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class SignpostInline(admin.TabularInline):
    model = Signpost
    extra = 1
    fields = ["text", "order"]
    verbose_name = "signpost to watch for"
    verbose_name_plural = "signposts to watch for"


@admin.register(Scenario)
class ScenarioAdmin(LabelledSourcesAdmin, SimpleHistoryAdmin):
    form = StaleEditCheckForm
    list_display = ["title", "topic", "outcome", "estimate", "is_published", "updated_at"]
    list_filter = ["is_published", "topic", "outcome"]
    list_select_related = ["topic", "outcome"]
    search_fields = ["title", "narrative", "topic__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topic", "outcome", "sources"]
    inlines = [SignpostInline, InfluenceOnScenarioInline, AnnotationInline]
    actions = [publish, unpublish]
    fieldsets = [
        (None, {"fields": ["topic", "outcome", "title", "slug", "is_published", "loaded_version"]}),
        ("Content", {"fields": ["narrative", "implications", "sources"]}),
        (
            "Editor's estimate",
            {
                "fields": ["current_likelihood", "estimate_date", "likelihood_rationale"],
                "description": "An illustrative estimate, shown to readers as such. A topic's estimates "
                "change together, adding up to 100 %, with a reason: each change is kept.",
            },
        ),
    ]
    # Shown, not edited: a topic's estimates change together, by its re-estimate form.
    readonly_fields = ["current_likelihood", "likelihood_alone", "estimate_date"]

    def get_fieldsets(self, request, obj=None):
        if can_reestimate(request):
            return self.fieldsets
        # The number alone, without a link to a form they would be refused.
        fields = ["likelihood_alone", "estimate_date", "likelihood_rationale"]
        return [
            (name, {**options, "fields": fields} if name == "Editor's estimate" else options)
            for name, options in self.fieldsets
        ]

    @admin.display(description="likelihood")
    def likelihood_alone(self, scenario):
        return self.get_empty_value_display() if scenario.likelihood is None else f"{scenario.likelihood} %"

    @admin.display(description="likelihood")
    def current_likelihood(self, scenario):
        if scenario.topic_id is None:
            return self.likelihood_alone(scenario)
        url = reverse("admin:scenarios_topic_reestimate", args=[scenario.topic_id])
        return format_html(
            '{} <a class="button reestimate-link" href="{}">Re-estimate the topic</a>',
            self.likelihood_alone(scenario),
            url,
        )

    @admin.display(description="estimate as of")
    def estimate_date(self, scenario):
        if scenario.estimated_at is None:
            return self.get_empty_value_display()
        return date_format(timezone.localtime(scenario.estimated_at))

    @admin.display(description="likelihood", ordering="likelihood")
    def estimate(self, scenario):
        # The date under the figure rather than in a column of its own: the list is narrow at 1280 px.
        if scenario.likelihood is None:
            return self.get_empty_value_display()
        if scenario.estimated_at is None:
            return f"{scenario.likelihood} %"
        as_of = date_format(timezone.localtime(scenario.estimated_at))
        return format_html('{} %<div class="mini quiet">as of {}</div>', scenario.likelihood, as_of)

    def save_formset(self, request, form, formset, change):
        # Annotations written here are the editor's own.
        if formset.model is Annotation:
            for annotation in formset.save(commit=False):
                annotation.author_id = annotation.author_id or request.user.pk
                annotation.save()
            for annotation in formset.deleted_objects:
                annotation.delete()
        else:
            super().save_formset(request, form, formset, change)


@admin.register(Factor)
class FactorAdmin(LabelledSourcesAdmin):
    list_display = ["name", "slug", "order", "influence_count"]
    list_editable = ["order"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["sources"]
    inlines = [InfluenceOnFactorInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "order", "sources"]}),
        (
            "What if…?",
            {
                "fields": ["weaker", "stronger"],
                "description": "How a reader asks to set this force weaker or stronger on the what-if page: "
                "each ends the question “What if …?”. Left blank, the page asks “What if <name> counted "
                "for less?” (or more).",
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(influence_count=Count("influences"))

    @admin.display(description="influences", ordering="influence_count")
    def influence_count(self, factor):
        return factor.influence_count


@admin.register(Influence)
class InfluenceAdmin(admin.ModelAdmin):
    form = OneInfluenceForm
    list_display = ["factor", "scenario", "strength", "reason"]
    list_filter = ["strength", "factor", "scenario__topic"]
    list_select_related = ["factor", "scenario__topic"]
    search_fields = ["reason", "factor__name", "scenario__title"]
    autocomplete_fields = ["factor", "scenario"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "section", "quote", "document_date"]
    list_filter = ["section"]
    search_fields = ["key", "quote", "section", "document_title"]
    fieldsets = [
        (None, {"fields": ["key"]}),
        ("Document", {"fields": ["document_title", "author", "document_date"]}),
        ("Passage", {"fields": ["section", "quote"]}),
    ]

    def get_urls(self):
        autocomplete = SourceAutocompleteJsonView.as_view(admin_site=self.admin_site)
        return [
            path("autocomplete/", self.admin_site.admin_view(autocomplete), name="scenarios_source_autocomplete"),
            *super().get_urls(),
        ]
