"""The week's agenda: agreements to revisit and repair follow-ups once their day has come, and
the pauses of that week as plain entries. "Today" is the couple's home-zone date (Berlin)."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from agreements.models import PauseSignal
from checkins.models import CheckIn
from couples.models import Couple, User
from tests.support.agreements import agreed
from tests.support.checkins import NOW, URL, week_of
from toolkit.models import Repair

TOMORROW = date(2026, 11, 26)
# Thursday 26 November has begun in Berlin (UTC+1) but not yet in UTC.
BERLIN_TOMORROW = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)


def agenda(client: Client, path: str = URL) -> str:
    page = html.unescape(" ".join(client.get(path).content.decode().split()))
    return page.split('id="before-you-start"', 1)[1].split("</details>", 1)[0]


def repair(
    couple: Couple, author: User, *, on: date, plan: str = "I'll ask before I assume"
) -> Repair:
    return Repair.objects.create(
        couple=couple,
        author=author,
        acknowledgement="I assumed the worst.",
        apology="I'm sorry I snapped.",
        plan=plan,
        follow_up_on=on,
    )


def pause(
    couple: Couple, sender: User, *, at: datetime, phrase: str = "I need a pause"
) -> PauseSignal:
    return PauseSignal.objects.create(
        couple=couple,
        sender=sender,
        phrase=phrase,
        started_at=at,
        returns_at=at + timedelta(minutes=30),
        ended_at=at + timedelta(minutes=45),
        end_reason=PauseSignal.EndReason.READY,
    )


def test_an_agreement_is_on_the_agenda_once_its_revisit_date_has_come(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    phones = agreed(couple, alice, bob, revisit_by=TOMORROW)
    before = agenda(alice_client)
    assert "Phones at dinner" not in before
    assert "Nothing carried over." in before

    with time_machine.travel(BERLIN_TOMORROW):
        due = agenda(alice_client)
    assert "Agreements to revisit" in due
    assert f'<a href="/agreements/{phones.pk}/" dir="auto">Phones at dinner</a>' in due


def test_a_repair_follow_up_is_on_the_agenda_once_due_and_until_followed_up(
    couple: Couple, alice: User, bob_client: Client, alice_client: Client
) -> None:
    made = repair(couple, alice, on=TOMORROW)
    assert "I'll ask before I assume" not in agenda(bob_client)

    with time_machine.travel(BERLIN_TOMORROW):
        due = agenda(bob_client)
        assert "Repair follow-ups" in due
        assert (
            f'<a href="/toolkit/repairs/{made.pk}/" dir="auto">I\'ll ask before I assume</a>' in due
        )
        assert "Alice" not in due  # the agenda names what to follow up, not who made it
        alice_client.post(f"/toolkit/repairs/{made.pk}/followed-up/")
        assert "I'll ask before I assume" not in agenda(bob_client)


def test_the_pauses_of_the_week_are_listed_plainly_in_the_viewers_time_zone(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
    words: Callable[[str], str],
) -> None:
    # Sunday 22 November 23:30 in Berlin: last week.
    pause(couple, bob, at=datetime(2026, 11, 22, 22, 30, tzinfo=UTC), phrase="Last week's pause")
    # Monday 23 November 00:30 in Berlin (Sunday evening in New York): this week.
    pause(couple, bob, at=datetime(2026, 11, 22, 23, 30, tzinfo=UTC), phrase="Too much, sorry")
    pause(couple, alice, at=datetime(2026, 11, 24, 18, 0, tzinfo=UTC), phrase="Let's stop here")

    seen_by_alice = words(agenda(alice_client))
    assert "Pauses this week" in seen_by_alice
    assert "Last week's pause" not in seen_by_alice
    assert "Mon 23 Nov 2026, 00:30 · “Too much, sorry” · 45 min" in seen_by_alice
    assert "Tue 24 Nov 2026, 19:00 · “Let's stop here” · 45 min" in seen_by_alice
    # Plain entries: no names, no counts.
    assert "Alice" not in seen_by_alice
    assert "Bob" not in seen_by_alice

    seen_by_bob = words(agenda(bob_client))
    assert "Sun 22 Nov 2026, 18:30 · “Too much, sorry” · 45 min" in seen_by_bob
    assert "Tue 24 Nov 2026, 13:00 · “Let's stop here” · 45 min" in seen_by_bob


def test_a_pause_is_on_the_agenda_of_its_own_week_only_and_once_it_has_ended(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    earlier = pause(couple, alice, at=datetime(2026, 11, 17, 9, 0, tzinfo=UTC), phrase="Tuesday")
    week_of(couple, alice, bob, weeks_ago=1)
    assert "Tuesday" not in agenda(alice_client)
    assert "“Tuesday”" in agenda(alice_client, "/checkins/2026-W47/")
    earlier.delete()

    on = pause(couple, alice, at=NOW - timedelta(minutes=5), phrase="Right now")
    on.ended_at = None
    on.save()
    assert "Right now" not in agenda(alice_client)


@pytest.mark.parametrize("size", [1, 20])
def test_the_check_in_page_costs_the_same_with_1_or_20_of_each_agenda_item(
    size: int,
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for n in range(size):
        agreed(couple, alice, bob, title=f"Agreement {n}", revisit_by=date(2026, 11, 1))
        repair(couple, bob, on=date(2026, 11, 2), plan=f"Plan {n}")
        pause(couple, bob, at=datetime(2026, 11, 23, 8, n, tzinfo=UTC), phrase=f"Pause {n}")
    alice_client.get(URL)
    assert CheckIn.objects.filter(couple=couple).exists()
    # session, user, couple with both partners, this week's check-in with last week's step,
    # the partner's progress and its conversation prompt, visible entries, the "I feel…"
    # phrases, one each for the agenda's pauses, agreements to revisit and repair follow-ups,
    # and the pause banner
    with django_assert_num_queries(10):
        page = agenda(alice_client)
    assert page.count("<li>") == 3 * size
