"""Scheduled conversations moved to their own app, schedules/. Their tables are renamed to the
new app's names in place (ALTER TABLE ... RENAME keeps every row, constraint and index); the
models leave this app's state here and enter the schedules app's state in schedules 0001."""

from __future__ import annotations

from django.db import migrations

MOVED = ("schedule", "reminderoptout", "reminderdelivery", "calendarfeed")


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0002_schedules"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name=name, table=f"schedules_{name}") for name in MOVED
            ],
            state_operations=[
                # Models that point at Schedule leave first.
                migrations.DeleteModel(name="ReminderOptOut"),
                migrations.DeleteModel(name="ReminderDelivery"),
                migrations.DeleteModel(name="CalendarFeed"),
                migrations.DeleteModel(name="Schedule"),
            ],
        ),
    ]
