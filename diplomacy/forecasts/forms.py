"""A reader's estimate for a topic: one whole number per outcome, adding up to 100, and a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import forms

from . import community

FULL = 100
NUMBER_ERRORS = {
    "required": "Give a number for this outcome (0 if you think it will not happen).",
    "invalid": "Give a whole number from 0 to 100.",
    "min_value": "Give a number from 0 to 100: a chance cannot be negative.",
    "max_value": "Give a number from 0 to 100.",
}


@dataclass(frozen=True)
class Choice:
    """A published scenario of the topic, as the form offers it: one of the outcomes to estimate."""

    pk: int
    slug: str
    name: str  # the outcome's
    editors: int | None  # the editors' number


def field_name(scenario: Choice) -> str:
    return f"outcome-{scenario.slug}"


class EstimateForm(forms.Form):
    """A field per scenario (named after it, in outcome order), then the reason."""

    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text="A sentence or two others may find useful; only you see it.",
    )

    def __init__(self, *args, scenarios: Sequence[Choice], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scenarios = list(scenarios)
        numbers = {
            field_name(scenario): forms.IntegerField(
                label=scenario.name,
                min_value=0,
                max_value=FULL,
                error_messages=NUMBER_ERRORS,
                # Text, not type=number: what the reader typed comes back as typed, even when it is not a number.
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "numeric",
                        "pattern": "[0-9]*",
                        "class": "estimate-number",
                        "autocomplete": "off",
                    }
                ),
            )
            for scenario in self.scenarios
        }
        self.fields = {**numbers, "reason": self.fields["reason"]}

    def number_fields(self) -> list[forms.BoundField]:
        return [self[field_name(scenario)] for scenario in self.scenarios]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        values: list[int | None] = [cleaned.get(field_name(scenario)) for scenario in self.scenarios]
        if None not in values and (total := sum(value or 0 for value in values)) != FULL:
            raise forms.ValidationError(
                f"Your numbers add up to {total} %, not 100 %: change them, or use “Scale to 100”.", code="total"
            )
        return cleaned

    def numbers(self) -> dict[int, int]:
        """The valid estimate, by scenario id."""
        return {scenario.pk: self.cleaned_data[field_name(scenario)] for scenario in self.scenarios}

    def typed_total(self) -> int | None:
        """The sum of what was typed that reads as a number (for the total shown beside the form)."""
        values = [_number(self.data.get(field_name(s))) for s in self.scenarios] if self.is_bound else []
        known = [value for value in values if value is not None]
        return sum(known) if known else None

    def total_phrase(self) -> str:
        """The running total as the page shows it before any script runs (estimate.js writes the same)."""
        return phrase(self.typed_total())

    def scaled(self) -> dict[str, str] | None:
        """What was typed, scaled to add up to 100 in whole numbers; None when nothing typed is a
        usable number (negatives and non-numbers count as 0)."""
        typed = {field_name(s): max(_number(self.data.get(field_name(s))) or 0, 0) for s in self.scenarios}
        total = sum(typed.values())
        if total <= 0:
            return None
        whole = community.whole({name: FULL * value / total for name, value in typed.items()})
        return {**{name: str(value) for name, value in whole.items()}, "reason": self.data.get("reason", "")}


def phrase(total: int | None) -> str:
    if total is None:
        return "—"
    if total < FULL:
        return f"{total}\u2009% ({FULL - total} to go)"
    if total > FULL:
        return f"{total}\u2009% ({total - FULL} too many)"
    return f"{total}\u2009%"


def _number(raw: object) -> int | None:
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return None
