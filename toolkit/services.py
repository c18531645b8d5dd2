"""Every write to the toolkit. A view reads the request through a form and calls one of these;
a request the rules refuse raises `RefusedError` with the message to show."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import registry
from core.activity import log
from core.errors import RefusedError
from couples.models import Couple, Membership, User
from notices import events as notice_events
from notices import services as notices
from notices.models import Kind, Unread
from toolkit.models import (
    Phrase,
    PhraseGroup,
    Repair,
    SavedTopic,
    SharedValue,
    TriggerScript,
)

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

# Offered one tap away when a person has no trigger script yet; saved privately like any other.
STARTER_SCRIPTS = [
    (
        _("my chest getting tight and my voice getting louder"),
        _("say “I need a pause” and step outside for twenty minutes"),
    ),
    (
        _("that I'm rehearsing my answer instead of listening"),
        _("take three slow breaths and say back what I heard"),
    ),
    (
        _("that I want to leave the room without a word"),
        _("tell you when I'll be back, then go for a walk"),
    ),
]


def starter_phrases(group: str, taken: set[str]) -> list[str]:
    """Hearth's phrases of `group` the couple does not have (in any group, retired or not)."""
    return [
        str(t)
        for t in DEFAULT_PHRASES.get(PhraseGroup(group), [])
        if str(t).casefold() not in taken
    ]


def seed_toolkit(*, couple: Couple) -> None:
    """What every new couple starts with: a vocabulary. Values are not pre-filled: the couple
    chooses them together from suggestions (`SUGGESTED_VALUES`)."""
    Phrase.objects.bulk_create(
        Phrase(couple=couple, group=group, text=str(text), position=position)
        for group, texts in DEFAULT_PHRASES.items()
        for position, text in enumerate(texts)
    )


def seed_toolkit_on_creation(sender: Any, *, couple: Couple, **kwargs: Any) -> None:
    seed_toolkit(couple=couple)


# The shared vocabulary: either partner adds, changes, reorders, retires and restores phrases.


def _next_phrase_position(couple: Couple, group: str) -> int:
    last = Phrase.objects.for_couple(couple).in_group(group).aggregate(last=Max("position"))
    return 0 if last["last"] is None else last["last"] + 1


def add_phrase(*, couple: Couple, group: str, text: str) -> Phrase:
    """A new phrase goes last in its group."""
    return Phrase.objects.create(
        couple=couple, group=group, text=text, position=_next_phrase_position(couple, group)
    )


@transaction.atomic
def change_phrase(*, phrase: Phrase, group: str, text: str) -> None:
    """Change a phrase's words or group; a phrase moved to another group goes last there."""
    # An edit form may have put the new values on `phrase` already; the row knows the old group.
    stored_group = (
        Phrase.objects.select_for_update().values_list("group", flat=True).get(pk=phrase.pk)
    )
    if group != stored_group:
        phrase.position = _next_phrase_position(phrase.couple, group)
    phrase.group, phrase.text = group, text
    phrase.save(update_fields=["group", "text", "position"])


@transaction.atomic
def move_phrase(*, phrase: Phrase, up: bool) -> None:
    """Swap a phrase with its neighbour in its group, numbering the group afresh so positions
    stay distinct however phrases were added, moved between groups or retired. Refused for a
    phrase retired meanwhile; a phrase first or last already stays where it is."""
    if phrase.retired_at is not None:
        raise RefusedError(_("“%(text)s” was retired meanwhile.") % {"text": phrase.text})
    siblings = list(
        Phrase.objects.select_for_update().for_couple(phrase.couple).active().in_group(phrase.group)
    )
    index = next((i for i, p in enumerate(siblings) if p.pk == phrase.pk), None)
    if index is None:  # retired or moved to another group since this request loaded it
        return
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    Phrase.objects.bulk_update(siblings, ["position"])


def retire_phrase(*, phrase: Phrase) -> None:
    """Take a phrase off the lists without deleting it (what used it keeps its words). Retiring
    twice keeps the first date."""
    Phrase.objects.filter(pk=phrase.pk, retired_at__isnull=True).update(retired_at=timezone.now())


@transaction.atomic
def restore_phrase(*, phrase: Phrase) -> None:
    """Bring a retired phrase back, last in its group."""
    Phrase.objects.filter(pk=phrase.pk, retired_at__isnull=False).update(
        retired_at=None, position=_next_phrase_position(phrase.couple, phrase.group)
    )


