from __future__ import annotations

from typing import Any

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from checkins.models import (
    CARRIED_OVER_MAX,
    CARRIED_OVER_STEP,
    LIMIT,
    CheckIn,
    Entry,
    Prompt,
    PromptCategory,
    Reflection,
)
from checkins.services import PROMPT_MARKS

TOO_LONG = _(
    "Please keep this to %(limit_value)d characters; it has %(show_value)d now. "
    "Nothing is lost: shorten it here."
)


def keep_as_typed(form: forms.BaseForm) -> None:
    """Store text exactly as typed (no trimming) and explain length limits kindly."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.strip = False
            field.error_messages["max_length"] = TOO_LONG
            # The browser would cut a long paste short without a word; the server explains.
            field.widget.attrs.pop("maxlength", None)


class EntryForm(forms.ModelForm[Entry]):
    feelings = forms.MultipleChoiceField(
        label=_("How I'm feeling (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Entry
        fields = ("small_win", "challenge", "appreciation", "help_wanted", "feelings")
        widgets = {
            "small_win": forms.Textarea(attrs={"rows": 3}),
            "challenge": forms.Textarea(attrs={"rows": 3}),
            "appreciation": forms.Textarea(attrs={"rows": 2}),
            "help_wanted": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, feelings: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep_as_typed(self)
        chosen = self.instance.feeling_list
        # A phrase picked earlier stays pickable even if the vocabulary no longer offers it.
        choices = feelings + [f for f in chosen if f not in feelings]
        field = self.fields["feelings"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(f, f) for f in choices]
        self.initial["feelings"] = chosen

    def clean_feelings(self) -> str:
        return "\n".join(self.cleaned_data["feelings"])


class PressedButton(forms.CheckboxInput):
    """A submit button: pressed when the browser sent its name, whatever its value."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool:
        return name in data


class EntryActionForm(forms.Form):
    """Which button sent the entry: Share, or Save (which an autosave is too)."""

    share = forms.BooleanField(required=False, widget=PressedButton)


class ReflectionForm(forms.ModelForm[Reflection]):
    class Meta:
        model = Reflection
        fields = ("heard",)
        widgets = {"heard": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep_as_typed(self)
        self.fields["heard"].error_messages["required"] = _(
            "Write a sentence or two about what you heard."
        )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=Reflection.Answer.choices)
    clarification = forms.CharField(
        label=_("What I meant (optional)"),
        required=False,
        max_length=LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep_as_typed(self)


class ReplyForm(forms.ModelForm[Reflection]):
    class Meta:
        model = Reflection
        fields = ("reply",)
        widgets = {"reply": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep_as_typed(self)
        self.fields["reply"].required = True


class NextStepForm(forms.ModelForm[CheckIn]):
    class Meta:
        model = CheckIn
        fields = ("next_step",)
        labels = {"next_step": _("Our small step for next week")}
        widgets = {"next_step": forms.TextInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep_as_typed(self)
        field = self.fields["next_step"]
        field.required = True
        field.error_messages["required"] = _("Write the step you'd like to take together.")


class AgreeStepForm(forms.Form):
    """Agreeing to the step as it was shown: `proposed_at` names that proposal (ISO 8601)."""

    proposed_at = forms.DateTimeField(required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search what you can read"), required=False, max_length=100)
    page = forms.CharField(required=False, max_length=20)
    # How many carried-over challenges to show, grown by "Show more"; anything else shows the
    # first few, as a mistyped page number shows the first page.
    carried = forms.CharField(required=False, max_length=20)

    def clean_carried(self) -> int:
        value = self.cleaned_data["carried"]
        shown = int(value) if value.isdigit() else CARRIED_OVER_STEP
        return min(max(shown, CARRIED_OVER_STEP), CARRIED_OVER_MAX)


class ResolveForm(forms.Form):
    """Mark a challenge resolved ("0" opens it again), then go back to `next`: kept only when it
    is a path on this site, so a mistyped or planted value never leads elsewhere."""

    resolved = forms.CharField(required=False)
    next = forms.CharField(required=False, max_length=2000)

    def clean_resolved(self) -> bool:
        return bool(self.cleaned_data["resolved"] != "0")

    def clean_next(self) -> str:
        return _safe_path(self.cleaned_data["next"])


def _safe_path(back: str) -> str:
    """`back` when it is a path on this site, else "": a planted value never leads elsewhere."""
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=set()):
        return back
    return ""


class WeekPromptForm(forms.Form):
    """A change to the week's prompt: `shown` is the offer the person saw."""

    change = forms.ChoiceField(choices=[("swap", "swap"), ("skip", "skip"), ("offer", "offer")])
    shown = forms.IntegerField(required=False)


class PromptForm(forms.ModelForm[Prompt]):
    class Meta:
        model = Prompt
        fields = ("category", "text")
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "text": _("An open question, for example “What helped you feel close to me lately?”")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep_as_typed(self)
        self.fields["text"].error_messages["required"] = _("Write the question you'd like to ask.")

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError(_("Write the question you'd like to ask."))
        return text.strip()


PROMPT_VIEWS = [
    *PromptCategory.choices,
    ("favourites", _("Favourites")),
    ("own", _("Your own")),
    ("retired", _("Retired")),
]


class PromptBrowseForm(forms.Form):
    """Which prompts /prompts/ shows: one category, the favourites, the couple's own or the
    retired ones. Anything else shows the first category."""

    show = forms.ChoiceField(choices=PROMPT_VIEWS, required=False)
    # "shuffle" lists them in a new random order on each visit; otherwise in a steady order.
    order = forms.ChoiceField(choices=[("shuffle", "shuffle")], required=False)

    def clean_show(self) -> str:
        return self.cleaned_data["show"] or PromptCategory.APPRECIATION


class PromptMarkForm(forms.Form):
    change = forms.ChoiceField(choices=[(name, name) for name in PROMPT_MARKS])
    next = forms.CharField(required=False, max_length=2000)

    def clean_next(self) -> str:
        return _safe_path(self.cleaned_data["next"])
