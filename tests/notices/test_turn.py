""" "It's your turn in this week's check-in": told when the partner's act leaves the next step to
the reader, in neutral words, never beside the "shared" email for the same act, and only while
the step is still theirs when it is sent."""

from __future__ import annotations

from datetime import UTC, datetime, time

import time_machine
from django.core import mail
from django.core.mail import EmailMessage

from checkins import services as checkins
from checkins.models import CheckIn, Entry
from couples.models import Couple, User
from notices import tasks
from notices.models import Channel, NotificationPreference
from tests.support.notices import Capture, sent_to, share

TURN = "Hearth: your turn in this week's check-in"


def turns(user: User) -> list[EmailMessage]:
    return [m for m in mail.outbox if user.email in m.to and m.subject == TURN]


def choose(*users: User, **extra: object) -> None:
    NotificationPreference.objects.filter(user__in=users).update(
        turn=Channel.EMAIL, shared=Channel.EMAIL, **extra
    )


def test_each_act_that_leaves_the_next_step_to_the_partner_tells_them_once(
    couple: Couple, alice: User, bob: User, django_capture_on_commit_callbacks: Capture
) -> None:
    choose(alice, bob)
    with django_capture_on_commit_callbacks(execute=True):
        share(couple, alice)
    [email] = turns(bob)
    assert "This week's check-in is waiting for your part." in email.body
    assert "Your partner shared this week's check-in." in email.body
    assert turns(alice) == []

    # Bob's share opens both entries: Alice hears of it once, by the "shared" email alone.
    with django_capture_on_commit_callbacks(execute=True):
        share(couple, bob)
    assert len(sent_to(alice)) == 1
    assert turns(alice) == []
    assert len(turns(bob)) == 1

    bobs = Entry.objects.get(author=bob)
    with django_capture_on_commit_callbacks(execute=True):
        reflection = checkins.reflect(
            entry=bobs, couple=couple, listener=alice, heard="Evenings feel rushed to you."
        )
    assert len(turns(bob)) == 2
    assert "waits for your answer" in turns(bob)[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        checkins.answer_reflection(
            reflection=reflection,
            couple=couple,
            author=bob,
            answer="not_quite",
            clarification="More the mornings.",
        )
    [again] = turns(alice)
    assert "told you a little more" in again.body
    with django_capture_on_commit_callbacks(execute=True):
        second = checkins.reflect(
            entry=bobs, couple=couple, listener=alice, heard="Mornings feel rushed to you."
        )
    assert len(turns(bob)) == 3
    with django_capture_on_commit_callbacks(execute=True):
        checkins.answer_reflection(
            reflection=second, couple=couple, author=bob, answer="yes", clarification=""
        )
    assert len(turns(alice)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        checkins.propose_next_step(
            checkin=CheckIn.objects.get(couple=couple), couple=couple, by=bob, text="A walk"
        )
    assert len(turns(alice)) == 2
    assert "proposed a small step" in turns(alice)[-1].body
    tasks.send_due_event_emails()
    assert len(turns(alice)) == 2
    assert len(turns(bob)) == 3
    for message in mail.outbox:
        for words in ("We walked", "Evenings", "Mornings", "the mornings", "A walk"):
            assert words not in f"{message.subject} {message.body}"


def test_a_turn_the_reader_took_while_it_waited_for_their_quiet_hours_is_not_told(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    choose(bob, quiet_start=time(22), quiet_end=time(8))
    clock.move_to(datetime(2026, 11, 26, 4, 0, tzinfo=UTC))  # 23:00 in Bob's New York
    with django_capture_on_commit_callbacks(execute=True):
        share(couple, alice)
    assert turns(bob) == []
    clock.move_to(datetime(2026, 11, 26, 5, 0, tzinfo=UTC))  # he could not sleep
    with django_capture_on_commit_callbacks(execute=True):
        share(couple, bob)
    clock.move_to(datetime(2026, 11, 26, 13, 0, tzinfo=UTC))
    tasks.send_due_event_emails()
    assert turns(bob) == []


def test_by_default_nobody_is_emailed_about_their_turn(
    couple: Couple, alice: User, bob: User, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        share(couple, alice)
    assert turns(bob) == []
