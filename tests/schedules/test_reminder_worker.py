"""End to end on the configured broker (the filesystem broker locally, Redis in CI's second run):
the beat task dispatches a due reminder and a real worker sends it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from schedules import tasks
from schedules.models import ReminderDelivery, Schedule
from tests.conftest import wait_for_mail
from tests.factories import UserFactory, pair


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_a_due_reminder_in_each_partners_time(real_worker: None) -> None:
    alice = UserFactory(email="alice@example.com", time_zone="Europe/Berlin")
    bob = UserFactory(email="bob@example.com", time_zone="America/New_York")
    couple = pair(alice, bob)
    couple.schedules.all().delete()
    now = timezone.now()
    start_local = (now + timedelta(minutes=30)).astimezone(alice.tz)
    schedule = Schedule(
        couple=couple,
        kind=Schedule.Kind.CHECKIN,
        title="Daily",
        rrule="FREQ=DAILY",
        starts_on=start_local.date(),
        start_time=start_local.time().replace(second=0, microsecond=0),
        time_zone="Europe/Berlin",
        reminder_offsets=[60],
    )
    schedule.next_reminder_at = schedule.first_reminder_after(now - timedelta(hours=1))
    schedule.save()
    start = schedule.next_occurrences(after=now, count=1)[0]

    tasks.dispatch_reminders.delay()

    wait_for_mail(2)
    sent = {m.to[0]: m for m in mail.outbox}
    assert sorted(sent) == ["alice@example.com", "bob@example.com"]
    bob_time = start.astimezone(bob.tz).strftime("%H:%M")
    assert sent["bob@example.com"].subject.endswith(f"at {bob_time}")
    assert f"at {bob_time} your time (America/New_York)" in sent["bob@example.com"].body
    assert sent["bob@example.com"].extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    event = Calendar.from_ical(sent["bob@example.com"].attachments[0].content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == start
    assert ReminderDelivery.objects.filter(status="sent").count() == 2
