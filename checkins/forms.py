from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from checkins.models import LIMIT, CheckIn, Entry, Reflection

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


class EntryForm(forms.ModelForm):
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


class ReflectionForm(forms.ModelForm):
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


class ReplyForm(forms.ModelForm):
    class Meta:
        model = Reflection
        fields = ("reply",)
        widgets = {"reply": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep_as_typed(self)
        self.fields["reply"].required = True


class NextStepForm(forms.ModelForm):
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


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search what you can read"), required=False, max_length=100)
