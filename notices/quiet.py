"""Quiet hours: a window of wall-clock times in a person's own zone (22:00-08:00, say) in which
Hearth sends them no email and no push. Pure functions of the moment, the zone and the window,
so every sender asks the same question and the daylight-saving rules live in one place.

A window is [start, end) in local wall time; start after end means it runs over midnight;
start equal to end, or either missing, means no quiet hours. Across a daylight-saving change
the window keeps its wall-clock times: 22:00-08:00 is nine hours long on the night the clocks
go forward and eleven on the night they go back. A boundary that does not exist that night (an
end at 02:30 in a zone that jumps from 02:00 to 03:00) is taken on the far side of the gap, so
nothing is ever sent inside the window; a boundary that happens twice is taken the first time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A reminder that must go out before the window starts goes out this long before it.
MARGIN = timedelta(minutes=1)


def _wall(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The first instant at which the clocks in `zone` show `at` (or later) on `day`: for a time
    that happens twice as the clocks go back, its first time; for one skipped as they go forward,
    the instant of the jump."""
    wall = datetime.combine(day, at, tzinfo=zone)
    first = wall.astimezone(UTC)
    second = wall.replace(fold=1).astimezone(UTC)
    early, late = min(first, second), max(first, second)
    if early.astimezone(zone).time() == at:
        return early
    # Skipped: the jump lies between the two readings; find it to the second.
    while late - early > timedelta(seconds=1):
        middle = early + (late - early) / 2
        if middle.astimezone(zone).replace(tzinfo=None) < datetime.combine(day, at):
            early = middle
        else:
            late = middle
    return late.replace(microsecond=0)


def is_quiet(now: datetime, zone: ZoneInfo, start: time | None, end: time | None) -> bool:
    """Whether `now` falls inside the quiet window."""
    if start is None or end is None or start == end:
        return False
    local = now.astimezone(zone)
    wall = local.time().replace(tzinfo=None)
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end


def next_allowed(now: datetime, zone: ZoneInfo, start: time | None, end: time | None) -> datetime:
    """The first moment at or after `now` outside the quiet window: `now` itself when it is
    outside, otherwise the window's end."""
    if not is_quiet(now, zone, start, end):
        return now
    assert start is not None
    assert end is not None
    local = now.astimezone(zone)
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)
    return _wall(day, end, zone)


def last_allowed_before(
    moment: datetime, zone: ZoneInfo, start: time | None, end: time | None
) -> datetime:
    """The latest moment, at or before `moment`, outside the quiet window: `moment` itself when
    it is outside, otherwise MARGIN before the window began. For a reminder whose time falls
    in someone's quiet hours: it goes out just before they start."""
    if not is_quiet(moment, zone, start, end):
        return moment
    assert start is not None
    assert end is not None
    local = moment.astimezone(zone)
    day = local.date()
    if start > end and local.time() < end:
        day -= timedelta(days=1)
    return _wall(day, start, zone) - MARGIN


def next_start(now: datetime, zone: ZoneInfo, start: time) -> datetime:
    """The first moment after `now` at which a window starting at `start` begins."""
    local = now.astimezone(zone)
    begins = _wall(local.date(), start, zone)
    return begins if begins > now else _wall(local.date() + timedelta(days=1), start, zone)


def starting_within(now: datetime, zone: ZoneInfo, within: timedelta) -> tuple[time, time]:
    """The wall-clock times (after, up to] that a window must start at, in `zone`, to begin
    within `within` after `now`; the first may be later than the second across midnight."""
    return (
        now.astimezone(zone).time().replace(tzinfo=None),
        (now + within).astimezone(zone).time().replace(tzinfo=None),
    )
