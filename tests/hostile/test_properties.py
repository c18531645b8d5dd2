"""Property-based: any text in any field of any of Hearth's forms is accepted and kept as typed
(less the surrounding spaces a field trims), or refused with a message; never an exception."""

from __future__ import annotations

import html
import inspect
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from types import ModuleType
from typing import Any

import pytest
from django import forms
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import agreements.forms
import checkins.forms
import couples.forms
import schedules.forms
import toolkit.forms
from agreements.services import PauseDefaults
from couples.models import Couple, User
from tests.support.pages import visible_words
from toolkit.models import Phrase

MODULES: list[ModuleType] = [
    couples.forms,
    toolkit.forms,
    checkins.forms,
    schedules.forms,
    agreements.forms,
]
# What a form needs besides its data, by the name of the argument.
ARGUMENTS: dict[str, Callable[[], object]] = {
    "feelings": lambda: ["I feel seen"],
    "today": lambda: date(2026, 12, 3),
    "schedules": list,
    "opted_out": set,
    "pause": lambda: False,
    "history": list,
    "defaults": PauseDefaults,
    "phrases": lambda: ["I need a pause."],
    "now": lambda: datetime(2026, 12, 3, 20, 0, tzinfo=UTC),
}
# Text as it can arrive in a request: any character a decoded body can hold (no lone halves of
# a surrogate pair: decoding replaces those), short and long.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)


def hearth_forms() -> Iterator[type[forms.BaseForm]]:
    for module in MODULES:
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, forms.BaseForm)
                and obj.__module__ == module.__name__
            ):
                yield obj


def make(form_class: type[forms.BaseForm], data: dict[str, str]) -> forms.BaseForm:
    wanted = inspect.signature(form_class.__init__).parameters
    # Each form's own arguments, of as many types as there are forms: the call is checked by
    # running it, not by mypy.
    extra: dict[str, Any] = {
        name: make_arg() for name, make_arg in ARGUMENTS.items() if name in wanted
    }
    return form_class(data, **extra)


def field_names(form_class: type[forms.BaseForm]) -> list[str]:
    return list(make(form_class, {}).fields)


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", list(hearth_forms()), ids=lambda f: f.__qualname__)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_text_in_any_field_is_kept_or_refused_with_a_message(
    form_class: type[forms.BaseForm], data: st.DataObject
) -> None:
    values = {name: data.draw(TEXT, label=name) for name in field_names(form_class)}
    form = make(form_class, values)
    if not form.is_valid():
        for name, errors in form.errors.items():
            assert errors, name
            assert all(str(e).strip() for e in errors), (name, errors)
        return
    for name, field in form.fields.items():
        # A field with a clean_<name> method turns the text into something else on purpose.
        if hasattr(form, f"clean_{name}") or isinstance(field, forms.EmailField):
            continue
        if isinstance(field, forms.CharField):
            typed = values[name]
            kept = form.cleaned_data[name]
            if isinstance(kept, str):
                assert kept == (typed.strip() if field.strip else typed), name


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TEXT)
def test_a_phrase_is_kept_and_shown_exactly_as_typed_or_refused_with_a_message(
    alice: User, couple: Couple, alice_client: Client, text: str
) -> None:
    # Each example starts from no words, so an earlier one's phrase never counts as a repeat;
    # filtering by the text instead would send PostgreSQL a NUL it refuses to compare.
    Phrase.objects.filter(couple=couple).delete()
    before = 0
    response = alice_client.post("/toolkit/words/", {"group": "feel", "text": text})
    stored = Phrase.objects.filter(couple=couple).order_by("-pk").first()
    if Phrase.objects.filter(couple=couple).count() > before:
        assert response.status_code == 302
        assert stored is not None
        assert stored.text == text.strip()
        page = alice_client.get("/toolkit/words/").content.decode()
        assert html.escape(stored.text) in page
    else:
        # Refused: the form comes back saying why.
        assert response.status_code == 200
        reasons = [str(e) for errors in response.context["form"].errors.values() for e in errors]
        assert reasons
        assert all(reason in visible_words(response) for reason in reasons), reasons
