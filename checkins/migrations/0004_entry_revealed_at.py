"""Entries remember whether they were revealed, so an entry shared by someone who left before
the week opened is never revealed to whoever shares next."""

from __future__ import annotations

from collections import defaultdict

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

BATCH = 500


def mark_revealed_entries(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Which entries each opened week revealed, as far as the stored rows tell:

    - an entry shared after its week opened (someone who joined later) opened as it was shared;
    - of the entries shared by the moment the week opened, two partners' were revealed. When
      there are more than two, someone shared and then left before the opening: only the entry
      whose share opened the week (shared at that very moment) and the entries of people still
      in the couple are revealed. Unsure cases stay unrevealed; their authors still read them.
    """
    CheckIn = apps.get_model("checkins", "CheckIn")
    Entry = apps.get_model("checkins", "Entry")
    Membership = apps.get_model("couples", "Membership")
    members: dict[int, set[int]] = defaultdict(set)
    for couple_id, user_id in Membership.objects.values_list("couple_id", "user_id"):
        members[couple_id].add(user_id)
    revealed: list[models.Model] = []
    weeks = CheckIn.objects.filter(revealed_at__isnull=False).prefetch_related("entries")
    for checkin in weeks.iterator(chunk_size=BATCH):
        opened = checkin.revealed_at
        shared = [e for e in checkin.entries.all() if e.shared_at is not None]
        before = [e for e in shared if e.shared_at <= opened]
        if len(before) > 2:
            before = [
                e
                for e in before
                if e.shared_at == opened or e.author_id in members[checkin.couple_id]
            ]
        for entry in before:
            entry.revealed_at = opened
            revealed.append(entry)
        for entry in shared:
            if entry.shared_at > opened:
                entry.revealed_at = entry.shared_at
                revealed.append(entry)
    Entry.objects.bulk_update(revealed, ["revealed_at"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0003_schedules_move_to_their_own_app"),
        ("couples", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="revealed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_revealed_entries, migrations.RunPython.noop),
    ]
