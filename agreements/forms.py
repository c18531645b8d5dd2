from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from agreements import starters
from agreements.limits import (
    PAUSE_MAX,
    PAUSE_MAX_MINUTES,
    PAUSE_MIN,
    PAUSE_MIN_MINUTES,
    in_words_lazy,
)
from agreements.models import (
    PAUSE_PHRASE_MAX_LENGTH,
    Agreement,
    AgreementVersion,
    Category,
    PauseSignal,
)
from agreements.services import CHOOSE_MORE_TIME, PauseDefaults, Terms

PAUSE_FIELDS = ("pause_minutes", "signal_phrases", "grounding_practice", "return_phrase")


class ProposalForm(forms.ModelForm[AgreementVersion]):
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
            "pause_minutes": format_lazy(
                _("From {min} to {max}."),
                min=in_words_lazy(PAUSE_MIN),
                max=in_words_lazy(PAUSE_MAX),
            ),
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
        self.pause = pause
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

    def clean_signal_phrases(self) -> str:
        phrases: str = self.cleaned_data["signal_phrases"]
        # Each phrase is offered by the pause form and stored on the pause.
        longest = max((len(line.strip()) for line in phrases.splitlines()), default=0)
        if longest > PAUSE_PHRASE_MAX_LENGTH:
            raise forms.ValidationError(
                _("Keep each phrase to %(limit)d characters; one has %(n)d.")
                % {"limit": PAUSE_PHRASE_MAX_LENGTH, "n": longest}
            )
        return phrases

    @classmethod
    def starting_from(
        cls, agreement: Agreement, proposal: AgreementVersion | None, *, pause: bool
    ) -> ProposalForm:
        """A blank proposal for `agreement`, holding the words of the open `proposal` it would
        answer, or else of the version in force, ready to change."""
        initial: dict[str, Any] = {
            "base_version": agreement.version,
            "counters": proposal.pk if proposal else None,
        }
        source = proposal or agreement.current
        if source is not None:
            initial |= {f: getattr(source, f) for f in cls.Meta.fields if f != "note"}
        return cls(initial=initial, pause=pause)

    def rebased(self, agreement: Agreement, proposal: AgreementVersion | None) -> ProposalForm:
        """This form as typed, now written for what is in place: the version in force and the
        open proposal, so that proposing again answers what the person now sees."""
        data = {
            **{name: self.data.get(name) for name in self.fields},
            "base_version": agreement.version,
            "counters": proposal.pk if proposal else None,
        }
        return ProposalForm(data, pause=self.pause)

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


class StartForm(forms.Form):
    """What a new agreement starts from (the query string of /agreements/new/): one of the
    starters, or a blank page of one category."""

    starter = forms.CharField(required=False)
    category = forms.ChoiceField(choices=Category.choices, required=False)

    def new_agreement_form(self) -> NewAgreementForm | None:
        """The new-agreement form filled from the choice, or None while nothing is chosen."""
        self.is_valid()
        starter = starters.find(self.cleaned_data.get("starter") or "")
        category = self.cleaned_data.get("category")
        if starter is None and not category:
            return None
        initial: dict[str, Any] = {"category": category, "base_version": 0}
        if starter is not None:
            initial |= vars(starter) | {"category": starter.category}
        return NewAgreementForm(initial=initial)


class ProposalIdForm(forms.Form):
    """Which proposal a partner answers or withdraws: the id the page showed. Anything else
    names no proposal, and the services refuse that with their own message."""

    proposal = forms.CharField(required=False)

    def clean_proposal(self) -> int | None:
        value: str = self.cleaned_data["proposal"]
        # ASCII digits only: int() would also read the digits of other scripts ("٣").
        return int(value) if value.isascii() and value.isdigit() else None

    @property
    def proposal_id(self) -> int | None:
        return self.cleaned_data.get("proposal") if self.is_valid() else None


