"""The activity log keeps consent and membership events, not pauses: a list of who asked for a
pause, and when, reads as a score. The entries written before are removed with it."""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Q

PAUSE_MESSAGES = [
    "asked for a pause",
    "extended the pause",
    "ended the pause",
    "came back from the pause, together",
]


def forget_pauses(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    entry = apps.get_model("core", "ActivityEntry")
    entry.objects.filter(
        Q(message__in=PAUSE_MESSAGES) | Q(message__startswith="asked for a pause that ended")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0004_pause_take_your_time"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forget_pauses, migrations.RunPython.noop)]
