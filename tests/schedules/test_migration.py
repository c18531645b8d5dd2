"""A database made while schedules lived in checkins/ (checkins 0002_schedules) migrates forward
with every row kept, in tables now named after the schedules app, with their constraints and
indexes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from django.apps import apps as current_apps
from django.apps.registry import Apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tests.support.migrations import latest, migrate, migrated_back_to

# The last migration before the schedules app existed, and that app not yet applied.
LAST_SHARED = ("checkins", "0002_schedules")
BEFORE = [LAST_SHARED, ("schedules", None)]
MODELS = ("Schedule", "ReminderOptOut", "ReminderDelivery", "CalendarFeed")
START = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)


@pytest.fixture
def before_the_schedules_app() -> Iterator[MigrationExecutor]:
    with migrated_back_to(BEFORE) as executor:
        yield executor


def fill(old_apps: Apps) -> dict[str, list[dict[str, Any]]]:
    """One couple with rows in every schedules table, written through the old models."""
    get = old_apps.get_model
    alice = get("couples", "User").objects.create(email="a@example.com", display_name="A")
    couple = get("couples", "Couple").objects.create(name="Before", time_zone="Europe/Berlin")
    schedule = get("checkins", "Schedule").objects.create(
        couple=couple,
        kind="checkin",
        title="Sunday",
        rrule="FREQ=WEEKLY;BYDAY=SU",
        starts_on=date(2026, 1, 1),
        start_time=time(19),
        time_zone="Europe/Berlin",
        reminder_offsets=[1440, 60],
        next_reminder_at=START,
    )
    get("checkins", "ReminderOptOut").objects.create(
        schedule=schedule, user=alice, offset_minutes=1440
    )
    get("checkins", "ReminderDelivery").objects.create(
        schedule=schedule,
        occurrence_start=START,
        recipient=alice,
        offset_minutes=60,
        status="sent",
        claimed_at=START,
        sent_at=START,
        message_id="<reminder-1@hearth>",
    )
    get("checkins", "CalendarFeed").objects.create(user=alice, token="a-private-token")
    return rows(old_apps, "checkins")


def rows(apps: Apps, app_label: str) -> dict[str, list[dict[str, Any]]]:
    return {
        name: list(apps.get_model(app_label, name).objects.order_by("pk").values())
        for name in MODELS
    }


def constraint_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


@pytest.mark.django_db(transaction=True)
def test_every_schedules_row_survives_the_move_to_the_schedules_app(
    before_the_schedules_app: MigrationExecutor,
) -> None:
    old_apps = before_the_schedules_app.loader.project_state(LAST_SHARED).apps
    before = fill(old_apps)
    assert all(before.values())

    migrate(latest())

    after = rows(current_apps, "schedules")
    # Fields added since (a delivery's not_before) start empty; every old value is kept.
    assert {
        name: [{field: row[field] for field in before[name][0]} for row in found]
        for name, found in after.items()
    } == before
    assert {row["not_before"] for row in after["ReminderDelivery"]} == {None}
    tables = set(connection.introspection.table_names())
    assert {f"schedules_{name.lower()}" for name in MODELS} <= tables
    assert not {f"checkins_{name.lower()}" for name in MODELS} & tables
    # New rows follow on from the old ids.
    Schedule = current_apps.get_model("schedules", "Schedule")
    later = Schedule.objects.create(
        couple_id=before["Schedule"][0]["couple_id"],
        title="Later",
        rrule="FREQ=WEEKLY;BYDAY=SA",
        starts_on=date(2026, 1, 1),
        start_time=time(10),
    )
    assert later.pk > before["Schedule"][0]["id"]


@pytest.mark.django_db(transaction=True)
def test_the_constraints_and_indexes_come_along_and_still_hold(
    before_the_schedules_app: MigrationExecutor,
) -> None:
    before = fill(before_the_schedules_app.loader.project_state(LAST_SHARED).apps)

    migrate(latest())

    assert "schedule_due_idx" in constraint_names("schedules_schedule")
    assert {"one_delivery_per_reminder", "delivery_pending_idx"} <= constraint_names(
        "schedules_reminderdelivery"
    )
    assert "one_opt_out_per_reminder" in constraint_names("schedules_reminderoptout")
    delivery = before["ReminderDelivery"][0]
    ReminderDelivery = current_apps.get_model("schedules", "ReminderDelivery")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderDelivery.objects.create(
            schedule_id=delivery["schedule_id"],
            occurrence_start=delivery["occurrence_start"],
            recipient_id=delivery["recipient_id"],
            offset_minutes=delivery["offset_minutes"],
        )


@pytest.mark.django_db(transaction=True)
def test_the_schedules_models_keep_their_content_types_across_the_move(
    before_the_schedules_app: MigrationExecutor,
) -> None:
    old = dict(
        ContentType.objects.filter(
            app_label="checkins", model__in=[m.lower() for m in MODELS]
        ).values_list("model", "pk")
    )
    assert len(old) == len(MODELS)

    migrate(latest())

    new = dict(ContentType.objects.filter(app_label="schedules").values_list("model", "pk"))
    assert new == old
    assert not ContentType.objects.filter(app_label="checkins", model__in=list(old)).exists()
