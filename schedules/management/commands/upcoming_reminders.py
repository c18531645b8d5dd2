"""For support: what a couple's schedules will send next, and what was recently sent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from couples.access import partners
from couples.models import Couple
from schedules.models import ReminderDelivery, ReminderOptOut, Schedule

LOOK_AHEAD = timedelta(days=14)


class Command(BaseCommand):
    help = "Show a couple's upcoming reminders (next two weeks) and its latest deliveries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("couple_id", type=int)

    def handle(self, *args: Any, couple_id: int, **options: Any) -> None:
        couple = Couple.objects.filter(pk=couple_id).first()
        if couple is None:
            raise CommandError(f"No couple with id {couple_id}.")
        now = timezone.now()
        people = partners(couple)
        opted_out = set(
            ReminderOptOut.objects.for_couple(couple).values_list(
                "schedule_id", "user_id", "offset_minutes"
            )
        )
        self.stdout.write(
            f"Couple {couple.pk}, home zone {couple.time_zone}, now {now:%Y-%m-%d %H:%M} UTC"
        )
        for schedule in Schedule.objects.for_couple(couple):
            state = (
                "stopped for now"
                if schedule.paused_at
                else f"next reminder at {schedule.next_reminder_at}"
            )
            self.stdout.write(
                f"\nSchedule {schedule.pk} [{schedule.kind}] {schedule.rrule} at "
                f"{schedule.start_time:%H:%M} {schedule.time_zone}, offsets {schedule.offsets}: {state}"
            )
            if schedule.paused_at:
                continue
            for start, minutes in schedule.reminders_between(now, now + LOOK_AHEAD):
                remind_at = start - timedelta(minutes=minutes)
                for person in people:
                    off = " (turned off)" if (schedule.pk, person.pk, minutes) in opted_out else ""
                    self.stdout.write(
                        f"  {remind_at:%Y-%m-%d %H:%M} UTC  to {person.email}: "
                        f"{minutes} min before {start.astimezone(person.tz):%a %Y-%m-%d %H:%M} "
                        f"{person.time_zone}{off}"
                    )
        deliveries = ReminderDelivery.objects.for_couple(couple).select_related("recipient")
        self.stdout.write("\nLatest deliveries:")
        for delivery in deliveries.order_by("-created_at", "-id")[:20]:
            self.stdout.write(
                f"  {delivery.occurrence_start:%Y-%m-%d %H:%M} UTC, {delivery.offset_minutes} min, "
                f"{delivery.recipient.email}: {delivery.status}"
                f"{f' at {delivery.sent_at:%Y-%m-%d %H:%M}' if delivery.sent_at else ''}"
                f"{f' {delivery.message_id}' if delivery.message_id else ''}"
            )
