from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from schedules.forms import FREQUENCIES, WEEKDAYS
from schedules.models import TEMPLATES, Schedule
from schedules.words import rule_in_words

SUNDAY = date(2026, 12, 6)


def words(rule: str, at: time = time(19, 0)) -> str:
    return rule_in_words(rule, starts_on=SUNDAY, start_time=at)


@pytest.mark.parametrize(
    ("rule", "sentence"),
    [
        ("FREQ=WEEKLY;BYDAY=SU", "Every Sunday at 19:00"),
        ("FREQ=MONTHLY;BYDAY=1MO", "On the first Monday of each month at 19:00"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "On the last Friday of each month at 19:00"),
        (
            "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=1SA",
            "On the first Saturday of January, April, July and October at 19:00",
        ),
    ],
)
def test_each_rule_the_form_builds_reads_as_a_sentence(rule: str, sentence: str) -> None:
    assert words(rule) == sentence


def test_every_friendly_choice_and_template_has_its_own_sentence() -> None:
    rules = [
        pattern.format(day=day) for _l, pattern in FREQUENCIES.values() for day, _n in WEEKDAYS
    ]
    rules += [str(template["rrule"]) for template in TEMPLATES.values()]
    for rule in rules:
        sentence = words(rule)
        assert not sentence.startswith("On a rhythm of your own"), rule
        assert "FREQ" not in sentence
        assert "BYDAY" not in sentence


@pytest.mark.parametrize(
    ("rule", "sentence"),
    [
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "Every other Wednesday at 20:30"),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=WE", "Every 3 weeks on Wednesday at 20:30"),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "Every Monday, Wednesday and Friday at 20:30"),
        ("FREQ=WEEKLY", "Every Sunday at 20:30"),
        ("FREQ=DAILY", "Every day at 20:30"),
        ("FREQ=DAILY;INTERVAL=2", "Every other day at 20:30"),
        ("FREQ=DAILY;INTERVAL=3", "Every 3 days at 20:30"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "On the 15th of each month at 20:30"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,22", "On the 1st and 22nd of each month at 20:30"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "On the last day of each month at 20:30"),
        (
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU",
            "On the second Tuesday of every other month at 20:30",
        ),
        ("FREQ=MONTHLY;BYDAY=1SU,3SU", "On the first and third Sunday of each month at 20:30"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=14", "Every year on 14 February at 20:30"),
        ("FREQ=YEARLY;INTERVAL=2", "Every other year on 6 December at 20:30"),
        ("FREQ=YEARLY;BYMONTH=5;BYDAY=2SU", "Every year on the second Sunday of May at 20:30"),
        ("FREQ=WEEKLY;BYDAY=SA;BYMONTH=6,7", "Every Saturday in June and July at 20:30"),
        ("FREQ=WEEKLY;BYDAY=SU;COUNT=6", "Every Sunday at 20:30, 6 times"),
        ("FREQ=WEEKLY;BYDAY=SU;UNTIL=20270301", "Every Sunday at 20:30, until 1 Mar 2027"),
    ],
)
def test_rules_typed_by_hand_read_as_sentences(rule: str, sentence: str) -> None:
    assert words(rule, time(20, 30)) == sentence


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY;COUNT=3",
        "FREQ=MONTHLY;BYDAY=1SU;BYMONTHDAY=1,2,3,4,5,6,7",
        "FREQ=MONTHLY;BYDAY=+9SU",
        "FREQ=YEARLY;BYMONTH=1,6",
    ],
)
def test_an_unusual_rule_falls_back_to_plain_words_never_to_its_text(rule: str) -> None:
    assert words(rule) == "On a rhythm of your own, at 19:00"


@time_machine.travel(datetime(2026, 12, 6, 12, tzinfo=UTC))
def test_a_schedule_says_whose_clock_it_keeps() -> None:
    schedule = Schedule(
        rrule="FREQ=WEEKLY;BYDAY=SU",
        starts_on=SUNDAY,
        start_time=time(19, 0),
        time_zone="America/New_York",
    )
    assert schedule.in_words == "Every Sunday at 19:00"
    assert schedule.in_words_for("America/New_York") == "Every Sunday at 19:00, your time"
    assert schedule.in_words_for("Europe/Berlin") == "Every Sunday at 19:00 in New York (GMT-5)"
