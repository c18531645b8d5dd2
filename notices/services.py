"""Recording what a partner shared, and telling the other partner about it by email when they
asked for that: at most one email an hour, sent once, listing what is new in neutral words."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from time import monotonic

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from core import emails, outbox
from core.registry import READABLE, Readable
from core.unsubscribe import Key, Unsubscribe
from couples.models import Couple, Membership, User
from notices import tasks
from notices.models import INTERVAL, Notice, NoticeEmail, NoticePreference, in_words

# Most people one beat tick sends to; the rest wait for the next minute.
BATCH = 500


@transaction.atomic
def set_email_me(*, user: User, email_me: bool) -> None:
    NoticePreference.objects.update_or_create(user=user, defaults={"email_me": email_me})
    if not email_me:
        _forget_waiting(user.pk)


def _forget_waiting(user_id: int) -> None:
    """Someone who switched the email off is told nothing of what waited for it."""
    Notice.objects.filter(recipient_id=user_id, email__isnull=True).delete()


def record(*, couple: Couple, actor: User, kind: str, thing_id: int) -> None:
    """Note, inside the caller's transaction, that `actor` shared something for each other
    member of `couple` who wants the email, and have it sent once the transaction commits.
    Recording one event twice leaves one notice (the unique key)."""
    recipients = list(
        Membership.objects.filter(couple=couple, user__notice_preference__email_me=True)
        .exclude(user=actor)
        .values_list("user_id", flat=True)
    )
    Notice.objects.bulk_create(
        (
            Notice(recipient_id=user_id, couple=couple, kind=kind, thing_id=thing_id)
            for user_id in recipients
        ),
        ignore_conflicts=True,
    )
    for user_id in recipients:
        transaction.on_commit(partial(tasks.send_notices.delay, user_id))


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
    if not NoticePreference.objects.filter(user_id=recipient_id, email_me=True).exists():
        _forget_waiting(recipient_id)
        return None
    membership = Membership.objects.filter(user_id=recipient_id).first()
    readable = _readable(waiting, membership)
    Notice.objects.filter(pk__in=[n.pk for n in waiting if n not in readable]).delete()
    if not readable:
        return None
    # The claim: one email may start per hour, and exactly one of two runs at once starts it.
    started = (
        NoticePreference.objects.filter(user_id=recipient_id, email_me=True)
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
    kinds: dict[int, Counter[str]] = defaultdict(Counter)
    for email_id, kind in Notice.objects.filter(email__in=notice_emails).values_list(
        "email_id", "kind"
    ):
        assert email_id is not None
        kinds[email_id][kind] += 1
    return ((email, notice_message(email, kinds[email.pk])) for email in notice_emails)


def send_due(*, now: datetime) -> int:
    """Run by beat every minute: send what waited for someone's hour to pass, and again what
    was never sent (a lost message, a worker that died). Returns how many emails went out."""
    started = monotonic()
    waiting_for = (
        Notice.objects.filter(email__isnull=True, recipient__notice_preference__email_me=True)
        .filter(
            Q(recipient__notice_preference__last_emailed_at__isnull=True)
            | Q(recipient__notice_preference__last_emailed_at__lte=now - INTERVAL)
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


def _is_off(key: Key) -> bool:
    (user_id,) = key
    return not NoticePreference.wants_email(user_id)


@transaction.atomic
def _turn_off(key: Key) -> bool:
    """Switch the email off for the person `key` names; False when it was already off."""
    (user_id,) = key
    _forget_waiting(user_id)
    return bool(
        NoticePreference.objects.filter(user_id=user_id, email_me=True).update(email_me=False)
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
