"""The activity log's model now lives in core/ (core's 0001), on the same table: couples lets go
of it in Django's state only, and the table and its rows stay."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("couples", "0005_membership_seat"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ActivityEntry")],
            database_operations=[],
        ),
    ]
