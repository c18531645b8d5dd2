"""Recording what a partner shared, and telling the other partner about it by email when they
asked for that: at most one email an hour, sent once, listing what is new in neutral words."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementVersion
from checkins.models import Entry
from core import emails
from couples.models import Couple, Membership, User
from notices import tasks
from notices.models import INTERVAL, Notice, NoticeEmail, NoticePreference, in_words

UNSUBSCRIBE_SALT = "notices.unsubscribe"
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
    return email is not None and deliver(email_id=email.pk, now=now)


def _readable(notices: list[Notice], membership: Membership | None) -> list[Notice]:
    """The notices whose thing the person may read now, through the same rules as every page
    (`visible_to`), in the couple they are in now: they may have left it since."""
    if membership is None:
        return []
    ours = [n for n in notices if n.couple_id == membership.couple_id]
    entries = set(
        Entry.objects.visible_to(membership)
        .filter(pk__in=[n.thing_id for n in ours if n.kind == Notice.Kind.ENTRY])
        .values_list("pk", flat=True)
    )
    versions = set(
        AgreementVersion.objects.visible_to(membership)
        .filter(pk__in=[n.thing_id for n in ours if n.kind != Notice.Kind.ENTRY])
        .values_list("pk", flat=True)
    )
    return [n for n in ours if n.thing_id in (entries if n.kind == Notice.Kind.ENTRY else versions)]


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


def _claimable(now: datetime) -> Q:
    return Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - NoticeEmail.LEASE)


def deliver(*, email_id: int, now: datetime) -> bool:
    """Send one email if this call wins the claim (a conditional UPDATE); a claim is taken over
    only when its holder's lease ran out. Returns whether the email went out."""
    claimed = NoticeEmail.objects.filter(_claimable(now), pk=email_id, sent_at__isnull=True).update(
        claimed_at=now
    )
    if not claimed:
        return False
    email = NoticeEmail.objects.select_related("recipient").get(pk=email_id)
    kinds = Counter(email.notices.values_list("kind", flat=True))
    message = notice_message(email, kinds)
    message.send()
    NoticeEmail.objects.filter(pk=email_id, claimed_at=now).update(sent_at=timezone.now())
    return True


def send_due(*, now: datetime) -> int:
    """Run by beat every minute: send what waited for someone's hour to pass, and again what
    was never sent (a lost message, a worker that died). Returns how many emails went out."""
    waiting_for = (
        Notice.objects.filter(email__isnull=True, recipient__notice_preference__email_me=True)
        .filter(
            Q(recipient__notice_preference__last_emailed_at__isnull=True)
            | Q(recipient__notice_preference__last_emailed_at__lte=now - INTERVAL)
        )
        .values_list("recipient_id", flat=True)
        .distinct()[:BATCH]
    )
    sent = sum(send_waiting(recipient_id=pk, now=now) for pk in list(waiting_for))
    unsent = NoticeEmail.objects.filter(
        _claimable(now), sent_at__isnull=True, created_at__lte=now - NoticeEmail.REQUEUE_AFTER
    ).values_list("pk", flat=True)[:BATCH]
    return sent + sum(deliver(email_id=pk, now=now) for pk in list(unsent))


def notice_message(email: NoticeEmail, kinds: Counter[str]) -> EmailMultiAlternatives:
    recipient = email.recipient
    unsubscribe_url = settings.SITE_URL + reverse(
        "notice_unsubscribe", args=[unsubscribe_token(recipient)]
    )
    ctx = {
        "recipient": recipient,
        "news": [in_words(kind, count) for kind, count in sorted(kinds.items())],
        "link": settings.SITE_URL + reverse("home"),
        "unsubscribe_url": unsubscribe_url,
    }
    message = emails.make_message("partner-shared", recipient.email, ctx)
    domain = urlsplit(settings.SITE_URL).hostname or "hearth"
    # Stable per email: should a send ever be repeated, mail systems see the same message.
    message.extra_headers["Message-ID"] = f"<notice-{email.pk}@{domain}>"
    emails.one_click_unsubscribe(message, unsubscribe_url)
    return message


def unsubscribe_token(user: User) -> str:
    return signing.dumps([user.pk], salt=UNSUBSCRIBE_SALT, compress=False)


def read_unsubscribe_token(token: str) -> int | None:
    try:
        (user_id,) = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(user_id)
    except (signing.BadSignature, ValueError, TypeError):
        return None


@transaction.atomic
def turn_off(*, user_id: int) -> bool:
    """Switch the email off for one person; False when it was already off."""
    _forget_waiting(user_id)
    return bool(
        NoticePreference.objects.filter(user_id=user_id, email_me=True).update(email_me=False)
    )
