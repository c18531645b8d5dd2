"""Every email Hearth sends says only what its settings promise: who, when and a link. The
couple's own words (a schedule's title, an agreement, a pause's phrase, the space's name) are
read behind the link, after signing in. Each email is made the way Hearth makes it, from a
couple whose every written field holds a planted word, and none may carry that word."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.test import Client, override_settings
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from agreements import services as agreements
from agreements.models import Category
from checkins import services as checkins
from checkins.models import current_week
from couples import services as couples
from couples.models import Couple, Membership, User
from couples.tasks import send_partner_left
from notices import services as notices
from notices.models import Channel, NotificationPreference
from schedules.models import ReminderDelivery, Schedule
from schedules.services import reminder_message
from toolkit import services as toolkit

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
    return [m for m in mail.outbox if m.subject.endswith(": something new in your space")]


def a_turn(couple: Couple, alice: User, bob: User) -> list[EmailMessage]:
    NotificationPreference.objects.filter(user=bob).update(turn=Channel.EMAIL)
    membership = Membership.objects.get(user=alice)
    checkin = checkins.open_week(membership=membership, monday=current_week(couple))
    assert checkin is not None
    fields = {name: "" for name in checkins.ENTRY_FIELDS}
    fields.update(small_win=f"A {PLANTED} walk", challenge=f"Too much {PLANTED}")
    checkins.write_entry(checkin=checkin, couple=couple, author=alice, fields=fields, share=True)
    return mail.outbox


def a_repair_follow_up(couple: Couple, alice: User, bob: User) -> list[EmailMessage]:
    NotificationPreference.objects.filter(user=alice).update(repair=Channel.EMAIL)
    toolkit.record_repair(
        couple=couple,
        author=bob,
        acknowledgement=PLANTED,
        apology=PLANTED,
        plan=PLANTED,
        follow_up_on=timezone.localdate(timezone.now(), ZoneInfo(couple.time_zone)),
    )
    toolkit.tell_follow_ups_due(now=timezone.now())
    return mail.outbox


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
    "turn": a_turn,
    "repair-follow-up": a_repair_follow_up,
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


def the_signup_confirmation(alice: User, alice_client: Client) -> list[EmailMessage]:
    signup = {
        "email": "fay@example.com",
        "display_name": "Fay",
        "time_zone": "Europe/Berlin",
        "password1": "a quiet walk by the river",
        "password2": "a quiet walk by the river",
    }
    Client().post("/accounts/signup/", signup)
    return mail.outbox


def an_added_address_confirmation(alice: User, alice_client: Client) -> list[EmailMessage]:
    alice_client.post("/accounts/email/", {"action_add": "", "email": "alice.new@example.com"})
    return mail.outbox


def a_password_reset(alice: User, alice_client: Client) -> list[EmailMessage]:
    Client().post("/accounts/password/reset/", {"email": alice.email})
    return mail.outbox


def a_reset_for_an_unknown_address(alice: User, alice_client: Client) -> list[EmailMessage]:
    Client().post("/accounts/password/reset/", {"email": "nobody@example.com"})
    return mail.outbox


def a_second_signup_with_a_known_address(alice: User, alice_client: Client) -> list[EmailMessage]:
    signup = {
        "email": alice.email,
        "display_name": "Alice",
        "time_zone": "Europe/Berlin",
        "password1": "a quiet walk by the river",
        "password2": "a quiet walk by the river",
    }
    Client().post("/accounts/signup/", signup)
    return mail.outbox


ACCOUNT_EMAILS = {
    "signup confirmation": the_signup_confirmation,
    "added address confirmation": an_added_address_confirmation,
    "password reset": a_password_reset,
    "unknown address": a_reset_for_an_unknown_address,
    "known address signing up": a_second_signup_with_a_known_address,
}

SITE_NAME = "Juniper House"
# A host, with or without its port, said anywhere but inside a link.
HOST = re.compile(r"127\.0\.0\.1|localhost|testserver|\b[\w.-]+\.[a-z]{2,}:\d+", re.IGNORECASE)


def both_parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and the HTML body of `message`."""
    assert isinstance(message, EmailMultiAlternatives)
    html = [content for content, kind in message.alternatives if kind == "text/html"]
    assert len(html) == 1, message.alternatives
    return str(message.body), str(html[0])


def words_outside_links(text: str) -> str:
    return re.sub(r"https?://\S+|href=\"[^\"]*\"", "", text)


def assert_signed_by_the_site(message: EmailMessage) -> None:
    text, html = both_parts(message)
    assert "Hello" in text
    assert "<" not in words_outside_links(text), text
    assert html.startswith("<!doctype html>"), html
    assert "<link" not in html, "mail apps drop stylesheets: the HTML part styles inline"
    assert "<style" not in html
    assert f"Warmly,\n{SITE_NAME}" in text, text
    assert SITE_NAME in html, html
    for said in (str(message.subject), words_outside_links(text), words_outside_links(html)):
        assert not HOST.search(said), said


@pytest.mark.parametrize("name", sorted(EMAILS))
@override_settings(SITE_NAME=SITE_NAME)
def test_an_email_has_a_text_and_an_html_part_signed_with_the_sites_name(
    name: str,
    couple: Couple,
    alice: User,
    bob: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = EMAILS[name](couple, alice, bob)
    assert sent
    for message in sent:
        assert_signed_by_the_site(message)


@pytest.mark.parametrize("kind", sorted(ACCOUNT_EMAILS))
@override_settings(SITE_NAME=SITE_NAME)
def test_an_account_email_speaks_as_hearth_does(
    kind: str, alice: User, alice_client: Client
) -> None:
    sent = ACCOUNT_EMAILS[kind](alice, alice_client)
    assert len(sent) == 1
    message = sent[0]
    assert_signed_by_the_site(message)
    assert message.subject.startswith(f"{SITE_NAME}: ")
    # No library phrasing left over: allauth says "Hello from <host>!" and "Thank you for using".
    text, html = both_parts(message)
    for part in (text, html):
        assert "Hello from" not in part
        assert "Thank you for using" not in part
        assert part.count("http") >= 1  # the link the email is for


def test_the_sites_name_defaults_to_hearth() -> None:
    assert settings.SITE_NAME == "Hearth"
