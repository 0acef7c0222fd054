"""The editors' forms for what happens over time: a topic's re-estimate, and a development's signpost marks."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format

from diplomacy.scenarios import likelihood
from diplomacy.scenarios.models import Scenario, Signpost, Topic

from .models import Development, Revision, SignpostMark

# SignpostMark.clean()'s words, for the check a new development needs (see SignpostMarkForm.clean).
OTHER_TOPIC = "This signpost belongs to a topic the development is not about: add that topic first."


def running_total(values: Iterable[int | None]) -> str:
    """What the re-estimate form says under its numbers (static/js/admin-estimates.js says the same as they type)."""
    values = list(values)
    summed, missing = likelihood.total(values), values.count(None)
    if summed < likelihood.FULL:
        phrase = f"Total: {summed} % — {likelihood.FULL - summed} to go"
    elif summed > likelihood.FULL:
        phrase = f"Total: {summed} % — {summed - likelihood.FULL} too many"
    else:
        phrase = f"Total: {summed} %"
    if missing:
        phrase += f" ({missing} outcome{'s' if missing > 1 else ''} without a number)"
    return phrase


def _lenient_int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _typed_number(value: object) -> int | None:
    """A number as typed in the form, if it is a whole number from 0 to 100 (as the script counts it)."""
    text = str(value or "").strip()
    return int(text) if text.isdecimal() and int(text) <= likelihood.FULL else None


class ReestimateForm(forms.Form):
    """A topic's estimates, changed together: one number per scenario, adding up to 100, with a reason,
    optionally the development that prompted it, and the day they hold from. Saving records a Revision."""

    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        error_messages={"required": "Say why the estimates change."},
        help_text="What moved the numbers. Kept with the change, and shown with it.",
    )
    development = forms.ModelChoiceField(
        queryset=Development.objects.none(),
        required=False,
        empty_label="None",
        help_text="The development that prompted the change, if one did. Newest first.",
    )
    as_of = forms.DateField(
        label="As of",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day the new estimates hold from: today, or an earlier day.",
    )

    required_css_class = "required"  # bold labels, as in the admin's own forms

    class Media:
        js = ["js/admin-estimates.js"]

    def __init__(self, topic: Topic, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.topic = topic
        self.scenarios = list(topic.scenarios.select_related("outcome").order_by("outcome__order", "pk"))
        for scenario in self.scenarios:
            now = "not estimated yet" if scenario.likelihood is None else f"now {scenario.likelihood} %"
            draft = "" if scenario.is_published else " (draft)"
            self.fields[self.field_name(scenario)] = forms.IntegerField(
                label=f"{scenario.outcome}: {scenario.title}{draft}",
                min_value=0,
                max_value=likelihood.FULL,
                initial=scenario.likelihood,
                help_text=f"In percent; {now}.",
                widget=forms.NumberInput(attrs={"class": "vIntegerField", "data-estimate": "", "step": 1}),
            )
        self.order_fields([self.field_name(scenario) for scenario in self.scenarios])
        self.fields["as_of"].widget.attrs["max"] = timezone.localdate().isoformat()
        development = self.fields["development"]
        assert isinstance(development, forms.ModelChoiceField)
        development.queryset = Development.objects.filter(topics=topic).newest_first()

    @staticmethod
    def field_name(scenario: Scenario) -> str:
        return f"scenario-{scenario.pk}"

    @property
    def number_fields(self) -> list[forms.BoundField]:
        return [self[self.field_name(scenario)] for scenario in self.scenarios]

    @property
    def other_fields(self) -> list[forms.BoundField]:
        return [self["reason"], self["development"], self["as_of"]]

    @property
    def running_total(self) -> str:
        """The total of the numbers as the form shows them: typed ones when posted, else the current ones."""
        if self.is_bound:
            names = [self.add_prefix(self.field_name(scenario)) for scenario in self.scenarios]
            return running_total(_typed_number(self.data.get(name)) for name in names)
        return running_total(scenario.likelihood for scenario in self.scenarios)

    def clean_as_of(self) -> datetime.date:
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise ValidationError("The new estimates cannot hold from a day still to come.", code="future")
        return as_of

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if not self.scenarios:
            raise ValidationError("This topic has no scenarios to estimate yet: add them first.")
        numbers = self.numbers()
        if numbers is not None and likelihood.total(numbers.values()) != likelihood.FULL:
            total = running_total(numbers.values()).removeprefix("Total: ")
            self.add_error(None, ValidationError(f"The estimates must add up to 100 %: {total}.", code="total"))
        development, as_of = cleaned.get("development"), cleaned.get("as_of")
        if development and as_of and as_of < development.happened_on:
            self.add_error(
                "as_of",
                f"The development came on {date_format(development.happened_on)}: "
                "estimates it prompted cannot hold from before it.",
            )
        return cleaned

    def numbers(self) -> dict[int, int] | None:
        """Each scenario's new number, by scenario id; None while any of them is missing or invalid."""
        values = {scenario.pk: self.cleaned_data.get(self.field_name(scenario)) for scenario in self.scenarios}
        if any(value is None for value in values.values()):
            return None
        return {pk: value for pk, value in values.items() if value is not None}

    def save(self, editor) -> Revision | None:
        """Record the revision; None, with the errors on the form, if the model refuses it."""
        numbers = self.numbers()
        assert numbers is not None, "save() a valid form"
        try:
            return Revision.record(
                self.topic,
                numbers,
                reason=self.cleaned_data["reason"],
                as_of=self.cleaned_data["as_of"],
                editor=editor,
                development=self.cleaned_data["development"],
            )
        except ValidationError as error:
            self.add_error(None, error)  # its "reason" errors go by that field
            return None