# Trigger scripts: private to their author until shared. Saved and deleted one by one so the
# pause banner, which shows shared scripts, hears of every change (agreements/apps.py).


def add_script(*, couple: Couple, author: User, when_i_notice: str, i_will: str) -> TriggerScript:
    return TriggerScript.objects.create(
        couple=couple, author=author, when_i_notice=when_i_notice, i_will=i_will
    )


def change_script(*, script: TriggerScript, when_i_notice: str, i_will: str) -> None:
    script.when_i_notice, script.i_will = when_i_notice, i_will
    script.save(update_fields=["when_i_notice", "i_will"])


def share_script(*, script: TriggerScript, share: bool) -> None:
    """Show the script to the partner (`share`) or make it private again."""
    if share != script.is_shared:
        script.shared_at = timezone.now() if share else None
        script.save(update_fields=["shared_at"])


def delete_script(*, script: TriggerScript) -> None:
    script.delete()


# Saved for therapy: only the author ever sees their topics.


def add_topic(*, couple: Couple, author: User, topic: str, session: str, note: str) -> SavedTopic:
    return SavedTopic.objects.create(
        couple=couple, author=author, topic=topic, session=session, note=note
    )


def change_topic(*, saved_topic: SavedTopic, topic: str, session: str, note: str) -> None:
    saved_topic.topic, saved_topic.session, saved_topic.note = topic, session, note
    saved_topic.save(update_fields=["topic", "session", "note"])


def mark_discussed(*, saved_topic: SavedTopic, discussed: bool) -> None:
    """Take a topic off the agenda once discussed (`discussed`), or put it back on."""
    if discussed != (saved_topic.discussed_at is not None):
        saved_topic.discussed_at = timezone.now() if discussed else None
        saved_topic.save(update_fields=["discussed_at"])


def delete_topic(*, saved_topic: SavedTopic) -> None:
    saved_topic.delete()


# Repairs: the author writes and changes their repair, the partner may answer it, and either
# marks it followed up.


def record_repair(
    *,
    couple: Couple,
    author: User,
    acknowledgement: str,
    apology: str,
    plan: str,
    follow_up_on: date,
) -> Repair:
    """Record a repair; it is new to the partner (an unread marker for them alone)."""
    with transaction.atomic():
        repair = Repair.objects.create(
            couple=couple,
            author=author,
            acknowledgement=acknowledgement,
            apology=apology,
            plan=plan,
            follow_up_on=follow_up_on,
        )
        notices.mark_new(
            couple=couple, actor=author, area=Unread.Area.REPAIRS, kind="repair", thing_id=repair.pk
        )
    return repair


def change_repair(
    *,
    repair: Repair,
    by: User,
    acknowledgement: str,
    apology: str,
    plan: str,
    follow_up_on: date,
) -> None:
    if repair.author_id != by.pk:
        raise RefusedError(_("Only the person who wrote this repair can change it."))
    repair.acknowledgement, repair.apology, repair.plan = acknowledgement, apology, plan
    repair.follow_up_on = follow_up_on
    repair.save(update_fields=["acknowledgement", "apology", "plan", "follow_up_on"])


def respond_to_repair(*, repair: Repair, by: User, response: str) -> None:
    if repair.author_id == by.pk:
        raise RefusedError(_("A repair is answered by the partner it was made to."))
    repair.response, repair.responded_by, repair.responded_at = response, by, timezone.now()
    repair.save(update_fields=["response", "responded_by", "responded_at"])


# Follow-ups whose date came more than this long ago are not told any more (say after downtime,
# or when the telling began): the check-in agenda still lists them.
FOLLOW_UP_TOLD_FOR = timedelta(days=2)


def tell_follow_ups_due(*, now: datetime) -> int:
    """Run by beat: tell the members who may read a repair that its follow-up date has come, in
    the couple's own zone, on the channel each chose for repairs (notices.events: once per
    person and date, after their quiet hours). Returns how many repairs were told of."""
    utc_today = now.astimezone(UTC).date()
    # Every zone's today lies within a day of UTC's.
    candidates = (
        Repair.objects.follow_ups_due(utc_today + timedelta(days=1))
        .filter(follow_up_on__gte=utc_today - FOLLOW_UP_TOLD_FOR - timedelta(days=1))
        .select_related("couple")
    )
    told = 0
    for repair in candidates:
        today = now.astimezone(ZoneInfo(repair.couple.time_zone)).date()
        if not today - FOLLOW_UP_TOLD_FOR <= repair.follow_up_on <= today:
            continue
        members = Membership.objects.filter(couple_id=repair.couple_id)
        readers = [m.user_id for m in members if Repair.objects.visible_to(m).filter(pk=repair.pk)]
        with transaction.atomic():
            notice_events.tell(
                couple=repair.couple,
                recipient_ids=readers,
                kind=Kind.REPAIR,
                letter="repair-follow-up",
                thing_id=repair.pk,
                key=repair.follow_up_on.isoformat(),
                push_title=_("A follow-up is due"),
                push_body=_("A repair you made together has a follow-up due."),
                url=reverse("toolkit_repair", args=[repair.pk]),
            )
        told += 1
    return told


