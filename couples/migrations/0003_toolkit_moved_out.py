"""The toolkit's models now belong to the toolkit app (toolkit 0001_initial took over their
tables and rows); the couples app forgets them without touching the database."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("couples", "0002_toolkit"),
        ("toolkit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Phrase"),
                migrations.DeleteModel(name="Repair"),
                migrations.DeleteModel(name="SavedTopic"),
                migrations.DeleteModel(name="SharedValue"),
                migrations.DeleteModel(name="TriggerScript"),
            ],
        ),
    ]
