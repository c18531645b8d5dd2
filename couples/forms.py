from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.zones import zone_choices
from couples.models import (
    Couple,
    TellPartner,
    User,
)


class TimeZoneSelect(forms.Select):
    """A time zone list that static/js/hearth.js preselects from the browser when untouched."""

    def __init__(self) -> None:
        super().__init__(attrs={"data-browser-time-zone": ""})


class SignupForm(forms.Form):
    """allauth adds email and password; this adds what Hearth needs to greet and remind you."""

    display_name = forms.CharField(
        label=_("What should your partner see as your name?"), max_length=60
    )
    time_zone = forms.ChoiceField(
        label=_("Your time zone"), choices=zone_choices, initial="UTC", widget=TimeZoneSelect
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["display_name", "time_zone"])


class ProfileForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(label=_("Your time zone"))

    class Meta:
        model = User
        fields = ("display_name", "time_zone")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = zone_choices(
            keep=self.instance.time_zone
        )


class CoupleForm(forms.ModelForm[Couple]):
    time_zone = forms.ChoiceField(
        label=_("Home time zone"),
        initial="UTC",
        widget=TimeZoneSelect,
        help_text=_("Your weeks and scheduled conversations follow this zone."),
    )

    class Meta:
        model = Couple
        fields = ("name", "time_zone")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = zone_choices(
            keep=self.instance.time_zone
        )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Your partner's email (optional)"),
        required=False,
        help_text=_("Leave it empty to just copy the link and send it yourself."),
    )


class LeaveForm(forms.Form):
    tell_partner = forms.TypedChoiceField(
        label=_("How should your partner learn that you left?"),
        choices=TellPartner.choices,
        coerce=TellPartner,
        initial=TellPartner.EMAIL,
        # A form sent without a choice (say by a script) tells them by email, as the page
        # preselects.
        required=False,
        empty_value=TellPartner.EMAIL,
        widget=forms.RadioSelect,
    )
