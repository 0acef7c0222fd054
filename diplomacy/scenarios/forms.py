"""The explorer's filters: what a reader may put in the query string, checked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import QueryDict
from django.template.defaultfilters import pluralize

from .models import Outcome, Topic

SORTS = {
    "relevance": "Best match",
    "likelihood": "Most likely first",
    "likelihood-asc": "Least likely first",
    "topic": "Topic",
    "outcome": "Outcome, best first",
}


class ExplorerForm(forms.Form):
    """Bound to request.GET. Invalid values are dropped and reported, never a 500."""

    q = forms.CharField(label="Search", required=False, max_length=200, strip=True)
    topic = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    outcome = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    min = forms.IntegerField(label="Likelihood from", required=False, min_value=0, max_value=100)
    max = forms.IntegerField(label="to", required=False, min_value=0, max_value=100)
    sort = forms.ChoiceField(required=False, choices=SORTS.items())
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, data: QueryDict, *, topics: Iterable[Topic], outcomes: Iterable[Outcome]) -> None:
        super().__init__(data)
        self._choose("topic", [(topic.slug, topic.title) for topic in topics])
        self._choose("outcome", [(outcome.slug, outcome.name) for outcome in outcomes])

    def _choose(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("min"), cleaned.get("max")
        if low is not None and high is not None and low > high:
            cleaned["min"], cleaned["max"] = high, low
        return cleaned

    def filters(self) -> dict:
        """The valid filters, with invalid ones left out (call after is_valid())."""
        cleaned = dict(self.cleaned_data)
        # "Best match" is the default: ranked when there are search words, by topic otherwise.
        cleaned["sort"] = cleaned.get("sort") or "relevance"
        return cleaned

    @staticmethod
    def summary(filters: dict) -> str:
        """What is applied, for the folded filters' label: "(2 filters, most likely first)", or ""
        when nothing is. Each topic and outcome counts, and the search words and the range as one each."""
        count = len(filters.get("topic") or ()) + len(filters.get("outcome") or ()) + bool(filters.get("q"))
        count += filters.get("min") is not None or filters.get("max") is not None
        parts = [f"{count} filter{pluralize(count)}"] if count else []
        if filters["sort"] != "relevance":
            parts.append(str(SORTS[filters["sort"]]).lower())
        return f"({', '.join(parts)})" if parts else ""

    def ignored(self) -> list[str]:
        """One line per query-string parameter that was not understood."""
        return [f"{name}: {' '.join(str(message) for message in messages)}" for name, messages in self.errors.items()]
