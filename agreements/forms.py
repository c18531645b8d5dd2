from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import PauseSignal
from agreements.services import PauseDefaults

OWN_WORDS = "own"

# Durations people choose from, in minutes; the server accepts any length from 20 minutes
# to 24 hours, so the couple's protocol may set a default that is not in this list.
DURATIONS = [20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1440]
EXTENSIONS = [10, 20, 30, 60, 120, 240]


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return str(_("%(m)d minutes") % {"m": minutes})
    if rest:
        return str(_("%(h)d h %(m)d min") % {"h": hours, "m": rest})
    if hours == 1:
        return str(_("1 hour"))
    return str(_("%(h)d hours") % {"h": hours})


class DurationSelect(forms.Select):
    """A list of durations; static/js/pause.js shows the return time each one leads to."""

    def __init__(self, choices: list[int]) -> None:
        super().__init__(
            attrs={"data-return-time": ""}, choices=[(m, duration_label(m)) for m in choices]
        )


class PauseForm(forms.Form):
    phrase = forms.ChoiceField(
        label=_("What would you like to say?"), widget=forms.RadioSelect, required=False
    )
    own_words = forms.CharField(
        label=_("Your own words"),
        max_length=200,
        required=False,
        help_text=_("Used when you choose “in my own words”."),
    )
    minutes = forms.IntegerField(label=_("How long do you need?"))

    def __init__(self, *args: Any, defaults: PauseDefaults, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        phrases = [(p, p) for p in defaults.signal_phrases]
        phrase = self.fields["phrase"]
        assert isinstance(phrase, forms.ChoiceField)
        phrase.choices = [*phrases, (OWN_WORDS, _("In my own words"))]
        self.fields["phrase"].initial = phrases[0][0] if phrases else OWN_WORDS
        durations = sorted({*DURATIONS, defaults.pause_minutes})
        self.fields["minutes"].widget = DurationSelect(durations)
        self.fields["minutes"].initial = defaults.pause_minutes

    @property
    def returns_at_preview(self) -> datetime:
        """The return time of the chosen (or default) length, if the pause began now."""
        try:
            minutes = int(self["minutes"].value())
        except (TypeError, ValueError):
            minutes = int(self.fields["minutes"].initial)
        return self.now + timedelta(minutes=minutes)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("phrase") or OWN_WORDS
        own = (data.get("own_words") or "").strip()
        if choice == OWN_WORDS:
            if not own:
                self.add_error("own_words", _("Write a few words, or pick one of the phrases."))
            data["text"] = own
        else:
            data["text"] = choice
        minutes = data.get("minutes")
        if minutes is not None:
            returns_at = self.now + timedelta(minutes=minutes)
            problem = PauseSignal.return_time_problem(
                start=self.now, returns_at=returns_at, now=self.now
            )
            if problem:
                self.add_error("minutes", problem)
        return data


class ExtendForm(forms.Form):
    minutes = forms.IntegerField(label=_("How much longer?"), widget=DurationSelect(EXTENSIONS))


class PauseEmailForm(forms.Form):
    email_me = forms.BooleanField(
        label=_("Email me when my partner asks for a pause"),
        required=False,
        help_text=_("The subject line never says what it is about."),
    )