class CompareForm(forms.Form):
    """Two versions from an agreement's history to compare (the query string)."""

    a = forms.TypedChoiceField(coerce=int)
    b = forms.TypedChoiceField(coerce=int)

    def __init__(self, *args: Any, history: list[AgreementVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.history = history
        for name in ("a", "b"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(v.pk, str(v.pk)) for v in history]

    def pair(self) -> tuple[AgreementVersion | None, AgreementVersion | None]:
        """The two chosen versions, older first; without a valid choice, the last two accepted
        ones (or the first and latest wordings, before two were accepted)."""
        if self.is_valid():
            by_id = {v.pk: v for v in self.history}
            old, new = by_id[self.cleaned_data["a"]], by_id[self.cleaned_data["b"]]
            return (new, old) if old.created_at > new.created_at else (old, new)
        history = self.history
        accepted = [v for v in history if v.number]
        older = accepted[1] if len(accepted) > 1 else history[-1] if history else None
        newer = accepted[0] if accepted else history[0] if history else None
        return older, newer


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


OWN_WORDS = "own"

# Durations people choose from, in minutes; the server accepts any length from PAUSE_MIN to
# PAUSE_MAX, so the couple's protocol may set a default that is not in this list.
DURATIONS = [PAUSE_MIN_MINUTES, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, PAUSE_MAX_MINUTES]
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


def options(field: forms.BoundField) -> list[tuple[str, str, bool]]:
    """(value, label, chosen) of each of a choice field's options, as its widget would mark
    them: the page writes them out itself, which costs far less than a template per option."""
    value = field.value()
    shown = "" if value is None else str(value)
    choices = field.field.widget.choices
    return [(str(v), str(label), str(v) == shown) for v, label in choices]


class DurationSelect(forms.Select):
    """A list of durations; static/js/pause.js shows the return time each one leads to."""

    def __init__(self, choices: list[int]) -> None:
        super().__init__(
            attrs={"data-return-time": ""}, choices=[(m, duration_label(m)) for m in choices]
        )


# Far past any allowed length, yet small enough that date arithmetic on it cannot overflow;
# lengths in between get the kind messages of PauseSignal.return_time_problem.
MINUTES_LIMIT = 7 * PAUSE_MAX_MINUTES
MINUTES_ERRORS = {
    "min_value": _("That return time has already passed. Choose how long you need from now."),
    "max_value": format_lazy(
        _("A pause lasts at most {max}. Choose a shorter time."), max=in_words_lazy(PAUSE_MAX)
    ),
}


# How many phrases the pause form shows before "Other words".
PHRASES_AT_ONCE = 3


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
    minutes = forms.IntegerField(
        label=_("How long do you need?"),
        min_value=-MINUTES_LIMIT,
        max_value=MINUTES_LIMIT,
        error_messages=MINUTES_ERRORS,
    )

    def __init__(
        self,
        *args: Any,
        defaults: PauseDefaults,
        phrases: list[str],
        now: datetime,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        phrase = self.fields["phrase"]
        assert isinstance(phrase, forms.ChoiceField)
        phrase.choices = [*((p, p) for p in phrases), (OWN_WORDS, _("In my own words"))]
        phrase.initial = phrases[0] if phrases else OWN_WORDS
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
        if abs(minutes) > MINUTES_LIMIT:
            minutes = int(self.fields["minutes"].initial)
        return self.now + timedelta(minutes=minutes)

    def phrase_options(self) -> list[tuple[str, str, bool]]:
        return options(self["phrase"])

    def phrase_groups(
        self,
    ) -> tuple[list[tuple[int, str, str, bool]], list[tuple[int, str, str, bool]]]:
        """The phrases shown at once and the rest, folded, each with its place in the list: a
        person who needs a pause should find the button without scrolling."""
        numbered = [(i, *option) for i, option in enumerate(self.phrase_options())]
        return numbered[:PHRASES_AT_ONCE], numbered[PHRASES_AT_ONCE:]

    def more_open(self) -> bool:
        """Whether the folded phrases open: what was chosen or written is among them."""
        _, more = self.phrase_groups()
        own = self["own_words"]
        return any(chosen for *_, chosen in more) or bool(own.errors) or bool(own.value())

    def minutes_options(self) -> list[tuple[str, str, bool]]:
        return options(self["minutes"])

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
    """How much longer a pause runs; the service decides whether that is allowed."""

    minutes = forms.IntegerField(
        label=_("How much longer?"),
        widget=DurationSelect(EXTENSIONS),
        min_value=-MINUTES_LIMIT,
        max_value=MINUTES_LIMIT,
        error_messages={
            code: CHOOSE_MORE_TIME for code in ("required", "invalid", "min_value", "max_value")
        },
    )

    def minutes_options(self) -> list[tuple[str, str, bool]]:
        return options(self["minutes"])
