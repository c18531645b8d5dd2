"""Schedules as the services make them, planned from a moment of the test's choosing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from couples.models import Couple
from schedules.models import Schedule

# Schedules are planned from the Monday before Sunday 8 March 2026, the day New York springs
# forward at 02:00 while Europe is still on winter time.
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
