"""ISO weeks in the couple's home time zone, at the edges."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from django.test import Client

from checkins.models import parse_week, week_label
from couples.models import Couple, User
from tests.factories import CoupleFactory, UserFactory, pair
from tests.support.people import client_for


def test_the_turn_of_the_year_belongs_to_week_53_of_2026(
    couple: Couple, alice: User, clock: time_machine.Traveller
) -> None:
    clock.move_to(datetime(2026, 12, 30, 12, tzinfo=UTC))
    alice_client = client_for(alice)
    for instant in (datetime(2026, 12, 31, 12, tzinfo=UTC), datetime(2027, 1, 1, 12, tzinfo=UTC)):
        clock.move_to(instant)
        assert alice_client.get("/checkins/this-week/").headers["Location"] == "/checkins/2026-W53/"
        assert alice_client.get("/checkins/2026-W53/").status_code == 200
        future = alice_client.get("/checkins/2027-W01/")
        assert future.headers["Location"] == "/checkins/this-week/"
    clock.move_to(datetime(2027, 1, 4, 12, tzinfo=UTC))
    assert alice_client.get("/checkins/this-week/").headers["Location"] == "/checkins/2027-W01/"
    assert couple.checkins.get().label == "2026-W53"


def test_week_labels_name_only_real_iso_weeks() -> None:
    monday = parse_week("2026-W53")
    assert monday is not None
    assert monday.isoformat() == "2026-12-28"
    assert week_label(monday) == "2026-W53"
    assert parse_week("2027-W53") is None  # 2027 has 52 ISO weeks
    assert parse_week("2027-W00") is None
    assert parse_week("2027-w01") is None


def test_the_same_instant_is_a_different_week_in_auckland_and_los_angeles(
    db: None,
    clock: time_machine.Traveller,
) -> None:
    # Sunday evening in UTC: already Monday morning in Auckland, still Sunday noon in LA.
    clock.move_to(datetime(2026, 11, 29, 20, tzinfo=UTC))
    kiwi = UserFactory.create(display_name="Aroha")
    pair(kiwi, couple=CoupleFactory.create(time_zone="Pacific/Auckland"))
    angeleno = UserFactory.create(display_name="Luis")
    pair(angeleno, couple=CoupleFactory.create(time_zone="America/Los_Angeles"))

    assert client_for(kiwi).get("/checkins/this-week/").headers["Location"] == "/checkins/2026-W49/"
    assert (
        client_for(angeleno).get("/checkins/this-week/").headers["Location"]
        == "/checkins/2026-W48/"
    )
    # Luis cannot open a week that has begun in Auckland but not yet at home.
    assert client_for(angeleno).get("/checkins/2026-W49/").status_code == 302


def test_the_home_zone_of_the_couple_decides_not_the_persons_own(
    couple: Couple, alice: User, alice_client: Client, clock: time_machine.Traveller
) -> None:
    couple.time_zone = "Pacific/Auckland"
    couple.save()
    alice.time_zone = "America/Los_Angeles"
    alice.save()
    clock.move_to(datetime(2026, 11, 29, 20, tzinfo=UTC))
    assert alice_client.get("/checkins/this-week/").headers["Location"] == "/checkins/2026-W49/"
