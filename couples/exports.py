"""What the couple space adds to a person's export (`core.registry`): the activity log since
they joined. (The account and couple records, which every export has, are privacy/'s own.)"""

from __future__ import annotations

from collections.abc import Iterator

from core.models import ActivityEntry
from core.registry import CHUNK_SIZE, ExportReader, Record, export_section
from couples.models import Membership


@export_section("activity")
def activity(reader: ExportReader, membership: Membership) -> Iterator[Record]:
    for entry in (
        ActivityEntry.objects.visible_to(membership)
        .order_by("created_at", "id")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        yield {
            "id": entry.pk,
            "by": reader.who(entry.actor_id),
            "message": entry.message,
            "created_at": entry.created_at,
        }
