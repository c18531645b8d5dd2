"""Values are chosen together, never pre-filled. Every couple used to start with four suggested
values written as its own. Those a couple never touched are removed: a row is kept when its
description was written, or when the activity log shows a partner added, renamed or updated a
value of that name (the seeding wrote no log entry). Everything else a couple wrote stays
theirs, as agreed."""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

PREFILLED = ["Respect", "Curiosity", "Generosity", "Honesty"]


def forget_prefilled(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    value = apps.get_model("toolkit", "SharedValue")
    entry = apps.get_model("core", "ActivityEntry")
    untouched = value.objects.filter(name__in=PREFILLED, description="")
    for row in untouched.iterator():
        touched = (
            entry.objects.filter(
                couple_id=row.couple_id,
                message__contains=f"value “{row.name}”",
            ).exists()
            or entry.objects.filter(
                couple_id=row.couple_id, message__endswith=f"to “{row.name}”"
            ).exists()
        )
        if not touched:
            row.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("toolkit", "0002_values_chosen_together"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forget_prefilled, migrations.RunPython.noop)]
