from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from couples.models import (
    Couple,
    Phrase,
    PhraseGroup,
    Repair,
    SavedTopic,
    SharedValue,
    TriggerScript,
    User,
    time_zone_choices,
)


class TimeZoneSelect(forms.Select):
    """A time zone list that static/js/timezone.js preselects from the browser when untouched."""

    def __init__(self) -> None:
        super().__init__(attrs={"data-browser-time-zone": ""})


class SignupForm(forms.Form):
    """allauth adds email and password; this adds what Hearth needs to greet and remind you."""

    display_name = forms.CharField(
        label=_("What should your partner see as your name?"), max_length=60
    )
    time_zone = forms.ChoiceField(
        label=_("Your time zone"), choices=time_zone_choices, initial="UTC", widget=TimeZoneSelect
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["display_name", "time_zone"])


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = ("display_name", "time_zone")


class CoupleForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Home time zone"),
        choices=time_zone_choices,
        initial="UTC",
        widget=TimeZoneSelect,
        help_text=_("Your weeks and scheduled conversations follow this zone."),
    )

    class Meta:
        model = Couple
        fields = ("name", "time_zone")


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Your partner's email (optional)"),
        required=False,
        help_text=_("Leave it empty to just copy the link and send it yourself."),
    )


# Toolkit


class PhraseForm(forms.ModelForm):
    group = forms.ChoiceField(
        label=_("Group"), choices=PhraseGroup.choices, initial=PhraseGroup.FEEL
    )

    class Meta:
        model = Phrase
        fields = ("group", "text")
        help_texts = {"text": _("Words you both recognise, for example “I feel unsure”.")}


class TriggerScriptForm(forms.ModelForm):
    class Meta:
        model = TriggerScript
        fields = ("when_i_notice", "i_will")
        help_texts = {
            "when_i_notice": _("For example: my jaw tightens and I start talking faster."),
            "i_will": _("For example: take three slow breaths and say I need a pause."),
        }


class SavedTopicForm(forms.ModelForm):
    class Meta:
        model = SavedTopic
        fields = ("topic", "session", "note")
        widgets = {"session": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}


class RepairForm(forms.ModelForm):
    class Meta:
        model = Repair
        fields = ("acknowledgement", "apology", "plan", "follow_up_on")
        widgets = {
            "acknowledgement": forms.Textarea(attrs={"rows": 3}),
            "apology": forms.Textarea(attrs={"rows": 3}),
            "plan": forms.Textarea(attrs={"rows": 3}),
            "follow_up_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "acknowledgement": _("What happened, and how it may have felt for your partner."),
            "plan": _("One concrete step, small enough to keep."),
        }

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_follow_up_on(self) -> date:
        follow_up_on: date = self.cleaned_data["follow_up_on"]
        changed = "follow_up_on" in self.changed_data
        if changed and follow_up_on < self.today:
            raise forms.ValidationError(_("Choose today or a day ahead for the follow-up."))
        return follow_up_on


class RepairResponseForm(forms.ModelForm):
    class Meta:
        model = Repair
        fields = ("response",)
        widgets = {"response": forms.Textarea(attrs={"rows": 3})}


class SharedValueForm(forms.ModelForm):
    class Meta:
        model = SharedValue
        fields = ("name", "description")
