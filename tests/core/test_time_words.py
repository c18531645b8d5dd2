"""Weeks are shown as the dates they cover, never as ISO week numbers."""

from __future__ import annotations

from datetime import date

from core.time import week_dates


def test_a_week_this_year_is_its_first_and_last_day() -> None:
    assert week_dates(date(2026, 11, 30), today=date(2026, 12, 6)) == "30 Nov \N{EN DASH} 6 Dec"


def test_a_week_of_another_year_names_the_year() -> None:
    assert (
        week_dates(date(2025, 11, 24), today=date(2026, 12, 6)) == "24 Nov \N{EN DASH} 30 Nov 2025"
    )


def test_a_week_across_new_year_names_both_years() -> None:
    assert (
        week_dates(date(2025, 12, 29), today=date(2026, 1, 2))
        == "29 Dec 2025 \N{EN DASH} 4 Jan 2026"
    )
