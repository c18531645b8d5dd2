"""Writes to the toolkit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from couples.models import Couple, User
from couples.services import log
from toolkit.models import Phrase, PhraseGroup, SharedValue

DEFAULT_PHRASES = {
    PhraseGroup.FEEL: [
        _("I feel overwhelmed"),
        _("I feel unheard"),
        _("I feel anxious"),
        _("I feel tender right now"),
        _("I feel tired and short on patience"),
        _("I feel hopeful"),
        _("I feel close to you"),
    ],
    PhraseGroup.NEED: [
        _("I need a pause"),
        _("I need a little quiet"),
        _("I need to feel heard before we solve anything"),
        _("I need reassurance"),
        _("I need us to slow down"),
        _("I need a hug"),
    ],
    PhraseGroup.APPRECIATE: [
        _("I appreciate your effort"),
        _("I appreciate that you listened"),
        _("I appreciate you making time for us"),
        _("I appreciate your patience"),
        _("I appreciate the small things you do"),
    ],
}
DEFAULT_VALUES = [_("Respect"), _("Curiosity"), _("Generosity"), _("Honesty")]


def seed_toolkit(*, couple: Couple) -> None:
    """What every new couple starts with: a vocabulary and four suggested values."""
    Phrase.objects.bulk_create(
        Phrase(couple=couple, group=group, text=str(text), position=position)
        for group, texts in DEFAULT_PHRASES.items()
        for position, text in enumerate(texts)
    )
    SharedValue.objects.bulk_create(SharedValue(couple=couple, name=str(v)) for v in DEFAULT_VALUES)


def seed_toolkit_on_creation(sender: Any, *, couple: Couple, **kwargs: Any) -> None:
    seed_toolkit(couple=couple)


def next_phrase_position(couple: Couple, group: str) -> int:
    last = Phrase.objects.for_couple(couple).in_group(group).aggregate(last=Max("position"))
    return 0 if last["last"] is None else last["last"] + 1


@transaction.atomic
def move_phrase(*, phrase: Phrase, up: bool) -> None:
    """Swap a phrase with its neighbour in its group, numbering the group afresh so positions
    stay distinct however phrases were added, moved between groups or retired."""
    siblings = list(
        Phrase.objects.select_for_update().for_couple(phrase.couple).active().in_group(phrase.group)
    )
    index = next((i for i, p in enumerate(siblings) if p.pk == phrase.pk), None)
    if index is None:  # retired or moved to another group meanwhile
        return
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    Phrase.objects.bulk_update(siblings, ["position"])


@transaction.atomic
def add_value(*, couple: Couple, by: User, name: str, description: str) -> SharedValue:
    value = SharedValue.objects.create(couple=couple, name=name, description=description)
    log(couple=couple, actor=by, message=_("added the value “%(name)s”") % {"name": name})
    return value


@transaction.atomic
def change_value(*, value: SharedValue, by: User, old_name: str) -> None:
    value.save()
    if old_name != value.name:
        message = _("renamed the value “%(old)s” to “%(new)s”") % {
            "old": old_name,
            "new": value.name,
        }
    else:
        message = _("updated the value “%(name)s”") % {"name": value.name}
    log(couple=value.couple, actor=by, message=message)


@transaction.atomic
def remove_value(*, value: SharedValue, by: User) -> None:
    value.delete()
    log(
        couple=value.couple,
        actor=by,
        message=_("removed the value “%(name)s”") % {"name": value.name},
    )
