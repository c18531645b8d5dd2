"""Dates and times: one calm format family, named once in config/formats/en/formats.py, and on
pages always the reader's own zone, the one the middleware activates for the signed-in person.
Emails name their reader's zone themselves (they are rendered outside any request)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.utils import timezone

from agreements.models import PauseSignal
from checkins.models import CheckIn, Entry, current_week
from config.formats.en import formats
from couples.models import Couple, User
from tests.support.pages import Response, main_content
from tests.support.people import client_for
from tests.support.schedules import make_schedule

# Sunday 29 November 2026: 22:33 in Tokyo, 08:33 in New York, 14:33 in Berlin (the home zone).
MOMENT = datetime(2026, 11, 29, 13, 33, tzinfo=UTC)

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# A format given to |date or |time as a literal string.
FORMAT_ARGUMENT = re.compile(r"\|(?:date|time):\s*(['\"])(.*?)\1")
# Not a date a person reads: "c" fills datetime attributes and hidden fields for machines;
# "W" and "o" are the ISO week's number and year, which name a check-in week.
NOT_A_FORMAT = {"c", "W", "o"}
# A page that converts to a zone by hand, or reads the person's zone instead of the active one.
ZONE_BY_HAND = re.compile(r"\|timezone:([\w.]+)|{%\s*timezone\b|user\.time_zone")
# Where a page shows a second zone on purpose: a schedule's time "at home".
SECOND_ZONES = {("schedules/list.html", "schedule.time_zone")}


def template_files() -> Iterator[tuple[str, str]]:
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file():
            yield str(path.relative_to(TEMPLATES)), path.read_text()


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("DATE_FORMAT", "29 Nov 2026"),
        ("DATETIME_FORMAT", "29 Nov 2026, 22:33"),
        ("TIME_FORMAT", "22:33"),
        ("SHORT_DATE_FORMAT", "29 Nov 2026"),
        ("SHORT_DATETIME_FORMAT", "29 Nov 2026, 22:33"),
        ("MONTH_DAY_FORMAT", "29 Nov"),
        ("YEAR_MONTH_FORMAT", "Nov 2026"),
        ("WEEKDAY_DATE_FORMAT", "Sun 29 Nov 2026"),
        ("WEEKDAY_DATETIME_FORMAT", "Sun 29 Nov 2026, 22:33"),
        ("WEEKDAY_TIME_FORMAT", "Sun 22:33"),
        ("MOMENT_ATTRIBUTE_FORMAT", "2026-11-29T22:33:00+0900"),
    ],
)
def test_each_named_format_reads_the_same_calm_way(name: str, shown: str) -> None:
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        page = Template("{{ moment|date:name }}").render(Context({"moment": MOMENT, "name": name}))
    assert page == shown


def test_a_moment_without_a_format_reads_as_date_and_time() -> None:
    """What allauth's pages print for a bare datetime (the sessions list, for one)."""
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        assert Template("{{ moment }}").render(Context({"moment": MOMENT})) == "29 Nov 2026, 22:33"


def test_every_template_names_its_format_from_the_one_family() -> None:
    literal = [
        (name, found)
        for name, source in template_files()
        for _quote, found in FORMAT_ARGUMENT.findall(source)
        if found not in NOT_A_FORMAT and not hasattr(formats, found)
    ]
    assert literal == []


def test_pages_never_convert_to_the_readers_zone_by_hand() -> None:
    """The middleware activates the signed-in person's zone, and every date on a page follows
    it; only emails (rendered outside a request) name their reader's zone."""
    by_hand = [
        (name, match[0])
        for name, source in template_files()
        if not name.startswith("emails/")
        for match in ZONE_BY_HAND.finditer(source)
        if (name, match[1]) not in SECOND_ZONES
    ]
    assert by_hand == []


@pytest.fixture
def tokyo_and_new_york(couple: Couple, alice: User, bob: User) -> tuple[Client, Client]:
    """Alice in Tokyo and Bob in New York (their couple's home is Berlin), each signed in."""
    alice.time_zone = "Asia/Tokyo"
    alice.save()
    assert bob.time_zone == "America/New_York"
    return client_for(alice), client_for(bob)


@pytest.fixture
def at_the_moment() -> Iterator[None]:
    with time_machine.travel(MOMENT, tick=False):
        yield


def seen(client: Client, path: str, status: int = 200) -> str:
    """The page's main part as read: tags dropped where they stand (so "22:33</time>." reads
    "22:33."), entities decoded, whitespace collapsed."""
    response: Response = client.get(path)
    assert response.status_code == status, path
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", main_content(response))).split())


@pytest.mark.usefixtures("at_the_moment")
def test_partners_in_two_zones_see_a_shared_entrys_time_each_in_their_own(
    couple: Couple,
    alice: User,
    bob: User,
    tokyo_and_new_york: tuple[Client, Client],
) -> None:
    checkin = CheckIn.objects.create(
        couple=couple, week_start=current_week(couple), revealed_at=MOMENT
    )
    for person in (alice, bob):
        Entry.objects.create(
            checkin=checkin,
            author=person,
            small_win="A walk",
            challenge="Evenings",
            shared_at=MOMENT - timedelta(hours=1),
            revealed_at=MOMENT - timedelta(hours=1),
            edited_after_sharing_at=MOMENT if person == alice else None,
        )
    in_tokyo, in_new_york = tokyo_and_new_york
    path = f"/checkins/{checkin.label}/"
    assert "Edited after sharing, 29 Nov 2026, 22:33." in seen(in_tokyo, path)
    assert "Edited after sharing, 29 Nov 2026, 08:33." in seen(in_new_york, path)
    editing = seen(in_new_york, path + "?edit=1")
    assert "You shared this on 29 Nov 2026, 07:33." in editing


