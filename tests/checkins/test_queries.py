"""The check-in pages cost the same number of queries however many weeks (and feelings phrases)
a couple has kept."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from checkins.models import Entry, Reflection, parse_week
from couples.models import Couple, User
from tests.support.checkins import HTMX, URL, WEEK, statuses, week_of, write
from tests.support.pages import markup
from tests.support.people import join_as_new_partner
from toolkit.models import Phrase, PhraseGroup


@pytest.fixture(params=[1, 50], ids=["1 week", "50 weeks"])
def weeks(request: pytest.FixtureRequest, couple: Couple, alice: User, bob: User) -> int:
    count: int = request.param
    for ago in range(1, count + 1):
        week_of(couple, alice, bob, weeks_ago=ago, step=f"step {ago}")
    Phrase.objects.bulk_create(
        Phrase(couple=couple, group=PhraseGroup.FEEL, text=f"I feel {n}", position=100 + n)
        for n in range(count)
    )
    return count


def test_the_week_page_before_the_reveal(
    weeks: int,
    alice_client: Client,
    bob_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    alice_client.get(URL)
    write(bob_client, small_win="w", challenge="c")
    # session, user, couple with both partners, this week's check-in with last week's step,
    # the partner's progress and the conversation prompt on offer, visible entries, the
    # vocabulary's "I feel…" phrases for the feelings picker, the agenda's pauses of the week,
    # agreements to revisit and repair follow-ups due, and the pause banner
    # and the reader's new-check-in markers cleared (notices.middleware.SeenMiddleware)
    with django_assert_num_queries(10):
        page = alice_client.get(URL)
    # The page those queries paid for: both statuses, every phrase to pick, last week's step.
    assert statuses(page) == {"own-status": "not started yet", "partner-status": "writing"}
    assert all(f'value="I feel {n}"' in markup(page) for n in range(weeks))
    assert 'The small step you chose last time: <strong dir="auto">step 1</strong>' in markup(page)


def test_the_week_page_after_the_reveal(
    weeks: int,
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    week_of(couple, alice, bob, weeks_ago=0)
    for entry in Entry.objects.filter(checkin__week_start__gte="2026-11-23"):
        for _ in range(weeks):
            Reflection.objects.create(entry=entry, listener=alice, heard="h", answer="not_quite")
    # The week's first visit chooses its conversation prompt, once (tests/checkins/
    # test_prompts.py counts that visit); the page is measured as it is read from then on.
    alice_client.get(URL)
    # ... and the reflections of both entries (no feelings picker once shared)
    # and the reader's new-check-in markers cleared (notices.middleware.SeenMiddleware)
    with django_assert_num_queries(10):
        page = markup(alice_client.get(URL))
    assert "Alice's win" in page
    assert "Bob's win" in page
    assert page.count("What I heard is h") == 2 * weeks


def test_the_status_poll_costs_one_query_beyond_the_signed_in_person(
    weeks: int,
    alice_client: Client,
    bob_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    alice_client.get(URL)
    write(bob_client, small_win="w", challenge="c")
    # The session and the user, as for every view, then the week with both partners' progress
    # in one query.
    with django_assert_num_queries(3):
        response = alice_client.get(f"/checkins/{WEEK}/status/", headers=HTMX)
    assert statuses(response) == {"partner-status": "writing", "own-status": "not started yet"}
    shown = {"own": "not_started", "partner": "writing"}
    with django_assert_num_queries(3):
        unchanged = alice_client.get(f"/checkins/{WEEK}/status/", shown, headers=HTMX)
    assert unchanged.status_code == 204


def test_history(
    weeks: int, alice_client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # session, user, couple with both partners, the page of weeks with how many there are,
    # their visible entries, one's own open challenges, the pause banner (no picture of weeks
    # met any more: one fewer than before)
    with django_assert_num_queries(7):
        first = markup(alice_client.get("/checkins/"))
    assert len(re.findall(r'<h3> <a href="/checkins/', first)) == min(weeks, 10)
    assert first.count("Alice's win") == min(weeks, 10)
    # Past the last found page, one more reads the last page from the other end.
    with django_assert_num_queries(7 if weeks > 10 else 8):
        second = markup(alice_client.get("/checkins/", {"q": "win", "page": "2"}))
    # A second page of found weeks, or the only one when there are too few for two.
    assert len(re.findall(r'<h3> <a href="/checkins/', second)) == (10 if weeks > 10 else weeks)


def test_an_autosave(
    weeks: int, alice: User, alice_client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    alice_client.get(URL)
    write(alice_client, htmx=True, small_win="w", challenge="")
    # session, user, couple, the week, her entry, the vocabulary's "I feel…" phrases (the
    # choices the feelings are checked against), then locking and updating her own row (in a
    # savepoint)
    with django_assert_num_queries(10):
        saved = write(alice_client, htmx=True, small_win="w2", challenge="")
    monday = parse_week(WEEK)
    assert monday is not None
    assert Entry.objects.get(author=alice, checkin__week_start=monday).small_win == "w2"
    assert "Saved privately. Only you can see it." in markup(saved)


def test_a_new_partners_history_and_week_cost_the_same_however_much_came_before(
    weeks: int,
    alice_client: Client,
    bob_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    alice_client.get(URL)
    bob_client.post("/couple/leave/")
    _fay, fay_client = join_as_new_partner(alice_client, "Fay")
    # Alice's history's queries (no picture of weeks met), less the page of weeks and their
    # entries, as Fay has none yet: what she may read is part of each query, never one more.
    with django_assert_num_queries(6):
        history = markup(fay_client.get("/checkins/"))
    with django_assert_num_queries(6):
        searched = markup(fay_client.get("/checkins/", {"q": "win"}))
    # The week page before the reveal, as Alice's (Fay has no draft yet).
    # and the reader's new-check-in markers cleared (notices.middleware.SeenMiddleware)
    with django_assert_num_queries(10):
        page = markup(fay_client.get(URL))
    # What those queries paid for: none of the weeks Alice and Bob kept before Fay came.
    assert "No check-ins yet" in history
    assert "No weeks match" in searched
    assert "The small step you chose last time" not in page
    assert "Nothing carried over" in page
