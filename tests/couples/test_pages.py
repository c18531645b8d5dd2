from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from core.activity import log
from couples import services
from couples.models import Couple, User
from tests.support.pages import HOME_QUERIES, visible_words
from tests.support.people import client_for


def test_home_opens_on_this_weeks_next_step(couple: Couple, alice_client: Client) -> None:
    page = visible_words(alice_client.get("/"))
    assert page.split("This week ", 1)[1].startswith("Write yours")


def test_home_for_someone_alone_invites_the_partner(alice: User) -> None:
    services.create_couple(user=alice, name="Waiting room", time_zone="UTC")
    client = Client()
    client.force_login(alice)
    assert "This week Invite your partner" in visible_words(client.get("/"))


def test_the_landing_page_is_public() -> None:
    page = Client().get("/").content.decode()
    assert "Create an account" in page


def test_settings_change_name_and_time_zone(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    client.post("/settings/", {"display_name": "Ally", "time_zone": "Asia/Tokyo"})
    alice.refresh_from_db()
    assert (alice.display_name, alice.time_zone) == ("Ally", "Asia/Tokyo")


def test_settings_refuse_an_unknown_time_zone_and_keep_the_name(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    response = client.post("/settings/", {"display_name": "Ally", "time_zone": "Moon/Base"})
    assert 'value="Ally"' in response.content.decode()
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


def test_couple_settings_rename_the_space_and_log_it(couple: Couple, alice_client: Client) -> None:
    alice_client.post("/couple/", {"name": "Our hearth", "time_zone": "Europe/Paris"})
    couple.refresh_from_db()
    assert (couple.name, couple.time_zone) == ("Our hearth", "Europe/Paris")
    page = " ".join(alice_client.get("/couple/").content.decode().split())
    assert "Alice updated the space" in page


@pytest.mark.parametrize("entries", [1, 20])
def test_page_queries_do_not_grow_with_activity(
    couple: Couple,
    alice: User,
    alice_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    entries: int,
) -> None:
    for _ in range(entries):
        log(couple=couple, actor=alice, message="did something")
    # session, user, couple with both partners, open invitation, activity, the pause banner
    with django_assert_num_queries(6):
        assert alice_client.get("/couple/").status_code == 200
    with django_assert_num_queries(HOME_QUERIES):
        assert alice_client.get("/").status_code == 200


def test_the_menu_reads_in_its_order(alice_client: Client) -> None:
    page = alice_client.get("/").content.decode()
    nav = page.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    menu = ["Home", "Check-in", "Agreements", "I need a pause", "Schedule", "Toolkit"]
    menu += ["Our space", "Settings", "Sign out"]
    positions = [nav.index(f">{item}<") for item in menu]
    assert positions == sorted(positions)
    # The home is what's next, not a map: every place lives in the menu alone.
    assert 'id="places"' not in page


def test_times_are_shown_in_each_persons_own_zone(couple: Couple, alice: User, bob: User) -> None:
    couple.memberships.update(joined_at=datetime(2026, 11, 1, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=UTC), tick=False):
        log(couple=couple, actor=alice, message="updated something")
    # Logging in remembers the person's zone; Alice is in Berlin, Bob in New York.
    assert "25 Nov 2026, 13:00" in client_for(alice).get("/couple/").content.decode()
    bob_page = client_for(bob).get("/couple/").content.decode()
    assert "25 Nov 2026, 07:00" in bob_page
    assert "13:00" not in bob_page


def test_changing_ones_time_zone_applies_at_once(couple: Couple, alice: User) -> None:
    couple.memberships.update(joined_at=datetime(2026, 11, 1, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=UTC), tick=False):
        log(couple=couple, actor=alice, message="updated something")
    client = client_for(alice)
    client.post("/settings/", {"display_name": "Alice", "time_zone": "Asia/Tokyo"})
    assert "25 Nov 2026, 21:00" in client.get("/couple/").content.decode()
