"""Schedule pieces shown on pages other apps own: the settings groups and a schedule's rule
in words in the readable export."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from schedules import selectors
from schedules.words import rule_in_words

register = template.Library()


@register.simple_tag(takes_context=True)
def reminder_settings(context: template.Context) -> dict[str, Any]:
    """Which reminders this person receives, and their private calendar link: the settings
    page draws them in two groups (`schedules/settings_section.html#reminders`, `#calendar`)."""
    request = context["request"]
    couple = context["member_couple"]()
    if couple is None:
        return {}
    shown = selectors.reminder_settings(couple=couple, user=request.user)
    return {
        "form": shown.form,
        "feed_url": request.build_absolute_uri(shown.feed_path) if shown.feed_path else "",
        "has_couple": True,
    }


@register.filter
def schedule_in_words(record: Mapping[str, Any]) -> str:
    """An exported schedule (`schedules.exports.schedules`) as a sentence: "Every Sunday at
    19:00"."""
    return rule_in_words(
        str(record["rrule"]), starts_on=record["starts_on"], start_time=record["start_time"]
    )
