"""The reader's notification settings."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Preferences


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["email_replies", "email_moderation", "email_followed", "move_threshold"]
        widgets = {
            "email_replies": forms.RadioSelect,
            "email_moderation": forms.RadioSelect,
            "email_followed": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{"label_suffix": "", **kwargs})
        # A positive integer's form field takes 0 as its least value (min="0", "at least 0"): say 1.
        threshold = Preferences._meta.get_field("move_threshold").formfield(min_value=1, max_value=100)
        assert threshold is not None
        self.fields["move_threshold"] = threshold
