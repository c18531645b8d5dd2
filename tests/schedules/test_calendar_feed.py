"""Each partner's private calendar feed: valid iCalendar with VTIMEZONE, no private text, and a
token that can be turned off or replaced."""

from __future__ import annotations

from datetime import UTC, datetime, time

import time_machine
from django.test import Client
from icalendar import Calendar

from couples.models import Couple, User
from couples.services import leave_couple
from schedules.models import CalendarFeed, Schedule
from schedules.services import set_paused
from tests.support.schedules import make_schedule


def feed_path(client: Client) -> str:
    client.post("/schedule/calendar-link/", {"action": "new"})
    page = client.get("/settings/").content.decode()
    token = CalendarFeed.objects.get().token
    assert f"/calendar/{token}.ics" in page
    return f"/calendar/{token}.ics"


@time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), tick=False)
def test_the_feed_is_valid_icalendar_with_time_zones_and_no_private_text(
    schedule: Schedule, couple: Couple, alice_client: Client
) -> None:
    make_schedule(
        couple,
        rrule="FREQ=MONTHLY;BYDAY=1SA",
        at=time(10),
        time_zone="Asia/Tokyo",
        title="Talk about the money worries",
        kind=Schedule.Kind.CUSTOM,
    )
    response = Client().get(feed_path(alice_client))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert "Our Sunday talk" not in body
    assert "money" not in body

    cal = Calendar.from_ical(response.content)
    assert sorted(str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")) == [
        "Asia/Tokyo",
        "Europe/Berlin",
    ]
    events = cal.walk("VEVENT")
    sundays = [e for e in events if str(e["SUMMARY"]) == "Hearth: check-in"]
    first = min(sundays, key=lambda e: e.decoded("DTSTART"))
    assert first["UID"] == schedule.uid(datetime(2026, 3, 8, 18, 0, tzinfo=UTC))
    assert first.decoded("DTSTART") == datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
    assert {str(e["SUMMARY"]) for e in events} == {"Hearth: check-in", "Hearth: conversation"}
    assert len(sundays) == 52


def test_a_paused_schedule_is_left_out_of_the_feed(
    schedule: Schedule, couple: Couple, alice: User, alice_client: Client
) -> None:
    make_schedule(couple, title="Retreat", kind=Schedule.Kind.RETREAT)
    set_paused(schedule=schedule, by=alice, paused=True)
    cal = Calendar.from_ical(Client().get(feed_path(alice_client)).content)
    assert {str(e["SUMMARY"]) for e in cal.walk("VEVENT")} == {"Hearth: retreat"}


def test_a_new_link_replaces_the_old_one_and_a_turned_off_link_is_404(
    schedule: Schedule, alice_client: Client
) -> None:
    old = feed_path(alice_client)
    new = feed_path(alice_client)
    assert old != new
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200

    alice_client.post("/schedule/calendar-link/", {"action": "revoke"})
    assert Client().get(new).status_code == 404
    assert CalendarFeed.objects.count() == 0
    assert "Create my calendar link" in alice_client.get("/settings/").content.decode()


def test_each_partner_has_their_own_link(
    schedule: Schedule, alice: User, alice_client: Client, bob: User, bob_client: Client
) -> None:
    alice_path = feed_path(alice_client)
    bob_client.post("/schedule/calendar-link/", {"action": "new"})
    bob_path = f"/calendar/{CalendarFeed.objects.get(user=bob).token}.ics"
    bob_page = bob_client.get("/settings/").content.decode()
    assert bob_path in bob_page
    assert alice_path not in bob_page
    assert bob_path != alice_path
    assert Client().get(bob_path).status_code == 200
    # Bob turning his link off leaves Alice's working.
    bob_client.post("/schedule/calendar-link/", {"action": "revoke"})
    assert Client().get(bob_path).status_code == 404
    assert Client().get(alice_path).status_code == 200


def test_someone_who_left_gets_an_empty_feed(
    schedule: Schedule, bob: User, bob_client: Client
) -> None:
    path = feed_path(bob_client)
    assert Calendar.from_ical(Client().get(path).content).walk("VEVENT") != []
    leave_couple(user=bob)
    cal = Calendar.from_ical(Client().get(path).content)
    assert cal.walk("VEVENT") == []


def test_an_unknown_token_is_404(db: None) -> None:
    assert Client().get("/calendar/not-a-token.ics").status_code == 404


def test_a_token_no_feed_could_have_is_404_not_an_error(db: None) -> None:
    # PostgreSQL refuses a NUL in a query outright; such a token never reaches the database.
    for token in ("a%00b", "%E2%80%AEab", "a%20b"):
        assert Client().get(f"/calendar/{token}.ics").status_code == 404


def test_a_calendar_button_without_its_choice_changes_nothing(
    schedule: Schedule, alice_client: Client
) -> None:
    response = alice_client.post("/schedule/calendar-link/", {}, follow=True)
    assert "Please press one of the calendar link buttons again." in response.content.decode()
    assert CalendarFeed.objects.count() == 0