@registry.letter("repair-follow-up")
def _follow_up_letter(thing_id: int, key: str, recipient: User) -> dict[str, object] | None:
    """The follow-up email, while the repair is not followed up, its date is still the one the
    email was for, and the recipient may read it."""
    membership = Membership.objects.filter(user=recipient).first()
    if membership is None:
        return None
    repair = (
        Repair.objects.visible_to(membership)
        .filter(pk=thing_id, followed_up_at__isnull=True, follow_up_on=date.fromisoformat(key))
        .first()
    )
    return None if repair is None else {"recipient": recipient, "repair_id": repair.pk}


def mark_followed_up(*, repair: Repair) -> None:
    """Marking twice keeps the first date."""
    Repair.objects.filter(pk=repair.pk, followed_up_at__isnull=True).update(
        followed_up_at=timezone.now()
    )


# Shared values: chosen together. Each partner picks from Hearth's suggestions (or writes one);
# a value both picked becomes the couple's own. Either partner changes or removes their own
# values afterwards, and the activity log says so.

SUGGESTED_VALUES = [
    _("Respect"),
    _("Curiosity"),
    _("Generosity"),
    _("Honesty"),
    _("Kindness"),
    _("Trust"),
    _("Playfulness"),
    _("Patience"),
    _("Courage"),
    _("Gratitude"),
]


@transaction.atomic
def add_value(*, couple: Couple, by: User, name: str, description: str) -> SharedValue:
    """`by` picks the value `name`. When their partner picked it already, it becomes the
    couple's own (the partner's wording stays); picking one's own pick again, or a value that
    is already theirs, changes nothing."""
    same = list(
        SharedValue.objects.select_for_update(of=("self",))
        .filter(couple=couple, name__iexact=name.strip())
        .filter(Q(agreed_at__isnull=False) | Q(proposed_by__membership__couple=couple))
    )
    if found := next((v for v in same if v.is_ours), None):
        return found
    # Both picking it at the same moment leaves a pick of each: the next pick joins them.
    if theirs := [v for v in same if v.proposed_by_id != by.pk]:
        value = theirs[0]
        SharedValue.objects.filter(pk__in=[v.pk for v in same if v.pk != value.pk]).delete()
        value.agreed_at = timezone.now()
        if description and not value.description:
            value.description = description
        value.save(update_fields=["agreed_at", "description"])
        log(
            couple=couple,
            actor=by,
            message=_("agreed to the value “%(name)s”") % {"name": value.name},
        )
        return value
    if same:
        return same[0]
    value = SharedValue.objects.create(
        couple=couple, name=name, description=description, proposed_by=by, agreed_at=None
    )
    log(couple=couple, actor=by, message=_("proposed the value “%(name)s”") % {"name": name})
    return value


def on_member_left(sender: object, *, couple: Couple, user: User, **kwargs: object) -> None:
    """Someone who leaves takes back the values they proposed: whoever joins next never finds
    a former partner's picks waiting."""
    SharedValue.objects.filter(couple=couple, proposed_by=user, agreed_at__isnull=True).delete()


@transaction.atomic
def change_value(*, value: SharedValue, by: User, name: str, description: str) -> None:
    # An edit form may have put the new name on `value` already; the row knows the old one.
    old_name = (
        SharedValue.objects.select_for_update().values_list("name", flat=True).get(pk=value.pk)
    )
    value.name, value.description = name, description
    value.save(update_fields=["name", "description"])
    if old_name != name:
        message = _("renamed the value “%(old)s” to “%(new)s”") % {"old": old_name, "new": name}
    else:
        message = _("updated the value “%(name)s”") % {"name": name}
    log(couple=value.couple, actor=by, message=message)


@transaction.atomic
def remove_value(*, value: SharedValue, by: User) -> None:
    value.delete()
    log(
        couple=value.couple,
        actor=by,
        message=_("removed the value “%(name)s”") % {"name": value.name},
    )
