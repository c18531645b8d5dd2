from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from couples.models import Couple
from schedules.models import Schedule
from tests.support.schedules import make_schedule


@pytest.fixture
def schedule(couple: Couple) -> Schedule:
    """Alice and Bob's weekly check-in, Sundays at 19:00 Berlin time, reminders 24 h and 1 h
    before, in place of the one seeded when their couple was made (which starts today)."""
    couple.schedules.all().delete()
    return make_schedule(couple)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    """A fixed moment for every schedule test that does not travel elsewhere itself: what a
    schedule shows and sends depends on the date (weekdays, DST changes)."""
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=UTC)) as traveller:
        yield traveller
