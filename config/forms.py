"""The sample form on the development components page (/dev/components/)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ComponentsForm(forms.Form):
    name = forms.CharField(label=_("Your name"), help_text=_("As your partner knows you."))
    zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[("Europe/London", "London (GMT+0)"), ("Europe/Paris", "Paris (GMT+1)")],
        required=False,
    )
    note = forms.CharField(
        label=_("A note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    feelings = forms.MultipleChoiceField(
        label=_("How are you arriving?"),
        choices=[("tired", _("Tired")), ("hopeful", _("Hopeful")), ("tense", _("Tense"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agree = forms.BooleanField(label=_("Remind me the day before"), required=False)
