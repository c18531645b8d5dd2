"""One dispatcher tick costs the same few queries however many schedules exist: it finds due
work through the next_reminder_at index and handles what is due in bulk."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from pytest_django import DjangoAssertNumQueries

from couples.models import Couple, Membership, User
from schedules import services
from schedules.models import Schedule

START = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
NOW = START - timedelta(minutes=59, seconds=30)
TOTAL = 10_000
COUPLES = 100


def many_schedules(due: int) -> None:
    """10,000 schedules over 100 couples of two; `due` of them (in different couples) have a
    1-hour reminder due now, the others one next week or none (paused)."""
    couples = Couple.objects.bulk_create(Couple(name=f"c{i}") for i in range(COUPLES))
    users = User.objects.bulk_create(
        User(email=f"p{i}@example.com", display_name=f"P{i}", time_zone="Europe/Berlin")
        for i in range(COUPLES * 2)
    )
    Membership.objects.bulk_create(
        Membership(couple=couples[i // 2], user=user, seat=1 + i % 2)
        for i, user in enumerate(users)
    )
    Schedule.objects.bulk_create(
        Schedule(
            couple=couples[i % COUPLES],
            title="Sunday",
            rrule="FREQ=WEEKLY;BYDAY=SU",
            starts_on=date(2026, 1, 1),
            start_time=time(19, 0),
            time_zone="Europe/Berlin",
            reminder_offsets=[60],
            next_reminder_at=(
                START - timedelta(hours=1)
                if i < due
                else (START + timedelta(days=7) if i % 2 else None)
            ),
        )
        for i in range(TOTAL)
    )


def one_tick() -> int:
    return services.dispatch_due(now=NOW) + services.requeue_stale(now=NOW)


# The tick with nothing due: savepoint, the due query, release; then the stale-row sweep (2).
# With due schedules: + members, opt-outs, one INSERT, one UPDATE, the new rows' ids.
@pytest.mark.parametrize(("due", "queries"), [(0, 5), (100, 10)])
def test_a_dispatcher_tick_costs_the_same_however_many_schedules_exist(
    db: None, django_assert_num_queries: DjangoAssertNumQueries, due: int, queries: int
) -> None:
    many_schedules(due)
    with django_assert_num_queries(queries):
        assert one_tick() == due * 2
    assert Schedule.objects.filter(next_reminder_at__lte=NOW).count() == 0


def test_due_schedules_are_found_through_the_index(db: None) -> None:
    many_schedules(100)
    table = Schedule._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else f"ANALYZE {table}")
    due = Schedule.objects.due(NOW).select_for_update(skip_locked=True)[: services.DISPATCH_BATCH]
    plan = due.explain()
    # PostgreSQL: "Index Scan using schedule_due_idx"; SQLite: "SEARCH ... USING INDEX
    # schedule_due_idx (next_reminder_at<?)". Either way, no scan of the whole table.
    assert "schedule_due_idx" in plan, plan
    if connection.vendor == "postgresql":
        assert "Index Scan using schedule_due_idx" in plan, plan
        assert "Seq Scan" not in plan, plan
    else:
        assert "USING INDEX schedule_due_idx" in plan, plan
        assert f"SCAN {table}" not in plan, plan
