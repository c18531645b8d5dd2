from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from couples.models import Couple, User
from schedules.models import ReminderOptOut, Schedule


@time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), tick=False)
def test_support_sees_a_couples_upcoming_reminders_in_each_partners_zone(
    couple: Couple, schedule: Schedule, alice: User
) -> None:
    ReminderOptOut.objects.create(schedule=schedule, user=alice, offset_minutes=60)
    out = StringIO()
    call_command("upcoming_reminders", str(couple.pk), stdout=out)
    lines = out.getvalue().splitlines()
    assert (
        f"Schedule {schedule.pk} [checkin] FREQ=WEEKLY;BYDAY=SU at 19:00 Europe/Berlin"
        in out.getvalue()
    )
    assert (
        "  2026-03-07 18:00 UTC  to bob@example.com: 1440 min before Sun 2026-03-08 14:00 "
        "America/New_York" in lines
    )
    assert (
        "  2026-03-08 17:00 UTC  to alice@example.com: 60 min before Sun 2026-03-08 19:00 "
        "Europe/Berlin (turned off)" in lines
    )


def test_an_unknown_couple_is_an_error(db: None) -> None:
    with pytest.raises(CommandError, match="No couple with id 999"):
        call_command("upcoming_reminders", "999")