@pytest.mark.usefixtures("at_the_moment")
def test_partners_in_two_zones_see_a_pauses_return_time_each_in_their_own(
    couple: Couple,
    alice: User,
    tokyo_and_new_york: tuple[Client, Client],
) -> None:
    PauseSignal.objects.create(
        couple=couple,
        sender=alice,
        phrase="I need a pause.",
        started_at=MOMENT,
        returns_at=MOMENT + timedelta(minutes=45),
    )
    in_tokyo, in_new_york = tokyo_and_new_york
    # The banner on every other page, and the pause page itself, each in the reader's own zone.
    assert "Back at Sun 23:18, your time." in seen(in_tokyo, "/")
    assert "Back at Sun 09:18, your time." in seen(in_new_york, "/")
    assert "come back by 23:18, your time." in seen(in_tokyo, "/pause/")
    assert "Alice plans to come back by 09:18" in seen(in_new_york, "/pause/")


@pytest.mark.usefixtures("at_the_moment")
def test_partners_in_two_zones_see_a_past_pause_each_in_their_own(
    couple: Couple,
    alice: User,
    tokyo_and_new_york: tuple[Client, Client],
) -> None:
    PauseSignal.objects.create(
        couple=couple,
        sender=alice,
        phrase="Too much, sorry",
        started_at=MOMENT - timedelta(hours=2),
        returns_at=MOMENT - timedelta(hours=1),
        ended_at=MOMENT - timedelta(hours=1),
    )
    in_tokyo, in_new_york = tokyo_and_new_york
    for path in ("/checkins/2026-W48/", "/pause/"):
        assert "Sun 29 Nov 2026, 20:33 · “Too much, sorry”" in seen(in_tokyo, path)
        assert "Sun 29 Nov 2026, 06:33 · “Too much, sorry”" in seen(in_new_york, path)


@pytest.mark.usefixtures("at_the_moment")
def test_partners_in_two_zones_see_a_schedules_next_date_each_in_their_own(
    couple: Couple, tokyo_and_new_york: tuple[Client, Client]
) -> None:
    couple.schedules.all().delete()
    make_schedule(couple, at=time(19, 0), time_zone="Europe/Berlin", now=MOMENT)
    in_tokyo, in_new_york = tokyo_and_new_york
    tokyo = seen(in_tokyo, "/schedule/")
    assert "Times are shown in your own time zone, Tokyo (GMT+9)." in tokyo
    assert "Mon 30 Nov 2026, 03:00 · 19:00 at home in Berlin (GMT+1)" in tokyo
    assert "Sun 29 Nov 2026, 13:00 · 19:00 at home in Berlin (GMT+1)" in seen(
        in_new_york, "/schedule/"
    )
    assert "Your next conversation Our Sunday talk, Mon 30 Nov 2026, 03:00 (your time)" in seen(
        in_tokyo, "/"
    )
    assert "Your next conversation Our Sunday talk, Sun 29 Nov 2026, 13:00 (your time)" in seen(
        in_new_york, "/"
    )


@pytest.mark.usefixtures("at_the_moment")
def test_the_pause_forms_return_time_follows_the_readers_zone(
    couple: Couple, tokyo_and_new_york: tuple[Client, Client]
) -> None:
    """The page says it without JavaScript, and pause.js keeps it current in the same zone."""
    in_tokyo, _in_new_york = tokyo_and_new_york
    page = main_content(in_tokyo.get("/pause/"))
    assert 'data-time-zone="Asia/Tokyo"' in page
    assert re.search(r">Sun \d\d:\d\d</output>, your time\.", page)


@pytest.mark.usefixtures("at_the_moment")
def test_no_sentence_about_a_moment_ends_in_a_double_full_stop(
    couple: Couple, bob: User, charlie: User, tokyo_and_new_york: tuple[Client, Client]
) -> None:
    """Django's own English formats end in "p.m.", which met a sentence's full stop."""
    _in_tokyo, in_new_york = tokyo_and_new_york
    alone = client_for(charlie)
    alone.post("/couple/invite/", {"email": "fay@example.com"})
    checkin = CheckIn.objects.create(couple=couple, week_start=current_week(couple))
    Entry.objects.create(
        checkin=checkin, author=bob, small_win="w", challenge="c", shared_at=MOMENT
    )
    invited = seen(alone, "/couple/")
    assert "An invitation is open for fay@example.com, until 6 Dec 2026, 14:33." in invited
    shared = seen(in_new_york, f"/checkins/{checkin.label}/?edit=1")
    assert "You shared this on 29 Nov 2026, 08:33." in shared
    for page in (invited, shared):
        assert not re.search(r"(?<!\.)\.\.(?!\.)", page), page


@pytest.mark.usefixtures("at_the_moment")
def test_an_earlier_week_without_a_check_in_names_its_monday_in_the_one_format(
    tokyo_and_new_york: tuple[Client, Client],
) -> None:
    in_tokyo, _in_new_york = tokyo_and_new_york
    page = seen(in_tokyo, "/checkins/2026-W45/", status=404)
    assert "There's no check-in for the week of 2 Nov 2026. A quiet week is just a gap." in page
