"""Every email Hearth sends says only what its settings promise: who, when and a link. The
couple's own words (a schedule's title, an agreement, a pause's phrase, the space's name) are
read behind the link, after signing in. Each email is made the way Hearth makes it, from a
couple whose every written field holds a planted word, and none may carry that word."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from agreements import services as agreements
from agreements.models import Category
from couples import services as couples
from couples.models import Couple, Membership, User
from couples.tasks import send_partner_left
from notices import services as notices
from notices.models import Channel, NotificationPreference
from schedules.models import ReminderDelivery, Schedule
from schedules.services import reminder_message

PLANTED = "marigold"


def everything_said(message: EmailMessage) -> str:
    """Subject, headers' display words, every body part and every attachment, as one text."""
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    parts = [str(parsed["Subject"])]
    for part in parsed.walk():
        if not part.is_multipart():
            content = part.get_content()
            parts.append(content.decode() if isinstance(content, bytes) else content)
    return "\n".join(parts)


@pytest.fixture
def planted(couple: Couple, alice: User, bob: User) -> Couple:
    couple.name = f"The {PLANTED.title()} house"
    couple.save()
    return couple


def an_invitation(couple: Couple, alice: User, bob: User) -> list[EmailMessage]:
    Membership.objects.filter(user=bob).delete()
    couples.invite_partner(couple=couple, inviter=alice, email="fay@example.com")
    return mail.outbox


def a_proposal_and_its_expiry(couple: Couple, alice: User, bob: User) -> list[EmailMessage]:
    proposal = agreements.create_agreement(
        couple=couple,
        by=alice,
        title=f"No {PLANTED} talk after ten",
        category=Category.HOME,
        terms=agreements.Terms(text=f"We leave {PLANTED} for the weekend.", note=PLANTED),
    )
    agreements.email_awaiting_partner(proposal)
    agreements.email_expiry(proposal)
    return mail.outbox


def a_pause(couple: Couple, alice: User, bob: User) -> list[EmailMessage]:
    NotificationPreference.objects.filter(user=bob).update(pause=Channel.EMAIL)
    pause, _started = agreements.start_pause(
        couple=couple, sender=alice, phrase=f"I feel flooded about {PLANTED}", minutes=30
    )
    agreements.send_pause_email(pause)
    return mail.outbox


def a_reminder(couple: Couple, alice: User, bob: User) -> list[EmailMessage]:
    schedule = Schedule.objects.for_couple(couple).get()
    schedule.title = f"Talking about {PLANTED}"
    schedule.save()
    delivery = ReminderDelivery.objects.create(
        schedule=schedule,
        occurrence_start=timezone.now() + timedelta(hours=1),
        recipient=bob,
        offset_minutes=60,
    )
    return [reminder_message(delivery)]


def a_share_notice(couple: Couple, alice: User, bob: User) -> list[EmailMessage]:
    notices.set_email_me(user=alice, email_me=True)
    notices.set_email_me(user=bob, email_me=True)
    proposal = agreements.create_agreement(
        couple=couple,
        by=alice,
        title=f"No {PLANTED} talk after ten",
        category=Category.HOME,
        terms=agreements.Terms(text=f"We leave {PLANTED} for the weekend.", note=PLANTED),
    )
    agreements.decline(
        agreement=proposal.agreement, proposal_id=proposal.pk, by=bob, reason=PLANTED
    )
    for person in (alice, bob):
        notices.send_waiting(recipient_id=person.pk, now=timezone.now())
    return [m for m in mail.outbox if m.subject == "Hearth: something new in your space"]


def a_partner_leaving(couple: Couple, alice: User, bob: User) -> list[EmailMessage]:
    stays = Membership.objects.get(user=alice).pk
    send_partner_left(stays, False)
    send_partner_left(stays, True)
    return mail.outbox


EMAILS = {
    "invitation": an_invitation,
    "partner-left": a_partner_leaving,
    "agreement-proposal": a_proposal_and_its_expiry,
    "agreement-expired": a_proposal_and_its_expiry,
    "pause": a_pause,
    "reminder": a_reminder,
    "partner-shared": a_share_notice,
}


def test_every_email_template_is_read_here() -> None:
    folder = Path(settings.BASE_DIR) / "templates" / "emails"
    names = {path.name.removesuffix("-subject.txt") for path in folder.glob("*-subject.txt")}
    assert names == set(EMAILS)


@pytest.mark.parametrize("name", sorted(EMAILS))
def test_an_email_says_nothing_the_couple_wrote(
    name: str,
    planted: Couple,
    alice: User,
    bob: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = EMAILS[name](planted, alice, bob)
    assert sent, f"no {name} email was made"
    for message in sent:
        said = everything_said(message)
        assert PLANTED not in said.lower(), said
        assert settings.SITE_URL in said


@pytest.mark.parametrize("path", ["/accounts/password/reset/", "/accounts/email/"])
def test_account_emails_say_nothing_the_couple_wrote(
    path: str, planted: Couple, alice: User, alice_client: Client
) -> None:
    if path == "/accounts/password/reset/":
        Client().post(path, {"email": alice.email})
    else:
        alice_client.post(path, {"action_add": "", "email": "alice.new@example.com"})
    assert mail.outbox
    assert all(PLANTED not in everything_said(message).lower() for message in mail.outbox)
