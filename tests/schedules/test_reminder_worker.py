"""End to end on the configured broker (the filesystem broker locally, Redis in CI's second run):
the beat task dispatches a due reminder and a real worker sends it, also when the message was
queued under the name the task had before schedules/ was its own app."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from config.celery import app as celery_app
from core.zones import zone_label
from couples.models import Couple, User
from schedules import tasks
from schedules.models import ReminderDelivery, Schedule
from tests.factories import UserFactory, pair
from tests.support.worker import wait_for_mail


def wait_until_sent(count: int, seconds: float = 30) -> None:
    """Wait, within a bound, for the worker to mark `count` rows sent: it does so just after
    the email reaches the outbox, so a test that stops waiting at the email can read the row
    a moment too early."""
    deadline = time.monotonic() + seconds
    sent = ReminderDelivery.objects.filter(status=ReminderDelivery.Status.SENT)
    while sent.count() < count and time.monotonic() < deadline:
        time.sleep(0.1)


def partners() -> tuple[User, User, Couple]:
    alice = UserFactory.create(email="alice@example.com", time_zone="Europe/Berlin")
    bob = UserFactory.create(email="bob@example.com", time_zone="America/New_York")
    couple = pair(alice, bob)
    couple.schedules.all().delete()
    return alice, bob, couple


def due_now(couple: Couple) -> tuple[Schedule, datetime]:
    """A daily conversation starting in 30 minutes whose 1-hour reminder is due, and its start."""
    now = timezone.now()
    start_local = (now + timedelta(minutes=30)).astimezone(couple.tz)
    schedule = Schedule(
        couple=couple,
        kind=Schedule.Kind.CHECKIN,
        title="Daily",
        rrule="FREQ=DAILY",
        starts_on=start_local.date(),
        start_time=start_local.time().replace(second=0, microsecond=0),
        time_zone=couple.time_zone,
        reminder_offsets=[60],
    )
    schedule.next_reminder_at = schedule.first_reminder_after(now - timedelta(hours=1))
    schedule.save()
    return schedule, schedule.next_occurrences(after=now, count=1)[0]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_a_due_reminder_in_each_partners_time(real_worker: None) -> None:
    _alice, bob, couple = partners()
    _schedule, start = due_now(couple)

    tasks.dispatch_reminders.delay()

    wait_for_mail(2)
    sent = {m.to[0]: m for m in mail.outbox}
    assert sorted(sent) == ["alice@example.com", "bob@example.com"]
    bob_time = start.astimezone(bob.tz).strftime("%H:%M")
    assert sent["bob@example.com"].subject.endswith(f"at {bob_time}")
    new_york = zone_label("America/New_York", start)
    assert f"at {bob_time} your time in {new_york}" in sent["bob@example.com"].body
    assert sent["bob@example.com"].extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    event = Calendar.from_ical(sent["bob@example.com"].attachments[0].content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == start
    wait_until_sent(2)
    assert ReminderDelivery.objects.filter(status="sent").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_dispatch_queued_under_its_old_task_name_still_sends(real_worker: None) -> None:
    _alice, _bob, couple = partners()
    due_now(couple)

    celery_app.send_task("checkins.tasks.dispatch_reminders")

    wait_for_mail(2)
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    wait_until_sent(2)
    assert ReminderDelivery.objects.filter(status="sent").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_send_queued_under_its_old_task_name_still_sends(real_worker: None) -> None:
    alice, _bob, couple = partners()
    schedule, start = due_now(couple)
    # The row a dispatcher of the previous release recorded before enqueueing its send.
    schedule.next_reminder_at = schedule.first_reminder_after(timezone.now())
    schedule.save()
    delivery = ReminderDelivery.objects.create(
        schedule=schedule, occurrence_start=start, recipient=alice, offset_minutes=60
    )

    celery_app.send_task("checkins.tasks.send_reminder", args=[delivery.pk])

    wait_for_mail(1)
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    wait_until_sent(1)
    delivery.refresh_from_db()
    assert delivery.status == ReminderDelivery.Status.SENT
