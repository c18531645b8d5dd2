from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.utils import timezone

from checkins.models import CheckIn, Entry, Reflection, current_week
from couples.models import Couple, User
from tests.factories import UserFactory
from tests.support.checkins import HTMX, URL, WEEK, week_of, write
from tests.support.pages import markup
from tests.support.people import join_as_new_partner

SECRET = "only-bob-knows 🦊"


def everything_alice_can_fetch(client: Client, bobs: Entry) -> dict[str, str]:
    pages = {
        "page": client.get(URL),
        "page while editing": client.get(URL + "?edit=1"),
        "page as htmx": client.get(URL, headers=HTMX),
        "status": client.get(f"/checkins/{WEEK}/status/"),
        "status as htmx": client.get(f"/checkins/{WEEK}/status/", headers=HTMX),
        "her own autosave": write(client, htmx=True, small_win="mine", challenge="mine too"),
        "history": client.get("/checkins/"),
        "search": client.get("/checkins/", {"q": "only-bob"}),
        "home": client.get("/"),
        "reflecting on his entry": client.post(
            f"/checkins/{WEEK}/entries/{bobs.pk}/reflect/", {"heard": "x"}
        ),
        "resolving his challenge": client.post(f"/checkins/{WEEK}/entries/{bobs.pk}/resolve/"),
    }
    return {name: response.content.decode() for name, response in pages.items()}


@pytest.mark.parametrize("alice_shared", [False, True], ids=["alice drafting", "alice shared"])
def test_a_hidden_draft_never_leaks_to_the_partner(
    couple: Couple,
    bob: User,
    alice_client: Client,
    bob_client: Client,
    alice_shared: bool,
) -> None:
    alice_client.get(URL)
    data = {"small_win": SECRET, "challenge": SECRET, "appreciation": SECRET, "help_wanted": SECRET}
    bob_client.post(
        f"/checkins/{WEEK}/entry/", {**data, "feelings": ["I feel overwhelmed"], "save": ""}
    )
    bobs = Entry.objects.get(author=bob)
    if alice_shared:
        write(alice_client, action="share", small_win="mine", challenge="mine too")

    for name, body in everything_alice_can_fetch(alice_client, bobs).items():
        assert "only-bob-knows" not in body, name
        assert "🦊" not in body, name
    assert "No weeks match" in markup(alice_client.get("/checkins/", {"q": "only-bob"}))
    assert "No weeks match" in markup(alice_client.get("/checkins/", {"q": "Overwhelmed"}))
    assert Entry.objects.get(author=bob).small_win == SECRET


def test_ones_own_draft_is_searchable_by_its_author(couple: Couple, alice_client: Client) -> None:
    alice_client.get(URL)
    write(alice_client, small_win="a picnic by the river", challenge="")
    assert "a picnic by the river" in markup(alice_client.get("/checkins/", {"q": "picnic"}))


