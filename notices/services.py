"""Recording what a partner shared, and telling the other partner about it by email when they
asked for that: at most one email an hour, sent once, listing what is new in neutral words."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime, time
from functools import partial
from time import monotonic
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import emails, outbox
from core.registry import READABLE, Readable
from core.unsubscribe import Key, Unsubscribe
from couples.models import Couple, Membership, User
from notices import push, tasks
from notices.models import (
    INTERVAL,
    Channel,
    Kind,
    Notice,
    NoticeEmail,
    NotificationPreference,
    Unread,
    in_words,
)
from notices.quiet import next_allowed

# Most people one beat tick sends to; the rest wait for the next minute.
BATCH = 500


# The kinds a person chooses a channel for, in the order settings and the question show them.
KINDS = [kind.value for kind in Kind]

# What a partner's act makes new to the reader, and where in Hearth they look at it.
AREAS: dict[str, str] = {
    Notice.Kind.ENTRY: Unread.Area.CHECKINS,
    Notice.Kind.PROPOSAL: Unread.Area.AGREEMENTS,
    Notice.Kind.ANSWER: Unread.Area.AGREEMENTS,
}


def wants(user: User | int, kind: str, channel: str = Channel.EMAIL) -> bool:
    """Whether the person hears of `kind` on `channel`, as they chose it now (asked at send
    time, so a choice changed after something was queued still counts)."""
    return NotificationPreference.wants(user, kind, channel)


@transaction.atomic
def save_preferences(
    *,
    user: User,
    channels: dict[str, str],
    quiet_start: time | None,
    quiet_end: time | None,
) -> NotificationPreference:
    """Store the person's choices (and that they were asked). Turning the "something new" email
    off drops what waited for it."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={
            **{kind: channels.get(kind, Channel.HEARTH) for kind in KINDS},
            "quiet_start": quiet_start,
            "quiet_end": quiet_end,
            "asked": True,
        },
    )
    if preference.shared != Channel.EMAIL:
        _forget_waiting(user.pk)
    return preference


def decide_later(*, user: User) -> None:
    """The person put the question off: nothing is switched on, and it is not put again."""
    NotificationPreference.objects.get_or_create(user=user, defaults={"asked": True})
    NotificationPreference.objects.filter(user=user).update(asked=True)


def set_email_me(*, user: User, email_me: bool) -> None:
    """Switch the "something new" email on or off, leaving every other choice as it was."""
    with transaction.atomic():
        NotificationPreference.objects.get_or_create(user=user)
        NotificationPreference.objects.filter(user=user).update(
            shared=Channel.EMAIL if email_me else Channel.HEARTH
        )
        if not email_me:
            _forget_waiting(user.pk)


def was_asked(user: User | int) -> bool:
    user_id = user if isinstance(user, int) else user.pk
    return NotificationPreference.objects.filter(user_id=user_id, asked=True).exists()


def seen(*, reader: User | int, area: str) -> None:
    """The reader looked at `area`: what was new to them there is not any more. Nobody else
    learns of it."""
    reader_id = reader if isinstance(reader, int) else reader.pk
    Unread.objects.filter(reader_id=reader_id, area=area).delete()


def mark_new(*, couple: Couple, actor: User, area: str, kind: str, thing_id: int) -> None:
    """Inside the caller's transaction: what `actor` did is new to each other member of
    `couple` in `area` (an unread marker, for them alone), without any email."""
    Unread.objects.bulk_create(
        (
            Unread(reader_id=user_id, couple=couple, area=area, kind=kind, thing_id=thing_id)
            for user_id in Membership.objects.filter(couple=couple)
            .exclude(user=actor)
            .values_list("user_id", flat=True)
        ),
        ignore_conflicts=True,
    )


def _forget_waiting(user_id: int) -> None:
    """Someone who switched the email off is told nothing of what waited for it."""
    Notice.objects.filter(recipient_id=user_id, email__isnull=True).delete()


