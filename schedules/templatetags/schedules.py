"""Schedule pieces shown on pages other apps own: the home card and the settings section."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from couples.models import Couple
from schedules.forms import ReminderChoicesForm
from schedules.models import CalendarFeed, ReminderOptOut

register = template.Library()


@register.inclusion_tag("schedules/home_card.html", takes_context=True)
def next_conversation(context: dict[str, Any], couple: Couple) -> dict[str, Any]:
    """The couple's next scheduled conversation (one query, however many schedules)."""
    now = timezone.now()
    upcoming = [
        (start, schedule)
        for schedule in couple.schedules.active()
        for start in schedule.next_occurrences(after=now, count=1)
    ]
    start, schedule = min(upcoming, key=lambda pair: pair[0]) if upcoming else (None, None)
    return {"user": context["user"], "start": start, "schedule": schedule}


@register.inclusion_tag("schedules/settings_section.html", takes_context=True)
def reminder_settings(context: dict[str, Any]) -> dict[str, Any]:
    """Which reminders this person receives, and their private calendar link."""
    request = context["request"]
    couple = context["member_couple"]()
    if couple is None:
        return {}
    schedules = list(couple.schedules.all())
    opted_out = set(
        ReminderOptOut.objects.filter(user=request.user, schedule__couple=couple).values_list(
            "schedule_id", "offset_minutes"
        )
    )
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return {
        "csrf_token": context.get("csrf_token"),
        "form": ReminderChoicesForm(schedules=schedules, opted_out=opted_out),
        "feed_url": request.build_absolute_uri(f"/calendar/{feed.token}.ics") if feed else "",
        "has_couple": True,
    }
