"""The pause banner is part of every page of a paired member, rendered on the server: it shows
without JavaScript, and the poll only refreshes it."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from agreements import banner, services
from agreements.models import Category
from couples.models import Couple, User
from tests.factories import UserFactory
from tests.support.agreements import PHRASES, agreed, poll, version_in
from tests.support.pages import HOME_QUERIES, markup
from tests.support.people import client_for

PRACTICE = "Walk around the block and name five things you can see."
PAGES = ["/", "/agreements/", "/checkins/", "/toolkit/", "/schedule/", "/couple/", "/settings/"]


@pytest.fixture
def practice(couple: Couple, alice: User, bob: User) -> None:
    """The couple's accepted pause protocol names a grounding practice."""
    protocol = agreed(couple, alice, bob, title="How we pause", category=Category.PAUSE)
    assert protocol.current is not None
    protocol.current.grounding_practice = PRACTICE
    protocol.current.save(update_fields=["grounding_practice"])


def alice_pauses(couple: Couple, alice: User) -> None:
    services.start_pause(couple=couple, sender=alice, phrase=PHRASES[0], minutes=30)


def banner_of(page: str) -> str:
    return page.split('<div id="pause-banner"', 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_shows_the_partner_an_open_pause_and_the_grounding_practice_without_javascript(
    couple: Couple, alice: User, bob_client: Client, practice: None, path: str
) -> None:
    alice_pauses(couple, alice)
    banner = banner_of(markup(bob_client.get(path)))
    assert f"Alice asked for a pause: “{PHRASES[0]}”" in banner
    assert f"While you pause: {PRACTICE}" in banner
    assert 'href="/pause/"' in banner


def test_the_sender_sees_their_own_pause_on_every_page_without_the_partners_words(
    couple: Couple, alice: User, alice_client: Client, practice: None
) -> None:
    alice_pauses(couple, alice)
    banner = banner_of(markup(alice_client.get("/")))
    assert "You asked for a pause." in banner
    assert PRACTICE not in banner


def test_without_a_pause_the_page_shows_no_banner(bob_client: Client, practice: None) -> None:
    banner = banner_of(markup(bob_client.get("/")))
    assert "asked for a pause" not in banner
    assert PRACTICE not in banner


def test_the_first_poll_after_a_page_answers_nothing_changed(
    couple: Couple, alice: User, bob_client: Client
) -> None:
    alice_pauses(couple, alice)
    page = bob_client.get("/")
    assert 'data-hx-trigger="every 4s"' in markup(page)  # no extra request as the page loads
    assert poll(bob_client, version_in(page)).status_code == 204


def test_the_stamp_is_the_couples_latest_pause_and_its_version(
    couple: Couple, alice: User, bob: User, charlie: User
) -> None:
    assert banner.stamp_for_user(bob.pk) == banner.NO_PAUSE
    alice_pauses(couple, alice)
    latest = couple.pauses.order_by("-pk").first()
    assert latest is not None
    assert banner.stamp_for_user(bob.pk) == f"{latest.pk}-{latest.version}"
    assert banner.stamp_for_user(charlie.pk) == banner.NO_PAUSE


def test_a_person_in_no_couple_never_gets_the_empty_answer(db: None) -> None:
    loner = UserFactory.create(email="loner@example.com")
    assert banner.stamp_for_user(loner.pk) is None
    answer = poll(client_for(loner), banner.NO_PAUSE)
    assert (answer.status_code, answer.headers["Location"]) == (302, "/")


def test_the_banner_poll_refuses_a_session_ended_by_a_password_change(
    couple: Couple, bob: User, bob_client: Client
) -> None:
    version = version_in(bob_client.get("/"))
    assert poll(bob_client, version).status_code == 204
    bob.set_password("a different evening walk")
    bob.save()
    answer = poll(bob_client, version)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/accounts/login/")


def test_the_banner_costs_the_home_page_one_query_and_the_partner_two_more_during_a_pause(
    couple: Couple,
    alice: User,
    alice_client: Client,
    bob_client: Client,
    practice: None,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(HOME_QUERIES):
        bob_client.get("/")
    alice_pauses(couple, alice)
    with django_assert_num_queries(HOME_QUERIES):
        alice_client.get("/")
    # The partner's banner adds the sender's shared trigger scripts and the grounding practice.
    with django_assert_num_queries(HOME_QUERIES + 2):
        bob_client.get("/")
