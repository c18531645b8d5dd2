"""The check-in pages cost the same number of queries however many weeks (and feelings phrases)
a couple has kept."""

from __future__ import annotations

import pytest
from django.test import Client

from checkins.models import Entry, Reflection
from couples.models import Couple, User
from tests.checkins.conftest import HTMX, URL, WEEK, week_of, write
from toolkit.models import Phrase, PhraseGroup


@pytest.fixture(params=[1, 50], ids=["1 week", "50 weeks"])
def weeks(request: pytest.FixtureRequest, couple: Couple, alice: User, bob: User) -> int:
    for ago in range(1, request.param + 1):
        week_of(couple, alice, bob, weeks_ago=ago, step=f"step {ago}")
    Phrase.objects.bulk_create(
        Phrase(couple=couple, group=PhraseGroup.FEEL, text=f"I feel {n}", position=100 + n)
        for n in range(request.param)
    )
    return request.param


def test_the_week_page_before_the_reveal(
    weeks: int, alice_client: Client, bob_client: Client, django_assert_num_queries
) -> None:
    alice_client.get(URL)
    write(bob_client, small_win="w", challenge="c")
    # user, couple, partners, both partners' progress, visible entries, last week's step,
    # this week's check-in, the vocabulary's "I feel…" phrases for the feelings picker, and the
    # agenda's pauses of the week, agreements to revisit and repair follow-ups due (the session
    # comes from the cache)
    with django_assert_num_queries(11):
        assert alice_client.get(URL).status_code == 200


def test_the_week_page_after_the_reveal(
    weeks: int,
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    django_assert_num_queries,
) -> None:
    week_of(couple, alice, bob, weeks_ago=0)
    for entry in Entry.objects.filter(checkin__week_start__gte="2026-11-23"):
        for _ in range(weeks):
            Reflection.objects.create(entry=entry, listener=alice, heard="h", answer="not_quite")
    # ... and the reflections of both entries (no feelings picker once shared)
    with django_assert_num_queries(11):
        assert alice_client.get(URL).status_code == 200


def test_the_status_endpoint_costs_two_queries(
    weeks: int, alice_client: Client, bob_client: Client, django_assert_num_queries
) -> None:
    alice_client.get(URL)
    write(bob_client, small_win="w", challenge="c")
    # the signed-in user, then the week with both partners' progress in one query
    with django_assert_num_queries(2):
        response = alice_client.get(f"/checkins/{WEEK}/status/", **HTMX)
    assert "writing" in response.content.decode()
    with django_assert_num_queries(2):
        unchanged = alice_client.get(f"/checkins/{WEEK}/status/?shown=writing", **HTMX)
    assert unchanged.status_code == 204


def test_history(weeks: int, alice_client: Client, django_assert_num_queries) -> None:
    # user, couple, count, the page of weeks, their visible entries, carried-over challenges,
    # weeks met, partners
    with django_assert_num_queries(8):
        assert alice_client.get("/checkins/").status_code == 200
    with django_assert_num_queries(8):
        assert alice_client.get("/checkins/", {"q": "win", "page": "2"}).status_code == 200


def test_an_autosave(weeks: int, alice_client: Client, django_assert_num_queries) -> None:
    alice_client.get(URL)
    write(alice_client, htmx=True, small_win="w", challenge="")
    # user, couple, the week, her entry, the vocabulary's "I feel…" phrases (the choices the
    # feelings are checked against), then locking and updating her own row (in a savepoint)
    with django_assert_num_queries(9):
        write(alice_client, htmx=True, small_win="w2", challenge="")
