"""Time helpers every app shares."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta


def to_utc(wall: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """The UTC instant of a naive wall-clock time in `tz`, resolved as RFC 5545 section 3.3.5
    says for DATE-TIME values with a TZID:

    - a time that does not exist (the hour skipped when clocks spring forward) is interpreted
      with the UTC offset in force before the gap, so it lands later by the gap's length
      (02:30 on New York's spring-forward day is 03:30 EDT; 02:15 on Lord Howe's is 02:45);
    - a time that occurs twice (the hour repeated when clocks fall back) is the first of the
      two (01:30 on New York's fall-back day is 01:30 EDT, not EST).

    zoneinfo gives exactly this with fold=0 (PEP 495), which is what `replace` sets."""
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)


DASH = " \N{EN DASH} "


def week_dates(monday: date, *, today: date | None = None) -> str:
    """A week as people say it: "30 Nov - 6 Dec" (with an en dash). The year is added when the
    week is not in `today`'s year ("29 Dec 2025 - 4 Jan 2026"). Hearth never shows ISO week
    numbers."""
    sunday = monday + timedelta(days=6)
    this_year = (today or date.today()).year
    if monday.year == sunday.year == this_year:
        return f"{monday.day} {monday:%b}{DASH}{sunday.day} {sunday:%b}"
    if monday.year == sunday.year:
        return f"{monday.day} {monday:%b}{DASH}{sunday.day} {sunday:%b} {sunday.year}"
    return f"{monday.day} {monday:%b} {monday.year}{DASH}{sunday.day} {sunday:%b} {sunday.year}"
