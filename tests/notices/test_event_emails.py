"""Agreement and pause emails take the one pipeline: queued as rows of the outbox, held by the
recipient's quiet hours, sent once with a stable Message-ID, and the recipient's choice and
membership asked again when they are sent. Bob lives in New York, with quiet hours 22:00-08:00;
Alice in Berlin."""

from __future__ import annotations

from datetime import UTC, datetime, time

import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from pytest_django import Settings

from agreements import services as agreements
from couples.models import Couple, User
from couples.services import leave_couple
from notices import tasks
from notices.models import (
    Channel,
    EventEmail,
    NotificationPreference,
    PushDelivery,
    PushSubscription,
    Unread,
)
from tests.support.notices import Capture, propose

# 23:00 in Bob's New York, 05:00 in Alice's Berlin.
NIGHT = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
# 08:00 in New York: Bob's quiet hours end.
MORNING = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)


def quiet(user: User, **channels: str) -> None:
    NotificationPreference.objects.filter(user=user).update(
        quiet_start=time(22), quiet_end=time(8), **channels
    )


def to(user: User, subject_part: str) -> list[EmailMessage]:
    return [m for m in mail.outbox if user.email in m.to and subject_part in m.subject]


def test_a_proposal_inside_the_recipients_quiet_hours_waits_and_goes_out_once_after(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    quiet(bob)
    clock.move_to(NIGHT)
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice, "Phones at dinner")
    assert to(bob, "awaits your answer") == []
    clock.move_to(datetime(2026, 11, 26, 12, 59, tzinfo=UTC))
    tasks.send_due_event_emails()
    assert to(bob, "awaits your answer") == []

    clock.move_to(MORNING)
    tasks.send_due_event_emails()
    tasks.send_due_event_emails()
    [email] = to(bob, "awaits your answer")
    assert "Phones" not in f"{email.subject} {email.body}"
    row = EventEmail.objects.get(recipient=bob)
    assert email.extra_headers["Message-ID"] == row.stable_message_id
    assert row.stable_message_id.startswith(f"<event-{row.pk}@")
    # The proposer hears nothing of their own proposal.
    assert to(alice, "awaits your answer") == []


def test_outside_quiet_hours_a_proposal_email_goes_out_at_once(
    couple: Couple, alice: User, bob: User, django_capture_on_commit_callbacks: Capture
) -> None:
    quiet(bob)
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice)
    assert len(to(bob, "awaits your answer")) == 1
    tasks.send_due_event_emails()
    assert len(to(bob, "awaits your answer")) == 1


def test_a_person_who_switched_agreements_off_before_the_send_gets_nothing(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    quiet(bob)
    clock.move_to(NIGHT)
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice)
    NotificationPreference.objects.filter(user=bob).update(agreement=Channel.HEARTH)
    clock.move_to(MORNING)
    tasks.send_due_event_emails()
    assert to(bob, "awaits your answer") == []
    assert EventEmail.objects.get(recipient=bob).dropped_at is not None


def test_a_partner_who_left_gets_nothing_that_waited(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    quiet(bob)
    clock.move_to(NIGHT)
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice)
        leave_couple(user=bob)
    mail.outbox.clear()
    clock.move_to(MORNING)
    tasks.send_due_event_emails()
    assert to(bob, "awaits your answer") == []


def test_quiet_hours_hold_a_pause_email_which_goes_out_only_while_the_pause_is_on(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    quiet(bob, pause=Channel.EMAIL)
    # 07:30 in New York: a pause of an hour, still on when Bob's quiet hours end at 08:00.
    clock.move_to(datetime(2026, 11, 26, 12, 30, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        agreements.start_pause(couple=couple, sender=alice, phrase="I need a moment", minutes=60)
    assert to(bob, "A note from your space") == []
    clock.move_to(MORNING)
    tasks.send_due_event_emails()
    [email] = to(bob, "A note from your space")
    assert "I need a moment" not in email.body
    assert "Alice asked for a pause" in email.body


def test_a_pause_that_ended_inside_quiet_hours_is_never_told(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    quiet(bob, pause=Channel.EMAIL)
    clock.move_to(NIGHT)
    with django_capture_on_commit_callbacks(execute=True):
        pause, _started = agreements.start_pause(
            couple=couple, sender=alice, phrase="I need a moment", minutes=20
        )
    clock.move_to(datetime(2026, 11, 26, 4, 30, tzinfo=UTC))
    agreements.end_pause(pause=pause, by=alice)
    clock.move_to(MORNING)
    tasks.send_due_event_emails()
    assert to(bob, "A note from your space") == []


def test_a_person_who_chose_push_gets_a_push_after_their_quiet_hours_and_no_email(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    settings: Settings,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    settings.PUSH_ENABLED = True
    quiet(bob, agreement=Channel.PUSH)
    PushSubscription.objects.create(
        user=bob, endpoint="https://push.example/bob", p256dh="k", auth="a", device="Phone"
    )
    clock.move_to(NIGHT)
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice)
    [push] = PushDelivery.objects.all()
    assert push.not_before == MORNING
    assert push.kind == "agreement"
    assert "Phones" not in f"{push.title} {push.body}"
    assert to(bob, "awaits your answer") == []
    assert not EventEmail.objects.exists()


def test_support_sees_what_waits_in_the_admin_without_anyones_words(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    quiet(bob)
    clock.move_to(NIGHT)
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice, "Phones at dinner")
    staff = User.objects.create_superuser("admin@example.com", "a calm evening walk")
    client = Client()
    client.force_login(staff)
    page = client.get("/admin/notices/eventemail/").content.decode()
    assert "agreement-proposal" in page
    assert "Phones" not in page


def test_a_proposal_is_one_email_for_someone_who_hears_of_both_by_email(
    couple: Couple, alice: User, bob: User, django_capture_on_commit_callbacks: Capture
) -> None:
    NotificationPreference.objects.filter(user=bob).update(
        shared=Channel.EMAIL, agreement=Channel.EMAIL
    )
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice)
    tasks.send_due_notices()
    assert [m.subject for m in mail.outbox if bob.email in m.to] == [
        "Something in Hearth awaits your answer"
    ]
    # Still new to him inside Hearth.
    assert Unread.objects.filter(reader=bob, area=Unread.Area.AGREEMENTS).count() == 1


def test_beat_sends_what_waited_every_minute_and_tells_follow_ups(settings: Settings) -> None:
    from config.celery import app
    from toolkit import tasks as toolkit_tasks

    waited = settings.CELERY_BEAT_SCHEDULE["send-due-event-emails"]
    assert waited["task"] == "notices.tasks.send_due_event_emails"
    assert waited["schedule"] == 60.0
    follow_ups = settings.CELERY_BEAT_SCHEDULE["tell-repair-follow-ups"]
    assert follow_ups["task"] == "toolkit.tasks.tell_follow_ups_due"
    assert app.tasks[waited["task"]].name == tasks.send_due_event_emails.name
    assert app.tasks[follow_ups["task"]].name == toolkit_tasks.tell_follow_ups_due.name
