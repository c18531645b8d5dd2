"""What the schedules add to a person's export (`core.registry`): when their calendar feed was
made, and the couple's scheduled conversations with the person's own reminder choices. Their
reminder choices, deliveries and feed are erased with their account by the database (ON DELETE
CASCADE)."""

from __future__ import annotations

from collections.abc import Iterator

from core.registry import CHUNK_SIZE, ExportReader, Record, export_account, export_section
from couples.models import Membership, User
from schedules.models import CalendarFeed, ReminderOptOut, Schedule


@export_account("schedules", related=("calendar_feed",))
def calendar_feed(user: User) -> Record:
    feed = getattr(user, "calendar_feed", None)
    return {"calendar_feed_created_at": feed.created_at if isinstance(feed, CalendarFeed) else None}


@export_section("schedules")
def schedules(reader: ExportReader, membership: Membership) -> Iterator[Record]:
    """The couple's scheduled conversations, each with the person's own reminder choices."""
    turned_off: dict[int, set[int]] = {}
    for schedule_id, minutes in ReminderOptOut.objects.visible_to(membership).values_list(
        "schedule_id", "offset_minutes"
    ):
        turned_off.setdefault(schedule_id, set()).add(minutes)
    for schedule in (
        Schedule.objects.visible_to(membership)
        .order_by("created_at", "id")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        off = turned_off.get(schedule.pk, set())
        yield {
            "id": schedule.pk,
            "kind": schedule.kind,
            "title": schedule.title,
            "rrule": schedule.rrule,
            "starts_on": schedule.starts_on,
            "start_time": schedule.start_time,
            "duration_minutes": schedule.duration_minutes,
            "time_zone": schedule.time_zone,
            "paused_at": schedule.paused_at,
            "created_at": schedule.created_at,
            "reminders": [
                {
                    "minutes_before": minutes,
                    "label": label,
                    "emailed_to_you": minutes not in off,
                }
                for minutes, label in zip(schedule.offsets, schedule.reminder_labels, strict=True)
            ],
        }
