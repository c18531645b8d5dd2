"""A pause that closes: the partner's page is written for them, with an optional "Take your
time" the sender then sees; the partner's "ready" reaches the sender; when the pause ends both
land on a gentle way back in, not on the form to start another."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from agreements.limits import PAUSE_REENTRY
from agreements.models import PauseSignal
from core.models import ActivityEntry
from couples.models import Couple
from tests.support.agreements import Post, poll, version_in
from tests.support.pages import markup, visible_words

START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
REENTRY = "Start gently: what do you each need now?"


def the_pause() -> PauseSignal:
    pause = PauseSignal.objects.order_by("-pk").first()
    assert pause is not None
    return pause


def on_pause_page(client: Client, version: str) -> str:
    """The banner's poll from the pause page."""
    answer = client.get(
        "/pause/banner/",
        {"v": version, "p": str(the_pause().pk), "on": "pause"},
        HTTP_HX_REQUEST="true",
    )
    return "" if answer.status_code == 204 else visible_words(answer)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_the_partners_page_is_written_for_the_partner_in_their_own_zone(
    clock: time_machine.Traveller, alice_client: Client, bob_client: Client, start: Post
) -> None:
    start(alice_client, minutes=40)
    page = visible_words(bob_client.get("/pause/"))
    # Bob lives in New York: 12:40 UTC is 08:40 there.
    assert "Alice asked for a pause" in page
    assert "You don't need to do anything now. Alice plans to come back by 08:40" in page
    assert ">08:40</time>." in markup(bob_client.get("/pause/"))
    assert "Take your time" in page
    assert 'class="pause-screen"' in markup(bob_client.get("/pause/"))
    sender = visible_words(alice_client.get("/pause/"))
    assert "You plan to come back by 13:40" in sender
    assert "Take your time" not in sender
    assert "You don't need to do anything now" not in sender


def test_the_partners_take_your_time_reaches_the_sender_at_once(
    clock: time_machine.Traveller,
    couple: Couple,
    alice_client: Client,
    bob_client: Client,
    start: Post,
    act: Post,
) -> None:
    start(alice_client)
    shown = version_in(alice_client.get("/pause/"))
    assert on_pause_page(alice_client, shown) == ""
    page = visible_words(act(bob_client, f"/pause/{the_pause().pk}/take-your-time/"))
    assert "You said: take your time." in page
    assert the_pause().partner_take_time_at == START
    assert "Your partner says: take your time." in on_pause_page(alice_client, shown)
    assert "Bob says: take your time." in visible_words(alice_client.get("/pause/"))
    assert "Your partner says: take your time." in visible_words(poll(alice_client, shown))
    assert not ActivityEntry.objects.filter(couple=couple).exists()


def test_only_the_partner_says_take_your_time(
    alice_client: Client, charlie_client: Client, client: Client, start: Post, act: Post
) -> None:
    start(alice_client)
    url = f"/pause/{the_pause().pk}/take-your-time/"
    assert "This is for your partner to say to you." in visible_words(act(alice_client, url))
    assert charlie_client.post(url).status_code == 404
    anonymous = client.post(url)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/accounts/login/")
    assert the_pause().partner_take_time_at is None


def test_the_partners_ready_is_shown_to_the_sender(
    clock: time_machine.Traveller, alice_client: Client, bob_client: Client, start: Post, act: Post
) -> None:
    start(alice_client, minutes=20)
    clock.shift(timedelta(minutes=20))
    shown = version_in(alice_client.get("/pause/"))
    act(bob_client, f"/pause/{the_pause().pk}/ready/")
    assert "Your partner is ready to come back, whenever you are." in on_pause_page(
        alice_client, shown
    )
    assert "Bob is ready to come back, whenever you are." in visible_words(
        alice_client.get("/pause/")
    )


def test_when_the_pause_ends_both_land_on_the_way_back_in(
    clock: time_machine.Traveller, alice_client: Client, bob_client: Client, start: Post, act: Post
) -> None:
    start(alice_client)
    shown = version_in(bob_client.get("/pause/"))
    sender = visible_words(act(alice_client, f"/pause/{the_pause().pk}/end/"))
    assert REENTRY in sender
    assert "Start the pause" not in sender
    ended = on_pause_page(bob_client, shown)
    assert "The pause has ended. Welcome back. Start gently" in ended
    partner = visible_words(bob_client.get("/pause/"))
    assert REENTRY in partner
    assert "Start the pause" not in partner
    # A new pause is one tap further, and after a while the page is the form again.
    assert "Start the pause" in visible_words(bob_client.get("/pause/", {"new": ""}))
    clock.shift(PAUSE_REENTRY)
    assert "Start the pause" in visible_words(bob_client.get("/pause/"))


def test_the_partners_page_and_answer_cost_no_more_with_take_your_time(
    alice_client: Client,
    bob_client: Client,
    start: Post,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    start(alice_client)
    # session, user, couple with both partners, the open pause, the pause protocol, the banner
    # (the pause, the sender's shared scripts and the protocol's practice)
    with django_assert_num_queries(8):
        bob_client.get("/pause/")
    # session, user, couple with both partners, the open pause, then in a transaction its row
    # locked and the write, then the messages' session
    with django_assert_num_queries(9):
        bob_client.post(f"/pause/{the_pause().pk}/take-your-time/")
    with django_assert_num_queries(8):
        bob_client.get("/pause/")
