"""Occurrences are expanded on the home zone's wall clock and stored in UTC; times that do not
exist or exist twice on DST days are resolved as RFC 5545 section 3.3.5 says."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from couples.models import Couple
from schedules import services
from schedules.models import Schedule
from tests.support.schedules import make_schedule


def on_day(schedule: Schedule, day: date) -> datetime:
    """The occurrence whose wall-clock date in the home zone is `day`."""
    after = datetime.combine(day - timedelta(days=2), time(0), tzinfo=UTC)
    for start in schedule.occurrences(after=after):
        if start.astimezone(schedule.tz).date() >= day:
            return start
    raise AssertionError("no occurrence")


@pytest.mark.parametrize(
    ("zone", "day", "wall", "utc", "local"),
    [
        # Spring forward: the time does not exist; the offset before the gap applies (later).
        (
            "Europe/London",
            date(2026, 3, 29),
            time(1, 30),
            datetime(2026, 3, 29, 1, 30),
            "02:30 BST",
        ),
        (
            "America/New_York",
            date(2026, 3, 8),
            time(2, 30),
            datetime(2026, 3, 8, 7, 30),
            "03:30 EDT",
        ),
        (
            "Australia/Lord_Howe",
            date(2026, 10, 4),
            time(2, 15),
            datetime(2026, 10, 3, 15, 45),
            "02:45 +11",
        ),
        # Fall back: the time occurs twice; the first one is meant.
        (
            "Europe/London",
            date(2026, 10, 25),
            time(1, 30),
            datetime(2026, 10, 25, 0, 30),
            "01:30 BST",
        ),
        (
            "America/New_York",
            date(2026, 11, 1),
            time(1, 30),
            datetime(2026, 11, 1, 5, 30),
            "01:30 EDT",
        ),
        (
            "Australia/Lord_Howe",
            date(2026, 4, 5),
            time(1, 45),
            datetime(2026, 4, 4, 14, 45),
            "01:45 +11",
        ),
    ],
)
def test_a_start_time_missing_or_repeated_on_a_dst_sunday_follows_rfc_5545(
    couple: Couple, zone: str, day: date, wall: time, utc: datetime, local: str
) -> None:
    schedule = make_schedule(couple, at=wall, time_zone=zone)
    start = on_day(schedule, day)
    assert start == utc.replace(tzinfo=UTC)
    assert start.astimezone(schedule.tz).strftime("%H:%M %Z") == local


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        ("Europe/London", date(2026, 3, 22), date(2026, 3, 29)),
        ("America/New_York", date(2026, 3, 1), date(2026, 3, 8)),
        ("Australia/Lord_Howe", date(2026, 9, 27), date(2026, 10, 4)),
        ("Europe/London", date(2026, 10, 18), date(2026, 10, 25)),
        ("America/New_York", date(2026, 10, 25), date(2026, 11, 1)),
        ("Australia/Lord_Howe", date(2026, 3, 29), date(2026, 4, 5)),
    ],
)
def test_an_evening_conversation_keeps_its_wall_clock_time_across_a_dst_change(
    couple: Couple, zone: str, before: date, after: date
) -> None:
    schedule = make_schedule(couple, at=time(19, 0), time_zone=zone)
    first, second = on_day(schedule, before), on_day(schedule, after)
    assert first.astimezone(schedule.tz).time() == second.astimezone(schedule.tz).time() == time(19)
    # A week on the wall clock is a week minus or plus the DST shift in real time.
    assert second - first != timedelta(days=7)


def test_lord_howe_shifts_by_thirty_minutes(couple: Couple) -> None:
    schedule = make_schedule(couple, at=time(19, 0), time_zone="Australia/Lord_Howe")
    shift = on_day(schedule, date(2026, 10, 4)) - on_day(schedule, date(2026, 9, 27))
    assert shift == timedelta(days=7, minutes=-30)


def test_a_24_hour_reminder_is_24_real_hours_before_even_across_the_change(
    couple: Couple,
) -> None:
    schedule = make_schedule(couple, at=time(19, 0), time_zone="Europe/London", offsets=(1440,))
    start = on_day(schedule, date(2026, 3, 29))
    remind_at = schedule.first_reminder_after(start - timedelta(days=2))
    assert remind_at == start - timedelta(hours=24)
    # Saturday was still on GMT: 24 hours before 19:00 BST is 18:00 on the wall clock.
    assert remind_at is not None
    assert remind_at.astimezone(schedule.tz).strftime("%a %H:%M") == "Sat 18:00"


def test_partners_in_different_zones_each_read_their_own_time(
    couple: Couple, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    # London is still on GMT on 22 March; New York has been on EDT since the 8th.
    couple.schedules.all().delete()
    schedule = make_schedule(couple, at=time(19, 0), time_zone="Europe/London", offsets=(60,))
    start = on_day(schedule, date(2026, 3, 22))
    assert start == datetime(2026, 3, 22, 19, 0, tzinfo=UTC)
    schedule.next_reminder_at = start - timedelta(hours=1)
    schedule.save()
    now = start - timedelta(minutes=59)
    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.dispatch_due(now=now)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "alice@example.com": "Reminder: your check-in on Sun 22 Mar 2026 at 20:00",
        "bob@example.com": "Reminder: your check-in on Sun 22 Mar 2026 at 15:00",
    }
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert (
        "20:00 your time in Berlin (GMT+1), which is 19:00 at home in London (GMT+0)"
        in bodies["alice@example.com"]
    )
    assert (
        "15:00 your time in New York (GMT-4), which is 19:00 at home in London (GMT+0)"
        in bodies["bob@example.com"]
    )
