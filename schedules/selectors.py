"""Reads of schedules for pages that other apps own (the couple home card and /settings/).
Template tags call these and build nothing themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from couples.models import Couple, User
from schedules.forms import ReminderChoicesForm
from schedules.models import CalendarFeed, ReminderOptOut, Schedule


def next_conversation(couple: Couple) -> tuple[datetime, Schedule] | None:
    """The couple's next scheduled conversation and its schedule (one query, however many
    schedules)."""
    return Schedule.objects.for_couple(couple).active().next_conversation(timezone.now())


@dataclass(frozen=True)
class ReminderSettings:
    form: ReminderChoicesForm
    # The path of the person's private calendar link, "" when they have none.
    feed_path: str


def reminder_settings(*, couple: Couple, user: User) -> ReminderSettings:
    """Which of the couple's reminders `user` receives, as the settings form shows them, and
    their private calendar link."""
    schedules = list(Schedule.objects.for_couple(couple))
    opted_out = set(
        ReminderOptOut.objects.for_couple(couple)
        .filter(user=user)
        .values_list("schedule_id", "offset_minutes")
    )
    feed = CalendarFeed.objects.filter(user=user).first()
    return ReminderSettings(
        form=ReminderChoicesForm(schedules=schedules, opted_out=opted_out),
        feed_path=reverse("calendar_feed", args=[feed.token]) if feed else "",
    )