def test_a_former_partners_share_never_reveals_a_current_partners_draft(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    alice_client.get(URL)
    write(alice_client, small_win="alice-draft-win", challenge="alice-draft-challenge")
    write(bob_client, action="share", small_win="bob win", challenge="bob challenge")
    bob_client.post("/couple/leave/")
    _carol, carol_client = join_as_new_partner(alice_client, "Carol")
    write(carol_client, action="share", small_win="carol win", challenge="carol challenge")

    page = markup(carol_client.get(URL))
    assert "alice-draft" not in page
    assert CheckIn.objects.get().revealed_at is None


def test_a_former_partners_draft_stays_private_after_the_reveal(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    bob_client.get(URL)
    write(bob_client, small_win=SECRET, challenge=SECRET)
    bob_client.post("/couple/leave/")
    _carol, carol_client = join_as_new_partner(alice_client, "Carol")
    write(alice_client, action="share", small_win="alice win", challenge="alice challenge")
    write(carol_client, action="share", small_win="carol win", challenge="carol challenge")

    assert CheckIn.objects.get().revealed_at is not None
    for client in (alice_client, carol_client):
        assert "carol win" in markup(client.get(URL))
        assert SECRET not in markup(client.get(URL))
        assert SECRET not in markup(client.get("/checkins/", {"q": "only-bob"}))


def test_an_entry_shared_by_someone_who_left_before_the_reveal_is_never_revealed(
    couple: Couple, alice: User, alice_client: Client, bob_client: Client
) -> None:
    # Bob shares this week's entry while Alice has not; then he leaves.
    bob_client.get(URL)
    write(bob_client, action="share", small_win="bob-left-win", challenge="bob-left-challenge")
    assert bob_client.post("/couple/leave/").status_code == 302

    # Alice invites Fay, Fay joins, and both share: the week opens for the two of them.
    _fay, fay_client = join_as_new_partner(alice_client, "Fay")
    write(alice_client, action="share", small_win="alice win", challenge="alice challenge")
    write(fay_client, action="share", small_win="fay win", challenge="fay challenge")
    assert CheckIn.objects.get().revealed_at is not None

    for client in (alice_client, fay_client):
        pages = {
            "week": client.get(URL),
            "this week": client.get("/checkins/this-week/", follow=True),
            "history": client.get("/checkins/"),
            "search": client.get("/checkins/", {"q": "bob-left"}),
        }
        for name, response in pages.items():
            assert response.status_code == 200, name
            page = markup(response)
            assert "bob-left-win" not in page, name
            assert "bob-left-challenge" not in page, name
            assert "A former partner" not in page, name
            assert "a former partner" not in page, name
        assert "alice win" in markup(pages["week"])
        assert "fay win" in markup(pages["week"])
        assert "No weeks match" in markup(pages["search"])


def test_the_migration_reveals_only_what_each_opened_week_revealed(
    couple: Couple, alice: User, bob: User
) -> None:
    """Rows as the code before `Entry.revealed_at` left them, marked by the data migration."""
    migration = importlib.import_module("checkins.migrations.0004_entry_revealed_at")
    fay = UserFactory.create(display_name="Fay")
    opened = timezone.now()
    before, after = opened - timedelta(hours=1), opened + timedelta(hours=1)

    def week(weeks_ago: int, revealed_at: datetime | None) -> CheckIn:
        monday = current_week(couple) - timedelta(weeks=weeks_ago)
        return CheckIn.objects.create(couple=couple, week_start=monday, revealed_at=revealed_at)

    def entry(checkin: CheckIn, author: User, shared_at: datetime | None) -> Entry:
        return Entry.objects.create(checkin=checkin, author=author, shared_at=shared_at)

    # Alice and Bob both shared, then the week opened: both revealed.
    usual = week(4, opened)
    usual_entries = [entry(usual, alice, before), entry(usual, bob, opened)]
    # Fay shared and left before Alice and Bob opened the week: hers was never revealed.
    left_early = week(3, opened)
    fay_early = entry(left_early, fay, before - timedelta(hours=1))
    kept = [entry(left_early, alice, before), entry(left_early, bob, opened)]
    # Fay joined after the week opened and shared: hers opened as she shared it.
    joined_later = week(2, opened)
    entry(joined_later, alice, before)
    entry(joined_later, bob, opened)
    fay_later = entry(joined_later, fay, after)
    # A week that never opened, and a draft never shared in an opened week.
    closed = week(1, None)
    entry(closed, alice, before)
    entry(closed, bob, None)
    draft = entry(week(0, opened), alice, None)

    migration.mark_revealed_entries(apps, connection.schema_editor())

    def revealed_at(e: Entry) -> datetime | None:
        return Entry.objects.get(pk=e.pk).revealed_at

    assert [revealed_at(e) for e in usual_entries] == [opened, opened]
    assert revealed_at(fay_early) is None
    assert [revealed_at(e) for e in kept] == [opened, opened]
    assert revealed_at(fay_later) == after
    assert not Entry.objects.filter(checkin=closed, revealed_at__isnull=False).exists()
    assert revealed_at(draft) is None


@pytest.fixture
def listening(words: Callable[[str], str]) -> Callable[[Client], str]:
    """The listening section of this week's page, as a reader sees it."""

    def read(client: Client) -> str:
        page = client.get(URL).content.decode()
        return words(page.split('id="listening-heading"', 1)[1].split("</section>", 1)[0])

    return read


def test_what_a_former_partner_heard_and_proposed_stays_theirs(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
    listening: Callable[[Client], str],
) -> None:
    # Alice and Bob open the week; Bob says what he heard, Alice confirms, Bob replies and
    # proposes a step. Then Bob leaves and Fay joins.
    week_of(couple, alice, bob, weeks_ago=0)
    alices = Entry.objects.get(author=alice)
    bob_client.post(f"/checkins/{WEEK}/entries/{alices.pk}/reflect/", {"heard": "bob-heard"})
    heard = Reflection.objects.get()
    alice_client.post(f"/checkins/{WEEK}/reflections/{heard.pk}/answer/", {"answer": "yes"})
    bob_client.post(f"/checkins/{WEEK}/reflections/{heard.pk}/reply/", {"reply": "bob-reply"})
    bob_client.post(f"/checkins/{WEEK}/next-step/", {"next_step": "bob-step"})
    bob_client.post("/couple/leave/")
    _fay, fay_client = join_as_new_partner(alice_client, "Fay")

    # Alice reads what Bob heard as his, never as Fay's.
    seen_by_alice = listening(alice_client)
    assert "A former partner heard: What I heard is bob-heard" in seen_by_alice
    assert "A former partner replied: bob-reply" in seen_by_alice
    assert "Fay replied" not in seen_by_alice
    # Fay, who joined after the week opened, reads none of it, neither as hers nor as his.
    seen_by_fay = listening(fay_client)
    assert "bob-heard" not in seen_by_fay
    assert "bob-reply" not in seen_by_fay
    assert "You replied" not in seen_by_fay
    assert "bob-step" not in markup(fay_client.get(URL))

    # Bob's step was withdrawn when he left: nobody in the couple stands behind it, and the week
    # closes only on a step both current partners choose.
    checkin = CheckIn.objects.get()
    assert (checkin.next_step, checkin.next_step_by, checkin.next_step_at) == ("", None, None)
    assert "Agree and close the week" not in markup(fay_client.get(URL))
    assert "bob-step" not in markup(alice_client.get(URL))
    assert checkin.closed_at is None


def test_a_new_partner_reads_none_of_the_weeks_shared_before_she_joined(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    # Alice and Bob met last week and closed it with Bob's step; Alice's words this week were
    # revealed to Bob before he left.
    week_of(couple, alice, bob, weeks_ago=1, step="bob-step")
    week_of(couple, alice, bob, weeks_ago=0)
    bob_client.post("/couple/leave/")
    _fay, fay_client = join_as_new_partner(alice_client, "Fay")
    last_week = CheckIn.objects.order_by("week_start").first()
    assert last_week is not None

    history = markup(fay_client.get("/checkins/"))
    assert "Bob's" not in history
    assert "Alice's" not in history
    assert "bob-step" not in history
    assert "No check-ins yet." in history
    for q in ("win", "challenge", "bob-step"):
        assert "No weeks match" in markup(fay_client.get("/checkins/", {"q": q})), q
    # Last week was Alice and Bob's: for Fay there is no such week to open.
    earlier = fay_client.get(f"/checkins/{last_week.label}/")
    assert earlier.status_code == 404
    assert "Bob's" not in markup(earlier)
    this_week = markup(fay_client.get(URL))
    assert "Bob's" not in this_week
    assert "Alice's" not in this_week
    assert "bob-step" not in this_week

    # Alice still reads all of it, Bob's words as a former partner's.
    assert "Bob's win" in markup(alice_client.get(f"/checkins/{last_week.label}/"))
    assert "bob-step" in markup(alice_client.get(URL))
    assert "Bob's win" in markup(alice_client.get("/checkins/", {"q": "Bob"}))
