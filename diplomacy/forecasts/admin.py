"""Editors resolve topics here (which outcome happened, when, with a source) and annul a wrong
resolution with a reason. A resolution is kept as made: never edited or deleted, only annulled.
Scores are read-only: a resolution makes them and its annulment removes them."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from diplomacy.scenarios.models import Scenario, Topic

from .models import Resolution, Score


class OutcomeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Scenario) -> str:
        return f"{obj.topic.title}: {obj.outcome.name} — {obj.title}"


class ResolutionForm(forms.ModelForm):
    """Which outcome of which topic happened, when, and what shows it."""

    class Meta:
        model = Resolution
        fields = ["topic", "scenario", "happened_on", "source_title", "source_url"]
        field_classes = {"scenario": OutcomeChoice}
        widgets = {"source_url": forms.URLInput(attrs={"class": "vURLField"})}
        error_messages = {"source_url": {"invalid": "Give an http:// or https:// address."}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "topic" not in self.fields:  # a saved resolution: shown read-only, no fields
            return
        topic, scenario = self.fields["topic"], self.fields["scenario"]
        assert isinstance(topic, forms.ModelChoiceField) and isinstance(scenario, forms.ModelChoiceField)
        topic.queryset = Topic.objects.published()
        scenario.queryset = (
            Scenario.objects.published().select_related("topic", "outcome").order_by("topic__order", "outcome__order")
        )

    def clean_topic(self) -> Topic:
        """One standing resolution per topic (the constraint's condition is on a field the form has not)."""
        topic = self.cleaned_data["topic"]
        if Resolution.objects.standing().filter(topic=topic).exists():
            raise forms.ValidationError("This topic is already resolved: annul that resolution first.")
        return topic


class AnnulForm(forms.Form):
    reason = forms.CharField(
        label="Why it was wrong",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept with the annulled resolution. Its scores are removed and the topic takes estimates again.",
    )


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    form = ResolutionForm
    list_display = ["topic", "outcome", "happened_on", "standing", "editor"]
    list_filter = [("annulled_at", admin.EmptyFieldListFilter), "topic"]
    list_select_related = ["topic", "scenario__outcome", "editor"]
    date_hierarchy = "happened_on"
    readonly_fields = ["editor", "created_at", "annulled_at", "annulled_by", "annulment_reason", "scores", "annul"]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["topic", "scenario", "happened_on", "source_title", "source_url"]
        return ["topic", "scenario", "happened_on", "source_title", "source_url", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        # Kept as made: once saved, only annulled (from its own form).
        return self.get_fields(request, obj) if obj else []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        read_only = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, {**read_only, **(extra_context or {})})

    def get_changeform_initial_data(self, request):
        return {"topic": request.GET.get("topic")}

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: Resolution, form, change: bool) -> None:
        """Resolve: the admin saves in a transaction, so the scores are made with it or not at all."""
        obj.editor = request.user
        super().save_model(request, obj, form, change)
        if not change:
            scores = obj.score()
            self.message_user(request, f"{len(scores)} estimates scored (the editors’, the community’s, readers’).")

    def get_urls(self):
        annul = self.admin_site.admin_view(self.annul_view)
        return [path("<int:object_id>/annul/", annul, name="forecasts_resolution_annul"), *super().get_urls()]

    @admin.display(description="outcome that happened", ordering="scenario__outcome__order")
    def outcome(self, resolution: Resolution) -> str:
        return resolution.scenario.outcome.name

    @admin.display(description="standing", boolean=True, ordering="annulled_at")
    def standing(self, resolution: Resolution) -> bool:
        return resolution.annulled_at is None

    @admin.display(description="scores")
    def scores(self, resolution: Resolution) -> str:
        count = resolution.scores.count()
        if not count:
            return "None (annulled, or nobody estimated before it happened)."
        link = reverse("admin:forecasts_score_changelist") + f"?resolution__id__exact={resolution.pk}"
        return format_html('<a href="{}">{} scores</a>', link, count)

    @admin.display(description="annul")
    def annul(self, resolution: Resolution) -> str:
        if resolution.annulled_at:
            return "Annulled."
        url = reverse("admin:forecasts_resolution_annul", args=[resolution.pk])
        return format_html('<a class="button" href="{}">Annul this resolution…</a>', url)

    def annul_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """It was wrong: annul it with a reason (kept), removing its scores."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        resolution = get_object_or_404(
            Resolution.objects.standing().select_related("topic", "scenario__outcome"), pk=object_id
        )
        form = AnnulForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            with transaction.atomic():
                resolution.annul(request.user, form.cleaned_data["reason"])
            self.message_user(
                request,
                f"The resolution of “{resolution.topic}” is annulled; its scores are removed.",
                messages.SUCCESS,
            )
            return redirect("admin:forecasts_resolution_change", resolution.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Annul the resolution of “{resolution.topic}”",
            "opts": self.opts,
            "original": resolution,
            "form": form,
            "has_view_permission": self.has_view_permission(request, resolution),
        }
        return TemplateResponse(request, "admin/forecasts/resolution/annul.html", context)


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    """Read-only: made by a resolution, removed by its annulment."""

    list_display = ["resolution", "kind", "reader", "brier", "log"]
    list_filter = ["kind", "resolution__topic"]
    list_select_related = ["resolution__topic", "resolution__scenario__outcome", "reader"]
    fields = ["resolution", "kind", "reader", "brier", "log"]
    readonly_fields = ["resolution", "kind", "reader", "brier", "log"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
