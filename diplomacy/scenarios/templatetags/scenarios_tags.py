"""Template filters for showing likelihoods."""

from django import template

register = template.Library()


@register.filter
def likelihood_band(value: int | None) -> str:
    """A CSS class for a likelihood in steps of ten: lk-0 … lk-100, or lk-none."""
    if value is None:
        return "lk-none"
    return f"lk-{min(100, max(0, int(value))) // 10 * 10}"