def signpost_label(signpost: Signpost) -> str:
    return f"{signpost.scenario.topic} › {signpost.scenario.title}: {signpost.text}"


class SignpostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return signpost_label(obj)


def signposts_of(topics: Collection[int] | None, *, keeping: int | None = None):
    """The signposts a development may mark, labelled by topic and scenario; all of them when `topics` is None."""
    signposts = Signpost.objects.select_related("scenario__topic").order_by(
        "scenario__topic__order", "scenario__topic__title", "scenario__outcome__order", "order", "pk"
    )
    return signposts if topics is None else signposts.filter(Q(scenario__topic__in=topics) | Q(pk=keeping))


class SignpostMarkForm(forms.ModelForm):
    """One mark of a development: the signpost, observed or contradicted, and why."""

    class Meta:
        model = SignpostMark
        fields = ["signpost", "state", "note"]
        field_classes = {"signpost": SignpostChoiceField}
        widgets = {"note": forms.TextInput(attrs={"size": 30})}

    def __init__(self, *args, topics: Collection[int] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.topics = topics
        # A posted mark may name a signpost of a topic added in the same save: offer them all, and let
        # clean() say which topic is missing, rather than "not one of the available choices".
        signpost = self.fields["signpost"]
        assert isinstance(signpost, forms.ModelChoiceField)
        signpost.queryset = signposts_of(None if self.is_bound else topics, keeping=self.instance.signpost_id)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        # SignpostMark.clean() checks the development's topics; a new development has none yet (its
        # topics are saved after its marks are validated), so check those submitted with it here.
        signpost = cleaned.get("signpost")
        new = self.instance.development_id is None
        if new and signpost and self.topics is not None and signpost.scenario.topic_id not in self.topics:
            self.add_error("signpost", OTHER_TOPIC)
        return cleaned


class SignpostMarkFormSet(BaseInlineFormSet):
    """A development's marks, checked against the topics in the same submission, not the saved ones:
    the admin validates inlines before it saves the development's topics."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        development = self.instance
        self.topics: set[int] | None
        if self.is_bound:
            submitted = self.data.getlist("topics") if isinstance(self.data, QueryDict) else []
            self.topics = {pk for pk in map(_lenient_int, submitted) if pk is not None}
        elif development.pk:
            self.topics = set(development.topics.values_list("pk", flat=True)) or None
        else:
            self.topics = None

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "topics": self.topics}

    def full_clean(self) -> None:
        development = self.instance
        if not (self.is_bound and development.pk and self.topics is not None):
            return super().full_clean()
        # SignpostMark.clean() asks development.topics: while the marks are validated, let it see the
        # submitted topics, as prefetched ones (and only then: saving the topics must see the stored ones).
        cache = development.__dict__.setdefault("_prefetched_objects_cache", {})
        cache["topics"] = Topic.objects.filter(pk__in=self.topics)
        try:
            super().full_clean()
        finally:
            cache.pop("topics", None)
