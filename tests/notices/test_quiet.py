"""The quiet-hours window math (notices/quiet.py): overnight and daytime windows, no window,
daylight-saving changes in both directions and zones on either side of UTC."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from notices.quiet import is_quiet, last_allowed_before, next_allowed

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
NIGHT = (time(22), time(8))


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(
    zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=zone)


def test_outside_the_window_now_is_allowed() -> None:
    now = local(BERLIN, 2026, 11, 25, 15, 0)
    assert not is_quiet(now, BERLIN, *NIGHT)
    assert next_allowed(now, BERLIN, *NIGHT) == now


def test_late_evening_waits_for_the_next_morning() -> None:
    now = local(BERLIN, 2026, 11, 25, 23, 30)
    assert next_allowed(now, BERLIN, *NIGHT) == local(BERLIN, 2026, 11, 26, 8, 0)


def test_early_morning_waits_for_the_same_morning() -> None:
    now = local(BERLIN, 2026, 11, 26, 3, 0)
    assert next_allowed(now, BERLIN, *NIGHT) == local(BERLIN, 2026, 11, 26, 8, 0)


def test_the_start_is_inside_and_the_end_is_outside() -> None:
    assert is_quiet(local(BERLIN, 2026, 11, 25, 22, 0), BERLIN, *NIGHT)
    assert not is_quiet(local(BERLIN, 2026, 11, 26, 8, 0), BERLIN, *NIGHT)
    assert is_quiet(local(BERLIN, 2026, 11, 26, 7, 59, 59), BERLIN, *NIGHT)


def test_a_daytime_window_does_not_run_over_midnight() -> None:
    window = (time(13), time(14))
    assert next_allowed(local(BERLIN, 2026, 11, 25, 13, 30), BERLIN, *window) == local(
        BERLIN, 2026, 11, 25, 14, 0
    )
    assert not is_quiet(local(BERLIN, 2026, 11, 25, 23, 0), BERLIN, *window)


@pytest.mark.parametrize(("start", "end"), [(None, None), (time(22), None), (time(9), time(9))])
def test_no_window_never_holds_anything_back(start: time | None, end: time | None) -> None:
    now = local(BERLIN, 2026, 11, 25, 23, 0)
    assert not is_quiet(now, BERLIN, start, end)
    assert next_allowed(now, BERLIN, start, end) == now
    assert last_allowed_before(now, BERLIN, start, end) == now


def test_the_window_is_read_in_the_persons_own_zone() -> None:
    # 21:00 UTC: 22:00 in Berlin (quiet), 16:00 in New York, 02:30 in Kolkata (quiet).
    now = utc(2026, 11, 25, 21, 0)
    assert next_allowed(now, BERLIN, *NIGHT) == utc(2026, 11, 26, 7, 0)
    assert next_allowed(now, NEW_YORK, *NIGHT) == now
    assert next_allowed(now, KOLKATA, *NIGHT) == utc(2026, 11, 26, 2, 30)


def test_on_the_night_the_clocks_go_forward_the_window_ends_at_eight_summer_time() -> None:
    # Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST.
    now = local(BERLIN, 2026, 3, 28, 23, 0)
    allowed = next_allowed(now, BERLIN, *NIGHT)
    assert allowed == utc(2026, 3, 29, 6, 0)
    assert allowed.astimezone(BERLIN).hour == 8


def test_on_the_night_the_clocks_go_back_the_window_ends_at_eight_winter_time() -> None:
    # Berlin, 25 October 2026: 03:00 CEST becomes 02:00 CET.
    now = local(BERLIN, 2026, 10, 24, 23, 0)
    assert next_allowed(now, BERLIN, *NIGHT) == utc(2026, 10, 25, 7, 0)


def test_an_end_skipped_by_the_clocks_going_forward_is_the_moment_of_the_jump() -> None:
    # New York, 8 March 2026: 02:00 EST becomes 03:00 EDT (07:00 UTC); 02:30 never happens.
    now = local(NEW_YORK, 2026, 3, 8, 1, 0)
    allowed = next_allowed(now, NEW_YORK, time(23), time(2, 30))
    assert allowed == utc(2026, 3, 8, 7, 0)
    assert not is_quiet(allowed, NEW_YORK, time(23), time(2, 30))


def test_an_end_that_happens_twice_is_taken_the_first_time() -> None:
    # New York, 1 November 2026: 01:30 happens at 05:30 UTC (EDT) and 06:30 UTC (EST).
    now = utc(2026, 11, 1, 4, 0)  # 00:00 EDT
    assert next_allowed(now, NEW_YORK, time(23), time(1, 30)) == utc(2026, 11, 1, 5, 30)


def test_inside_the_window_a_reminder_goes_just_before_it_began() -> None:
    starts = local(BERLIN, 2026, 11, 26, 7, 0)
    assert last_allowed_before(starts, BERLIN, *NIGHT) == local(BERLIN, 2026, 11, 25, 21, 59)
    late = local(BERLIN, 2026, 11, 25, 23, 0)
    assert last_allowed_before(late, BERLIN, *NIGHT) == local(BERLIN, 2026, 11, 25, 21, 59)
    outside = local(BERLIN, 2026, 11, 25, 20, 0)
    assert last_allowed_before(outside, BERLIN, *NIGHT) == outside


def test_before_a_window_across_the_clocks_going_back_a_reminder_keeps_wall_time() -> None:
    # The conversation at 01:00 CET on 25 October 2026 (the clocks went back at 03:00 CEST).
    starts = local(BERLIN, 2026, 10, 25, 4, 0)
    assert last_allowed_before(starts, BERLIN, *NIGHT) == utc(2026, 10, 24, 19, 59)