def record(*, couple: Couple, actor: User, kind: str, thing_id: int) -> None:
    """Note, inside the caller's transaction, that `actor` shared something: it is new to each
    other member of `couple` (an unread marker), and those who want the email get a notice,
    sent once the transaction commits. Recording one event twice leaves one of each (the
    unique keys)."""
    members = list(
        Membership.objects.filter(couple=couple)
        .exclude(user=actor)
        .values_list(
            "user_id",
            "user__notification_preference__shared",
            "user__notification_preference__agreement",
        )
    )
    Unread.objects.bulk_create(
        (
            Unread(reader_id=user_id, couple=couple, area=AREAS[kind], kind=kind, thing_id=thing_id)
            for user_id, _channel, _agreement in members
            if kind in AREAS
        ),
        ignore_conflicts=True,
    )
    # A proposal is told by the "an agreement awaits your answer" message to whoever hears of
    # those by email or push (notices.events): never a second message for the same act.
    others = [
        (user_id, channel)
        for user_id, channel, agreement in members
        if not (kind == Notice.Kind.PROPOSAL and agreement in (Channel.EMAIL, Channel.PUSH))
    ]
    recipients = [user_id for user_id, channel in others if channel == Channel.EMAIL]
    for user_id in (user_id for user_id, channel in others if channel == Channel.PUSH):
        transaction.on_commit(partial(_push_shared, user_id, kind))
    Notice.objects.bulk_create(
        (
            Notice(recipient_id=user_id, couple=couple, kind=kind, thing_id=thing_id)
            for user_id in recipients
        ),
        ignore_conflicts=True,
    )
    for user_id in recipients:
        transaction.on_commit(partial(tasks.send_notices.delay, user_id))


def _push_shared(user_id: int, kind: str) -> None:
    """The push a person who chose it gets for what their partner shared: the email's neutral
    words, held by their quiet hours (`notices.push` collapses and sends it)."""
    preference = NotificationPreference.objects.select_related("user").get(user_id=user_id)
    now = timezone.now()
    until = quiet_until(preference, now)
    push.queue(
        user_id,
        kind=Kind.SHARED,
        title=_("Something new in your space"),
        body=in_words(kind, 1),
        url=reverse("home"),
        not_before=until if until > now else None,
    )


def send_waiting(*, recipient_id: int, now: datetime) -> bool:
    """Tell the person what is new, if they still want it and their last email was at least an
    hour ago; otherwise it waits. Returns whether an email went out."""
    email = _gather(recipient_id, now)
    return email is not None and send_emails(email_ids=[email.pk], now=now) == 1


def _readable(notices: list[Notice], membership: Membership | None) -> list[Notice]:
    """The notices whose thing the person may read now, in the couple they are in now (they may
    have left it since), as the app that owns the thing says (`core.registry.readable`): one
    question per app, however many kinds it answers for."""
    if membership is None:
        return []
    ours = [n for n in notices if n.couple_id == membership.couple_id and n.kind in READABLE]
    asked: dict[Readable, set[int]] = defaultdict(set)
    for notice in ours:
        asked[READABLE[notice.kind]].add(notice.thing_id)
    readable = {check: check(membership, ids) for check, ids in asked.items()}
    return [n for n in ours if n.thing_id in readable[READABLE[n.kind]]]


@transaction.atomic
def _gather(recipient_id: int, now: datetime) -> NoticeEmail | None:
    """Put the person's waiting notices into one new email, or None when nothing is to be said
    or their hour has not passed. Notices of things they may no longer read are dropped."""
    waiting = list(Notice.objects.filter(recipient_id=recipient_id, email__isnull=True))
    if not waiting:
        return None
    preference = NotificationPreference.objects.filter(user_id=recipient_id).select_related("user")
    found = preference.filter(shared=Channel.EMAIL).first()
    if found is None:
        _forget_waiting(recipient_id)
        return None
    if quiet_until(found, now) > now:
        # Inside their quiet hours: it all waits, and beat gathers it once they end.
        return None
    membership = Membership.objects.filter(user_id=recipient_id).first()
    readable = _readable(waiting, membership)
    Notice.objects.filter(pk__in=[n.pk for n in waiting if n not in readable]).delete()
    if not readable:
        return None
    # The claim: one email may start per hour, and exactly one of two runs at once starts it.
    started = (
        NotificationPreference.objects.filter(user_id=recipient_id, shared=Channel.EMAIL)
        .filter(Q(last_emailed_at__isnull=True) | Q(last_emailed_at__lte=now - INTERVAL))
        .update(last_emailed_at=now)
    )
    if not started:
        return None
    email = NoticeEmail.objects.create(recipient_id=recipient_id, created_at=now)
    Notice.objects.filter(pk__in=[n.pk for n in readable], email__isnull=True).update(email=email)
    return email


