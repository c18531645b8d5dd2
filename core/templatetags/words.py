"""Machine values in people's words: a time zone as its city with today's offset
("London (GMT+0)"), a week as its dates ("30 Nov - 6 Dec"). Hearth's pages, emails and readable
export show these, never an IANA name or an ISO week number."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, tzinfo

from django import template
from django.utils import timezone

from core.time import week_dates as dates_of_week
from core.zones import zone_label

register = template.Library()


@register.filter
def zone_name(zone: str | tzinfo | None, at: datetime | None = None) -> str:
    """ "Europe/London" (or its ZoneInfo) -> "London (GMT+0)", with the offset in force `at`
    (a moment shown beside it), or now."""
    name = str(getattr(zone, "key", zone) or "")
    try:
        return zone_label(name, at if isinstance(at, datetime) else timezone.now())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return name


@register.filter
def week_dates(monday: date | datetime | None) -> str:
    """A week by the date of its Monday -> "30 Nov - 6 Dec"."""
    if monday is None:
        return ""
    day = monday.date() if isinstance(monday, datetime) else monday
    return dates_of_week(day, today=timezone.localdate())
