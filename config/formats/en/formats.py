"""Hearth's one family of date and time formats (FORMAT_MODULE_PATH points here).

Calm and unambiguous wherever the reader lives: day before month, the month's short name, a
24-hour clock, and no full stop of its own to meet a sentence's ("29 Nov 2026, 22:33", never
Django's English "Nov. 29, 2026, 10:33 p.m."). Templates name these formats instead of writing
format strings: `{{ moment|date:"DATETIME_FORMAT" }}`, `{{ moment|time:"TIME_FORMAT" }}`.
Django's `get_format` finds a name in this module before its own settings, so Hearth's three
WEEKDAY_ names work in the `date` filter like Django's own (tests/test_dates.py checks it).
Pages show every moment in the reader's zone, which the time-zone middleware activates.
"""

from __future__ import annotations

DATE_FORMAT = "j M Y"  # 29 Nov 2026
TIME_FORMAT = "H:i"  # 22:33
DATETIME_FORMAT = f"{DATE_FORMAT}, {TIME_FORMAT}"  # 29 Nov 2026, 22:33
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j M"  # 29 Nov, the first day of a range that ends in the same year
YEAR_MONTH_FORMAT = "M Y"  # Nov 2026

# Where the day of the week helps: the next conversations, past pauses.
WEEKDAY_DATE_FORMAT = f"D {DATE_FORMAT}"  # Sun 29 Nov 2026
WEEKDAY_DATETIME_FORMAT = f"D {DATETIME_FORMAT}"  # Sun 29 Nov 2026, 22:33
# A moment within the coming day, such as a pause's return (static/js/pause.js writes the same).
WEEKDAY_TIME_FORMAT = f"D {TIME_FORMAT}"  # Sun 22:33

# A moment as a `<time datetime>` attribute holds it for machines: to the second, with its
# offset (HTML allows no fraction of a second there).
MOMENT_ATTRIBUTE_FORMAT = r"Y-m-d\TH:i:sO"  # 2026-11-29T22:33:00+0900
