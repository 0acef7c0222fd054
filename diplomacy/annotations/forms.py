"""Forms for writing and moderating annotations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from diplomacy.core.cache import fragment
from diplomacy.scenarios.models import Scenario

from .anchoring import quote
from .models import Annotation


class AnnotationForm(forms.ModelForm):
    """A new annotation on a scenario, optionally anchored to a quoted passage of its narrative."""

    # Where the browser found the selected words in the narrative (see anchoring.quote).
    quote_start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    quote_end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = Annotation
        fields = ["kind", "body", "quote", "source_url", "is_public"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 5}),
            "quote": forms.Textarea(attrs={"rows": 2}),
            "source_url": forms.URLInput(attrs={"placeholder": "https://…"}),
        }
        labels = {"body": "Your annotation", "is_public": "Public: everyone can read it (untick to keep it private)"}
        help_texts = {"quote": "Optional: the exact words of the narrative you are annotating."}

    def __init__(self, *args: Any, scenario: Scenario, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{"label_suffix": "", **kwargs})
        self.scenario = scenario
        self.editor = user.has_perm("annotations.moderate_annotation")
        _offer_kinds(self, self.editor)

    def empty_fields(self) -> SafeString:
        """The unbound form's fields, rendered once for everyone offered the same kinds (they show no content)."""
        build = lambda: render_to_string("scenarios/scenario.html#annotation-fields", {"form": self})  # noqa: E731
        return mark_safe(fragment(None, "annotation-fields", [], build, self.editor))  # noqa: S308 (rendered by Django's templates)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        words = cleaned.get("quote", "")
        if words:
            found = quote(self.scenario.narrative, words, cleaned.get("quote_start"), cleaned.get("quote_end"))
            if found is None:
                self.add_error(
                    "quote",
                    "These words are not in the scenario’s narrative. Select the passage on the page, or copy it exactly.",
                )
            else:
                cleaned["quote"] = found.exact
                self.instance.quote_prefix, self.instance.quote_suffix = found.prefix, found.suffix
        return cleaned


class EditAnnotationForm(forms.ModelForm):
    """What an author may change afterwards: not the passage it is anchored to."""

    class Meta:
        model = Annotation
        fields = ["kind", "body", "source_url", "is_public"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5}), "source_url": forms.URLInput}
        labels = AnnotationForm.Meta.labels

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{"label_suffix": "", **kwargs})
        _offer_kinds(self, user.has_perm("annotations.moderate_annotation"))


class ReplyForm(forms.ModelForm):
    """A reply, or an author's edit of one: its text only (a thread is as public as its annotation)."""

    class Meta:
        model = Annotation
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        labels = {"body": "Your reply"}
        help_texts = {"body": "Markdown: *emphasis*, **strong**, [links](https://…)."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{"label_suffix": "", **kwargs})


def _offer_kinds(form: forms.ModelForm[Annotation], editor: bool) -> None:
    """Editor's notes are for editors; replies are written as replies."""
    field = form.fields["kind"]
    assert isinstance(field, forms.ChoiceField)
    refused = {Annotation.Kind.REPLY} | ({Annotation.Kind.EDITORS_NOTE} if not editor else set())
    field.choices = [c for c in Annotation.Kind.choices if c[0] not in refused]


class ModerationForm(forms.Form):
    reason = forms.CharField(max_length=300, help_text="Shown to the author, and kept in the moderation log.")