def send_emails(*, email_ids: list[int], now: datetime, started: float | None = None) -> int:
    """Send the emails among `email_ids` that this call wins the claim of, through the outbox
    (core/outbox.py); what it did not reach in time goes to a follow-up task. Returns how many
    went out."""
    outcome = outbox.send(
        NoticeEmail.objects.select_related("recipient"),
        email_ids,
        now=now,
        letters=_notice_letters,
        started=started,
    )
    if outcome.left:
        transaction.on_commit(partial(tasks.send_notice_emails.delay, outcome.left))
    return outcome.sent


def _notice_letters(
    notice_emails: list[NoticeEmail],
) -> Iterator[tuple[NoticeEmail, EmailMultiAlternatives]]:
    """The emails of the claimed rows whose person still wants them now, as a member of a
    space; the rest are dropped unsent with their notices (they turned the email off, left,
    or deleted their account while it waited)."""
    recipients = {email.recipient_id for email in notice_emails}
    still = set(
        Membership.objects.filter(
            user_id__in=recipients, user__notification_preference__shared=Channel.EMAIL
        ).values_list("user_id", flat=True)
    )
    dropped = [email.pk for email in notice_emails if email.recipient_id not in still]
    if dropped:
        Notice.objects.filter(email_id__in=dropped).delete()
        NoticeEmail.objects.filter(pk__in=dropped, sent_at__isnull=True).delete()
    kept = [email for email in notice_emails if email.recipient_id in still]
    kinds: dict[int, Counter[str]] = defaultdict(Counter)
    for email_id, kind in Notice.objects.filter(email__in=kept).values_list("email_id", "kind"):
        assert email_id is not None
        kinds[email_id][kind] += 1
    return ((email, notice_message(email, kinds[email.pk])) for email in kept)


def send_due(*, now: datetime) -> int:
    """Run by beat every minute: send what waited for someone's hour to pass, and again what
    was never sent (a lost message, a worker that died). Returns how many emails went out."""
    started = monotonic()
    waiting_for = (
        Notice.objects.filter(
            email__isnull=True, recipient__notification_preference__shared=Channel.EMAIL
        )
        .filter(
            Q(recipient__notification_preference__last_emailed_at__isnull=True)
            | Q(recipient__notification_preference__last_emailed_at__lte=now - INTERVAL)
        )
        .values_list("recipient_id", flat=True)
        .distinct()[:BATCH]
    )
    gathered = [email.pk for pk in list(waiting_for) if (email := _gather(pk, now)) is not None]
    unsent = NoticeEmail.objects.filter(
        NoticeEmail.claimable(now), created_at__lte=now - NoticeEmail.REQUEUE_AFTER
    ).values_list("pk", flat=True)[:BATCH]
    return send_emails(email_ids=gathered + list(unsent), now=now, started=started)


def notice_message(email: NoticeEmail, kinds: Counter[str]) -> EmailMultiAlternatives:
    recipient = email.recipient
    unsubscribe_url = NOTICE_EMAILS.url(recipient.pk)
    ctx = {
        "recipient": recipient,
        "news": [in_words(kind, count) for kind, count in sorted(kinds.items())],
        "link": settings.SITE_URL + reverse("home"),
        "unsubscribe_url": unsubscribe_url,
    }
    message = emails.make_message("partner-shared", recipient.email, ctx)
    emails.one_click_unsubscribe(message, unsubscribe_url)
    return message


def quiet_until(preference: NotificationPreference, now: datetime) -> datetime:
    """When the person's quiet hours let Hearth reach them: `now` when outside them."""
    return next_allowed(
        now, ZoneInfo(preference.user.time_zone), preference.quiet_start, preference.quiet_end
    )


def _is_off(key: Key) -> bool:
    (user_id,) = key
    return not wants(user_id, Kind.SHARED)


@transaction.atomic
def _turn_off(key: Key) -> bool:
    """Switch the email off for the person `key` names; False when it was already off."""
    (user_id,) = key
    _forget_waiting(user_id)
    return bool(
        NotificationPreference.objects.filter(user_id=user_id, shared=Channel.EMAIL).update(
            shared=Channel.HEARTH
        )
    )


# The whole email, for the person the link names.
NOTICE_EMAILS = Unsubscribe(
    name="notice",
    salt="notices.unsubscribe",
    url_name="notice_unsubscribe",
    describe=lambda key: {},
    is_off=_is_off,
    turn_off=_turn_off,
)


def unsubscribe_token(user: User) -> str:
    return NOTICE_EMAILS.token(user.pk)
