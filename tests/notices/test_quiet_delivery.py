"""Quiet hours as people live them: nothing arrives inside them; what waited arrives once,
together, when they end; a reminder of a conversation inside them comes just before they
begin. Alice lives in Berlin, Bob in New York; the windows are read in each one's own zone,
also on the nights the clocks change."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage

from couples.models import Couple, User
from notices import push, services, tasks
from notices.models import Channel, NotificationPreference
from schedules import tasks as schedule_tasks
from tests.support.notices import Capture, propose, sent_to
from tests.support.schedules import make_schedule


def quiet(user: User, start: time = time(22), end: time = time(8)) -> None:
    NotificationPreference.objects.filter(user=user).update(
        shared=Channel.EMAIL, agreement=Channel.HEARTH, quiet_start=start, quiet_end=end
    )


def reminders_to(user: User) -> list[EmailMessage]:
    return [m for m in mail.outbox if m.subject.startswith("Reminder") and user.email in m.to]


def test_a_share_inside_the_partners_quiet_hours_waits_and_goes_out_once_collapsed(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    quiet(bob)
    # 05:00 in Alice's Berlin, 23:00 in Bob's New York.
    clock.move_to(datetime(2026, 11, 26, 4, 0, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice, "Phones at dinner")
    clock.move_to(datetime(2026, 11, 26, 6, 0, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice, "Screens in the bedroom")
    assert sent_to(bob) == []
    clock.move_to(datetime(2026, 11, 26, 12, 59, tzinfo=UTC))  # 07:59 in New York
    tasks.send_due_notices()
    assert sent_to(bob) == []

    clock.move_to(datetime(2026, 11, 26, 13, 0, tzinfo=UTC))  # 08:00 in New York
    tasks.send_due_notices()
    tasks.send_due_notices()
    [email] = sent_to(bob)
    assert "Your partner proposed wording for 2 agreements." in email.body
    assert "Phones" not in email.body
    assert "Screens" not in email.body


def test_on_the_night_the_clocks_go_back_quiet_hours_end_at_eight_winter_time(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    quiet(bob)
    # 23:00 EDT on Saturday 31 October 2026; New York falls back to EST at 02:00 that night.
    clock.move_to(datetime(2026, 11, 1, 3, 0, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice)
    clock.move_to(datetime(2026, 11, 1, 12, 0, tzinfo=UTC))  # 07:00 EST (08:00 by summer time)
    tasks.send_due_notices()
    assert sent_to(bob) == []
    clock.move_to(datetime(2026, 11, 1, 13, 0, tzinfo=UTC))  # 08:00 EST
    tasks.send_due_notices()
    assert len(sent_to(bob)) == 1


def test_a_reminder_inside_quiet_hours_waits_for_their_end_across_the_spring_change(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    couple.schedules.all().delete()
    quiet(bob)
    # Sunday 8 March 2026, the day New York springs forward: the talk at 08:30 EDT (12:30 UTC),
    # its reminder two hours before, at 06:30 EDT, inside Bob's quiet hours (until 08:00 EDT).
    make_schedule(
        couple,
        at=time(8, 30),
        time_zone="America/New_York",
        offsets=(120,),
        now=datetime(2026, 3, 7, 12, 0, tzinfo=UTC),
    )

    def tick(hour: int, minute: int) -> None:
        clock.move_to(datetime(2026, 3, 8, hour, minute, tzinfo=UTC))
        with django_capture_on_commit_callbacks(execute=True):
            schedule_tasks.dispatch_reminders()

    tick(10, 30)
    assert len(reminders_to(alice)) == 1  # 11:30 in Berlin: no quiet hours
    assert reminders_to(bob) == []
    tick(11, 59)  # 07:59 EDT
    assert reminders_to(bob) == []
    tick(12, 0)  # 08:00 EDT, the end of Bob's quiet hours
    assert len(reminders_to(bob)) == 1
    tick(12, 5)
    assert len(reminders_to(bob)) == 1
    assert len(reminders_to(alice)) == 1


def test_a_conversation_inside_quiet_hours_is_reminded_of_just_before_they_begin(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    couple.schedules.all().delete()
    quiet(alice)
    quiet(bob)
    # Sunday 15 November 2026 at 23:00 in New York (04:00 UTC Monday, 05:00 in Berlin), with a
    # reminder an hour before: inside both partners' quiet hours, which begin at 22:00 in each
    # one's zone (21:00 UTC for Alice, 03:00 UTC for Bob).
    make_schedule(
        couple,
        at=time(23, 0),
        time_zone="America/New_York",
        offsets=(60,),
        now=datetime(2026, 11, 10, 12, 0, tzinfo=UTC),
    )

    def tick(day: int, hour: int, minute: int) -> None:
        clock.move_to(datetime(2026, 11, day, hour, minute, tzinfo=UTC))
        with django_capture_on_commit_callbacks(execute=True):
            schedule_tasks.dispatch_reminders()

    tick(15, 20, 57)
    assert reminders_to(alice) == []
    tick(15, 20, 58)  # 21:58 in Berlin
    assert len(reminders_to(alice)) == 1
    assert reminders_to(bob) == []
    tick(16, 2, 58)  # 21:58 in New York
    assert len(reminders_to(bob)) == 1
    tick(16, 3, 0)  # the reminder's own time
    tick(16, 3, 5)
    assert len(reminders_to(alice)) == 1
    assert len(reminders_to(bob)) == 1


def test_choices_are_read_when_sending_not_when_queued(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    quiet(bob)
    clock.move_to(datetime(2026, 11, 26, 4, 0, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice)
    services.set_email_me(user=bob, email_me=False)
    clock.move_to(datetime(2026, 11, 26, 13, 0, tzinfo=UTC))
    tasks.send_due_notices()
    assert sent_to(bob) == []


def test_a_push_inside_quiet_hours_is_queued_for_their_end_with_neutral_words(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queued: list[dict[str, object]] = []
    monkeypatch.setattr(push, "queue", lambda user_id, **kw: queued.append({"to": user_id, **kw}))
    quiet(bob)
    NotificationPreference.objects.filter(user=bob).update(shared=Channel.PUSH)
    clock.move_to(datetime(2026, 11, 26, 4, 0, tzinfo=UTC))  # 23:00 in New York
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice, "Phones at dinner")
    assert queued == [
        {
            "to": bob.pk,
            "kind": "shared",
            "title": "Something new in your space",
            "body": "Your partner proposed wording for an agreement.",
            "url": "/",
            "not_before": datetime(2026, 11, 26, 13, 0, tzinfo=UTC),
        }
    ]
    assert sent_to(bob) == []
