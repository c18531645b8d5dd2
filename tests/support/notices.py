"""The "something new in your space" email: things shared through the services, and the
emails they bring."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from django.core import mail
from django.core.mail import EmailMessage

from agreements import services as agreements
from agreements.models import AgreementVersion, Category
from checkins import services as checkins
from checkins.models import current_week
from couples.models import Couple, Membership, User
from notices import services
from notices.models import Channel, NotificationPreference

# A Wednesday afternoon.
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)

# django_capture_on_commit_callbacks, typed.
Capture = Callable[..., AbstractContextManager[list[Callable[[], object]]]]


def opt_in(*users: User) -> None:
    """Switch the "something new" email on; agreements are heard of inside Hearth, so a
    proposal is told by this email (not by the agreement email, never both)."""
    for user in users:
        services.set_email_me(user=user, email_me=True)
    NotificationPreference.objects.filter(user__in=users).update(agreement=Channel.HEARTH)


def propose(couple: Couple, by: User, title: str = "Phones at dinner") -> AgreementVersion:
    return agreements.create_agreement(
        couple=couple,
        by=by,
        title=title,
        category=Category.DIGITAL,
        terms=agreements.Terms(text="We leave our phones in the hall at dinner."),
    )


def share(couple: Couple, author: User) -> None:
    membership = Membership.objects.get(user=author)
    checkin = checkins.open_week(membership=membership, monday=current_week(couple))
    assert checkin is not None
    fields = {name: "" for name in checkins.ENTRY_FIELDS}
    fields.update(small_win="We walked", challenge="Evenings are rushed")
    checkins.write_entry(checkin=checkin, couple=couple, author=author, fields=fields, share=True)


SUBJECT = "Hearth: something new in your space"


def notice_emails() -> list[EmailMessage]:
    """The "something new" emails sent, leaving out the agreement emails (on by default)."""
    return [message for message in mail.outbox if message.subject == SUBJECT]


def sent_to(user: User) -> list[EmailMessage]:
    return [message for message in notice_emails() if user.email in message.to]
