from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.http import HttpResponse as Response
from django.test import Client
from django.utils import timezone

from checkins.models import CheckIn, Entry, current_week
from couples.models import Couple, User
from schedules.models import Schedule

# Sunday 8 March 2026: New York springs forward at 02:00, Europe is still on winter time.
SUNDAY = date(2026, 3, 8)
BEFORE = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def make_schedule(
    couple: Couple,
    *,
    rrule: str = "FREQ=WEEKLY;BYDAY=SU",
    at: time = time(19, 0),
    time_zone: str = "Europe/Berlin",
    offsets: tuple[int, ...] = (1440, 60),
    starts_on: date = date(2026, 1, 1),
    now: datetime = BEFORE,
    title: str = "Our Sunday talk",
    kind: str = Schedule.Kind.CHECKIN,
) -> Schedule:
    """A schedule as the services make one, planned from `now`."""
    schedule = Schedule(
        couple=couple,
        kind=kind,
        title=title,
        rrule=rrule,
        starts_on=starts_on,
        start_time=at,
        time_zone=time_zone,
        reminder_offsets=list(offsets),
    )
    schedule.next_reminder_at = schedule.first_reminder_after(now)
    schedule.save()
    return schedule


@pytest.fixture
def schedule(couple: Couple) -> Schedule:
    """Alice and Bob's weekly check-in, Sundays at 19:00 Berlin time, reminders 24 h and 1 h
    before, in place of the one seeded when their couple was made (which starts today)."""
    couple.schedules.all().delete()
    return make_schedule(couple)


# A Wednesday: week 48 of 2026 in every zone the tests use.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WEEK = "2026-W48"
URL = f"/checkins/{WEEK}/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW) as traveller:
        yield traveller


def write(
    client: Client,
    week: str = WEEK,
    *,
    action: str = "save",
    htmx: bool = False,
    follow: bool = False,
    **fields: str,
) -> Response:
    """Post an entry as the form does: every field, with the Save or Share button."""
    data = {"small_win": "", "challenge": "", "appreciation": "", "help_wanted": "", **fields}
    data[action] = ""
    headers = HTMX if htmx else {}
    return client.post(f"/checkins/{week}/entry/", data, follow=follow, **headers)


def week_of(
    couple: Couple,
    alice: User,
    bob: User,
    *,
    weeks_ago: int,
    step: str = "",
    resolved: bool = False,
) -> CheckIn:
    """A week both partners shared, `weeks_ago` weeks before this one; closed with `step`."""
    now = timezone.now()
    checkin = CheckIn.objects.create(
        couple=couple,
        week_start=current_week(couple) - timedelta(weeks=weeks_ago),
        revealed_at=now,
        next_step=step,
        next_step_by=alice if step else None,
        next_step_at=now if step else None,
        closed_at=now if step else None,
    )
    for person in (alice, bob):
        Entry.objects.create(
            checkin=checkin,
            author=person,
            small_win=f"{person.display_name}'s win",
            challenge=f"{person.display_name}'s challenge",
            shared_at=now,
            challenge_resolved_at=now if resolved else None,
        )
    return checkin


def text(response: Response) -> str:
    return " ".join(response.content.decode().split())
