"""The activity log keeps consent and membership events (agreements, joining, leaving), not
pauses: a pause is a moment of care, never a record of who paused. The pause lines logged
before are removed."""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Q

PAUSE_LINES = (
    "asked for a pause",
    "ended the pause",
    "extended the pause",
    "came back from the pause",
)


def forget_pauses(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    entries = apps.get_model("core", "ActivityEntry")
    lines = Q()
    for line in PAUSE_LINES:
        lines |= Q(message__startswith=line)
    entries.objects.filter(lines).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forget_pauses, migrations.RunPython.noop, elidable=True)]
