"""Schedule pieces shown on pages other apps own: the home card and the settings section."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from couples.models import Couple
from schedules.forms import ReminderChoicesForm
from schedules.models import CalendarFeed, ReminderOptOut, Schedule

register = template.Library()


@register.inclusion_tag("schedules/home_card.html", takes_context=True)
def next_conversation(context: dict[str, Any], couple: Couple) -> dict[str, Any]:
    """The couple's next scheduled conversation (one query, however many schedules)."""
    found = Schedule.objects.for_couple(couple).active().next_conversation(timezone.now())
    start, schedule = found or (None, None)
    return {"user": context["user"], "start": start, "schedule": schedule}


@register.inclusion_tag("schedules/settings_section.html", takes_context=True)
def reminder_settings(context: dict[str, Any]) -> dict[str, Any]:
    """Which reminders this person receives, and their private calendar link."""
    request = context["request"]
    couple = context["member_couple"]()
    if couple is None:
        return {}
    schedules = list(Schedule.objects.for_couple(couple))
    opted_out = set(
        ReminderOptOut.objects.for_couple(couple)
        .filter(user=request.user)
        .values_list("schedule_id", "offset_minutes")
    )
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = reverse("calendar_feed", args=[feed.token]) if feed else ""
    return {
        "csrf_token": context.get("csrf_token"),
        "form": ReminderChoicesForm(schedules=schedules, opted_out=opted_out),
        "feed_url": request.build_absolute_uri(feed_url) if feed_url else "",
        "has_couple": True,
    }
