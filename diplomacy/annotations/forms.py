"""Forms for writing and moderating annotations."""

from __future__ import annotations

from django import forms

from .models import Annotation


class AnnotationForm(forms.ModelForm):
    """A new annotation on a scenario, optionally anchored to a quoted passage of its narrative."""

    class Meta:
        model = Annotation
        fields = ["kind", "body", "quote", "quote_prefix", "quote_suffix", "source_url", "is_public"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 5}),
            "quote": forms.Textarea(attrs={"rows": 2}),
            "quote_prefix": forms.HiddenInput,
            "quote_suffix": forms.HiddenInput,
            "source_url": forms.URLInput(attrs={"placeholder": "https://…"}),
        }
        labels = {"body": "Your annotation", "is_public": "Public: everyone can read it (untick to keep it private)"}
        help_texts = {"quote": "Optional: the exact words of the narrative you are annotating."}

    def __init__(self, *args, scenario, user, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.scenario = scenario
        if not user.has_perm("annotations.moderate_annotation"):
            self.fields["kind"].choices = [c for c in Annotation.Kind.choices if c[0] != Annotation.Kind.EDITORS_NOTE]

    def clean_quote(self) -> str:
        quote = self.cleaned_data["quote"].strip()
        if quote and quote not in self.scenario.narrative:
            raise forms.ValidationError(
                "These words are not in the scenario’s narrative. Select the passage on the page, or copy it exactly."
            )
        return quote


class EditAnnotationForm(forms.ModelForm):
    """What an author may change afterwards: not the passage it is anchored to."""

    class Meta:
        model = Annotation
        fields = ["kind", "body", "source_url", "is_public"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5}), "source_url": forms.URLInput}
        labels = AnnotationForm.Meta.labels

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        if not user.has_perm("annotations.moderate_annotation"):
            self.fields["kind"].choices = [c for c in Annotation.Kind.choices if c[0] != Annotation.Kind.EDITORS_NOTE]


class ModerationForm(forms.Form):
    reason = forms.CharField(max_length=300, help_text="Shown to the author, and kept in the moderation log.")
