"""Emails about one event each (an agreement awaits an answer, a proposal closed, a pause was
asked for, it is someone's turn in the check-in, a repair follow-up is due), and their pushes:
the one pipeline every notification takes.

`tell` runs inside the caller's transaction. For each person it names it reads their channel for
the kind: by email it queues one `EventEmail` (the unique key records an event once per person),
by push it queues a push (`notices.push.queue`), inside Hearth it does nothing. Both wait for the
end of the person's quiet hours (`not_before`). The email goes through the outbox
(core/outbox.py), which sends it at most once with a stable Message-ID; when it is sent the
person's channel for the kind, their membership of the couple, their quiet hours (which they may
have changed meanwhile) and the app's own part (`core.registry.LETTERS`: is the event still worth
telling) are asked again, and a row no longer worth sending is dropped. Every email carries a
one-click unsubscribe link (`EVENT_EMAILS`) that switches its kind from email to inside Hearth
for that person.

A pause is held by quiet hours like everything else (no email or push inside them): a pause is
short, and if it ended before the hours did, the app's part says so and nothing is sent."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from functools import partial
from time import monotonic
from zoneinfo import ZoneInfo

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from core import emails, outbox
from core.registry import LETTERS
from core.unsubscribe import Key, Unsubscribe
from couples.models import Couple, Membership, User
from notices import push, tasks
from notices.models import Channel, EventEmail, Kind, NotificationPreference
from notices.quiet import next_allowed

# Most rows one beat tick sends; the rest wait for the next minute.
BATCH = 500

# The kinds told by an event email, by their place in its unsubscribe link. Never reordered:
# links in emails already sent carry the place; a new kind goes at the end.
EVENT_KINDS: tuple[str, ...] = (Kind.TURN, Kind.AGREEMENT, Kind.PAUSE, Kind.REPAIR)

# What the unsubscribe page says stops: "You won't get emails when ...".
WHEN: dict[str, StrOrPromise] = {
    Kind.TURN: _("it's your turn in the check-in"),
    Kind.AGREEMENT: _("an agreement awaits your answer"),
    Kind.PAUSE: _("your partner asks for a pause"),
    Kind.REPAIR: _("a repair follow-up is due"),
}


def tell(
    *,
    couple: Couple,
    recipient_ids: Collection[int],
    kind: str,
    letter: str,
    thing_id: int,
    key: str = "",
    push_title: str,
    push_body: str,
    url: str,
) -> None:
    """Tell each of `recipient_ids` still in `couple` of one event, on the channel they chose
    for `kind`, once their quiet hours allow: an email written by the part registered as
    `letter`, or a push saying `push_title` and `push_body` and opening `url`."""
    now = timezone.now()
    choices = list(
        NotificationPreference.objects.filter(
            user_id__in=recipient_ids,
            user__membership__couple=couple,
        )
        .exclude(**{kind: Channel.HEARTH})
        .select_related("user")
    )
    due: list[int] = []
    for choice in choices:
        until = _quiet_until(choice, now)
        not_before = until if until > now else None
        if choice.channel(kind) == Channel.PUSH:
            push.queue(
                choice.user_id,
                kind=kind,
                title=push_title,
                body=push_body,
                url=url,
                not_before=not_before,
            )
            continue
        row, created = EventEmail.objects.get_or_create(
            recipient_id=choice.user_id,
            letter=letter,
            thing_id=thing_id,
            key=key,
            defaults={"couple": couple, "kind": kind, "created_at": now, "not_before": not_before},
        )
        if created and not_before is None:
            due.append(row.pk)
    if due:
        transaction.on_commit(partial(tasks.send_event_emails.delay, due))


def _quiet_until(choice: NotificationPreference, now: datetime) -> datetime:
    return next_allowed(now, ZoneInfo(choice.user.time_zone), choice.quiet_start, choice.quiet_end)


def send(*, ids: Collection[int], now: datetime, started: float | None = None) -> int:
    """Send the rows among `ids` this call wins the claim of; what it did not reach in time goes
    to a follow-up task. Returns how many went out."""
    outcome = outbox.send(
        EventEmail.objects.select_related("recipient"),
        ids,
        now=now,
        letters=partial(_letters, now=now),
        started=started,
    )
    if outcome.left:
        transaction.on_commit(partial(tasks.send_event_emails.delay, outcome.left))
    return outcome.sent


def send_due(*, now: datetime) -> int:
    """Run by beat every minute: what waited for quiet hours to end, and what was never sent
    (a lost task, a worker that died)."""
    started = monotonic()
    due = EventEmail.objects.filter(EventEmail.claimable(now)).filter(
        Q(not_before__isnull=False) | Q(created_at__lte=now - EventEmail.REQUEUE_AFTER)
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:BATCH])
    return send(ids=ids, now=now, started=started) if ids else 0


def _letters(
    rows: list[EventEmail], *, now: datetime
) -> Iterator[tuple[EventEmail, EmailMultiAlternatives]]:
    """The emails of the claimed rows still worth sending now. A row whose person turned the
    kind off, left the couple or deleted their account, or whose event is over, is dropped; a
    row whose person is inside their quiet hours (changed since it was queued) waits for their
    end."""
    choices = {
        choice.user_id: choice
        for choice in NotificationPreference.objects.filter(
            user_id__in={row.recipient_id for row in rows}
        ).select_related("user")
    }
    members = set(
        Membership.objects.filter(user_id__in={row.recipient_id for row in rows}).values_list(
            "user_id", "couple_id"
        )
    )
    dropped: list[int] = []
    ready: list[tuple[EventEmail, EmailMultiAlternatives]] = []
    for row in rows:
        choice = choices.get(row.recipient_id)
        if (
            choice is None
            or choice.channel(row.kind) != Channel.EMAIL
            or (row.recipient_id, row.couple_id) not in members
        ):
            dropped.append(row.pk)
            continue
        until = _quiet_until(choice, now)
        if until > now:
            EventEmail.objects.filter(pk=row.pk, claimed_at=now).update(
                claimed_at=None, not_before=until
            )
            continue
        ctx = LETTERS[row.letter](row.thing_id, row.key, row.recipient)
        if ctx is None:
            dropped.append(row.pk)
            continue
        ready.append((row, _message(row, ctx)))
    if dropped:
        EventEmail.objects.filter(pk__in=dropped, claimed_at=now).update(dropped_at=now)
    return iter(ready)


def _message(row: EventEmail, ctx: dict[str, object]) -> EmailMultiAlternatives:
    unsubscribe_url = EVENT_EMAILS.url(row.recipient_id, EVENT_KINDS.index(row.kind))
    message = emails.make_message(
        row.letter, row.recipient.email, {**ctx, "unsubscribe_url": unsubscribe_url}
    )
    emails.one_click_unsubscribe(message, unsubscribe_url)
    return message


def _kind(key: Key) -> str | None:
    """The kind a link names, or None for a place no kind has."""
    if len(key) != 2 or not 0 <= key[1] < len(EVENT_KINDS):
        return None
    return EVENT_KINDS[key[1]]


def _describe(key: Key) -> dict[str, object] | None:
    kind = _kind(key)
    if kind is None or not User.objects.filter(pk=key[0]).exists():
        return None
    return {"when": WHEN[kind]}


def _is_off(key: Key) -> bool:
    user_id, index = key
    return not NotificationPreference.wants(user_id, EVENT_KINDS[index], Channel.EMAIL)


def _turn_off(key: Key) -> bool:
    """Tell the person of the kind inside Hearth only, if they heard of it by email; a push they
    chose stays. What waits is dropped when it comes to be sent (`_letters`)."""
    user_id, index = key
    kind = EVENT_KINDS[index]
    return bool(
        NotificationPreference.objects.filter(user_id=user_id, **{kind: Channel.EMAIL}).update(
            **{kind: Channel.HEARTH}
        )
    )


# One kind of event email (person, place in EVENT_KINDS) per link.
EVENT_EMAILS = Unsubscribe(
    name="event",
    salt="notices.events.unsubscribe",
    url_name="event_unsubscribe",
    describe=_describe,
    is_off=_is_off,
    turn_off=_turn_off,
)


def unsubscribe_token(user: User, kind: str) -> str:
    return EVENT_EMAILS.token(user.pk, EVENT_KINDS.index(kind))
