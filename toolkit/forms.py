from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toolkit.models import Phrase, PhraseGroup, Repair, SavedTopic, SharedValue, TriggerScript


class PhraseForm(forms.ModelForm[Phrase]):
    group = forms.ChoiceField(
        label=_("Group"), choices=PhraseGroup.choices, initial=PhraseGroup.FEEL
    )

    class Meta:
        model = Phrase
        fields = ("group", "text")
        help_texts = {"text": _("Words you both recognise, for example “I feel unsure”.")}


class TriggerScriptForm(forms.ModelForm[TriggerScript]):
    class Meta:
        model = TriggerScript
        fields = ("when_i_notice", "i_will")
        help_texts = {
            "when_i_notice": _("For example: my jaw tightens and I start talking faster."),
            "i_will": _("For example: take three slow breaths and say I need a pause."),
        }


class SavedTopicForm(forms.ModelForm[SavedTopic]):
    class Meta:
        model = SavedTopic
        fields = ("topic", "session", "note")
        widgets = {"session": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}


class RepairForm(forms.ModelForm[Repair]):
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


class RepairResponseForm(forms.ModelForm[Repair]):
    class Meta:
        model = Repair
        fields = ("response",)
        widgets = {"response": forms.Textarea(attrs={"rows": 3})}


class SharedValueForm(forms.ModelForm[SharedValue]):
    class Meta:
        model = SharedValue
        fields = ("name", "description")


# The buttons that change one thing: each posts one field, read here like any other.


class YesNoField(forms.TypedChoiceField):
    """A button's "yes" or "no", read as True or False."""

    def __init__(self, **kwargs: Any) -> None:
        choices = [("yes", _("Yes")), ("no", _("No"))]
        super().__init__(choices=choices, coerce=lambda value: value == "yes", **kwargs)


class PhraseMoveForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Direction"), choices=[("up", _("Move up")), ("down", _("Move down"))]
    )


class ScriptShareForm(forms.Form):
    share = YesNoField(label=_("Share with my partner"))


class TopicDiscussedForm(forms.Form):
    discussed = YesNoField(label=_("Discussed"))
