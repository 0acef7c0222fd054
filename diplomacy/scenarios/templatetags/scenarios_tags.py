"""Template filters for showing likelihoods, scores, dates and what-if moves."""

from datetime import UTC, date, datetime

from django import template

register = template.Library()


@register.filter
def likelihood_band(value: int | None) -> str:
    """A CSS class for a likelihood in steps of ten: lk-0 … lk-100, or lk-none."""
    if value is None:
        return "lk-none"
    return f"lk-{min(100, max(0, int(value))) // 10 * 10}"


@register.filter
def iso(value: datetime | date | None) -> str:
    """A date or time as HTML's `datetime` attribute wants it: whole seconds, in UTC."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


@register.filter
def score(value: float | None) -> str:
    """A score to three decimals, negative ones with a real minus sign (as the pages write numbers)."""
    if value is None:
        return ""
    text = f"{value:.3f}"
    return "\u2212" + text[1:] if text.startswith("-") and text != "-0.000" else text.lstrip("-")


@register.filter
def points(value: int) -> str:
    """A move in percentage points, signed with a real minus: "+7 points", "−1 point", "no change"."""
    if not value:
        return "no change"
    sign = "+" if value > 0 else "\u2212"
    return f"{sign}{abs(value)} point{'s' if abs(value) != 1 else ''}"
