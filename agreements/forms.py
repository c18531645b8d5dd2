from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import (
    PAUSE_MAX_MINUTES,
    PAUSE_MIN_MINUTES,
    AgreementVersion,
    Category,
    EmailPreference,
)
from agreements.services import Terms

PAUSE_FIELDS = ("pause_minutes", "signal_phrases", "grounding_practice", "return_phrase")


class ProposalForm(forms.ModelForm):
    """The text of a proposal and, for "how we pause", the pause terms. `base_version` is the
    version the proposer was looking at, so a proposal written for an older one is refused;
    `counters` is the partner's proposal this one answers, if any."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    counters = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AgreementVersion
        fields = ("text", "revisit_by", "note", *PAUSE_FIELDS)
        labels = {
            "text": _("The agreement, in your own words"),
            "revisit_by": _("Revisit by (optional)"),
            "note": _("A note for your partner about this change (optional)"),
            "return_phrase": _("Return phrase"),
        }
        help_texts = {
            "revisit_by": _("A date to look at it together again."),
            "pause_minutes": _("From %(min)s minutes to 24 hours.") % {"min": PAUSE_MIN_MINUTES},
            "signal_phrases": _("One per line, for example “I need a pause”."),
            "grounding_practice": _("Optional: something calming to do during the pause."),
            "return_phrase": _("What either of you says when ready to come back."),
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 8}),
            "revisit_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "signal_phrases": forms.Textarea(attrs={"rows": 3}),
            "grounding_practice": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, pause: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].strip = False  # type: ignore[attr-defined]
        if pause:
            for name in ("pause_minutes", "signal_phrases", "return_phrase"):
                self.fields[name].required = True
            self.fields["pause_minutes"].widget.attrs.update(
                min=PAUSE_MIN_MINUTES, max=PAUSE_MAX_MINUTES
            )
        else:
            for name in PAUSE_FIELDS:
                del self.fields[name]

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError(_("Write the agreement's text."))
        return text

    def terms(self) -> Terms:
        data = self.cleaned_data
        return Terms(
            text=data["text"],
            note=data["note"],
            revisit_by=data["revisit_by"],
            pause_minutes=data.get("pause_minutes"),
            signal_phrases=data.get("signal_phrases", ""),
            grounding_practice=data.get("grounding_practice", ""),
            return_phrase=data.get("return_phrase", ""),
        )

    @property
    def pause_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PAUSE_FIELDS if name in self.fields]

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if f.name not in PAUSE_FIELDS]


class NewAgreementForm(ProposalForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=Category.choices,
        error_messages={"invalid_choice": _("Choose a category from the list.")},
    )
    field_order = ("title", "category", "text")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        data = args[0] if args else kwargs.get("data")
        category = (data or {}).get("category") or kwargs.get("initial", {}).get("category")
        super().__init__(*args, pause=category == Category.PAUSE, **kwargs)
        self.fields["base_version"].required = False


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("What doesn't work for you yet?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your partner will read this. Curiosity helps more than a verdict."),
    )


class RetireForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = forms.CharField(
        label=_("Why retire it? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EmailPreferenceForm(forms.ModelForm):
    class Meta:
        model = EmailPreference
        fields = ("proposal_emails",)
