from __future__ import annotations

from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from notices.models import Channel, Kind, NotificationPreference

# Offered as a suggestion when someone is asked; never set without them choosing it.
SUGGESTED_QUIET = (time(22), time(8))


class NotificationForm(forms.ModelForm[NotificationPreference]):
    """How a person hears of each kind of thing, and their quiet hours."""

    prefix = "notify"

    class Meta:
        model = NotificationPreference
        fields = (*(kind.value for kind in Kind), "quiet_start", "quiet_end")
        widgets = {
            **{kind.value: forms.RadioSelect for kind in Kind},
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "quiet_start": _("No email or push from then until the end, in your own time zone."),
            "quiet_end": _("What waited arrives once, together, when your quiet hours end."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind in Kind:
            field = self.fields[kind.value]
            assert isinstance(field, forms.ChoiceField)
            field.choices = Channel.choices
            field.required = True

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            raise forms.ValidationError(
                _("Give both a start and an end for quiet hours, or leave both empty.")
            )
        return data

    def channels(self) -> dict[str, str]:
        return {kind.value: self.cleaned_data[kind.value] for kind in Kind}
