from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from checkins import services
from checkins.models import Entry, current_week
from core.errors import RefusedError
from couples.models import Couple, User
from tests.support.checkins import week_of
from tests.support.pages import markup, visible_words


def weeks_in(page: str) -> list[str]:
    """The ISO numbers of the weeks a history page lists, read from their links (people see
    their dates)."""
    return re.findall(r'<h3> <a href="/checkins/\d{4}-W(\d+)/">', page)


def still_open(page: str) -> str:
    """The reader's own open challenges, folded above the weeks ("" when there are none)."""
    if 'id="still-with-you"' not in page:
        return ""
    return page.split('id="still-with-you"', 1)[1].split('id="weeks-heading"', 1)[0]


def test_history_lists_every_week_newest_first_in_pages(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    for ago in range(1, 13):
        week_of(couple, alice, bob, weeks_ago=ago, resolved=True)
    first = markup(alice_client.get("/checkins/"))
    weeks = weeks_in(first)
    assert weeks == [str(n) for n in range(47, 37, -1)]
    assert "Older weeks" in first
    second = markup(alice_client.get("/checkins/", {"page": 2}))
    assert weeks_in(second) == ["37", "36"]
    assert "Newer weeks" in second


def test_a_page_past_the_end_shows_the_last_page_and_a_page_that_is_no_number_the_first(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    for ago in range(1, 13):
        week_of(couple, alice, bob, weeks_ago=ago, resolved=True)
    for asked in ("3", "99", "0", "-1", "9" * 19, "9" * 20):
        last = markup(alice_client.get("/checkins/", {"page": asked}))
        assert weeks_in(last) == ["37", "36"]
        assert "Page 2 of 2" in last
    for asked in ("", "two", "1.5"):
        first = markup(alice_client.get("/checkins/", {"page": asked}))
        assert weeks_in(first) == [str(n) for n in range(47, 37, -1)]
        assert "Page 1 of 2" in first
    nothing = markup(alice_client.get("/checkins/", {"q": "no such words", "page": "2"}))
    assert "No weeks match" in nothing
    assert "Page 1" not in nothing


def test_searching_finds_visible_words_and_keeps_the_query_in_page_links(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    week_of(couple, alice, bob, weeks_ago=1, step="Dance in the kitchen")
    for ago in range(2, 13):
        week_of(couple, alice, bob, weeks_ago=ago)
    found = markup(alice_client.get("/checkins/", {"q": "kitchen"}))
    assert weeks_in(found) == ["47"]
    assert "Older weeks" not in found

    # Twelve weeks match: the link to the older ones keeps the search.
    found = markup(alice_client.get("/checkins/", {"q": "BOB'S CHALLENGE"}))
    assert weeks_in(found) == [str(n) for n in range(47, 37, -1)]
    older = re.search(r'<a href="([^"]+)">Older weeks</a>', found)
    assert older
    assert "q=BOB%27S+CHALLENGE" in older.group(1)
    second = markup(alice_client.get("/checkins/" + html.unescape(older.group(1))))
    assert weeks_in(second) == ["37", "36"]
    assert 'value="BOB\'S CHALLENGE"' in second


def test_only_ones_own_open_challenges_are_listed_privately_until_resolved(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    checkin = week_of(couple, alice, bob, weeks_ago=2)
    page = markup(alice_client.get("/checkins/"))
    assert '<details class="fold" id="still-with-you">' in page
    assert "Alice's challenge" in still_open(page)
    # The partner's open challenge stays in the week it was shared in.
    assert "Bob's challenge" not in still_open(page)
    assert "Alice's challenge" not in still_open(markup(bob_client.get("/checkins/")))

    alices = Entry.objects.get(author=alice)
    response = alice_client.post(
        f"/checkins/{checkin.label}/entries/{alices.pk}/resolve/",
        {"resolved": "1", "next": "/checkins/"},
    )
    assert response.headers["Location"] == "/checkins/"
    assert still_open(markup(alice_client.get("/checkins/"))) == ""


def test_a_resolve_never_redirects_off_site(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    checkin = week_of(couple, alice, bob, weeks_ago=2)
    alices = Entry.objects.get(author=alice)
    response = alice_client.post(
        f"/checkins/{checkin.label}/entries/{alices.pk}/resolve/", {"next": "https://evil.example/"}
    )
    assert response.headers["Location"] == f"/checkins/{checkin.label}/"


def test_history_keeps_no_score_a_gap_is_just_a_gap(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    for ago in (1, 2, 5, 30):
        week_of(couple, alice, bob, weeks_ago=ago)
    page = alice_client.get("/checkins/").content.decode()
    assert "<svg" not in page
    words = visible_words(page).lower()
    for word in ("missed", "streak", "in a row", "met in", "weeks met", "gap"):
        assert word not in words.replace("a quiet week is just a gap", "")
    assert weeks_in(markup(page)) == ["47", "46", "43", "18"]


def test_history_and_home_link_to_this_week(couple: Couple, alice_client: Client) -> None:
    assert 'href="/checkins/this-week/"' in alice_client.get("/").content.decode()
    history = markup(alice_client.get("/checkins/"))
    assert "No check-ins yet." in history
    assert '<a href="/checkins/this-week/" class="button">Open this week\'s check-in</a>' in history


def test_a_resolve_whose_next_is_not_a_path_goes_back_to_the_week(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    checkin = week_of(couple, alice, bob, weeks_ago=2)
    alices = Entry.objects.get(author=alice)
    for junk in ("-1", "checkins", "javascript:alert(1)", "//evil.example/", "/\\evil.example/"):
        response = alice_client.post(
            f"/checkins/{checkin.label}/entries/{alices.pk}/resolve/",
            {"resolved": "1", "next": junk},
        )
        assert response.status_code == 302, junk
        assert response.headers["Location"] == f"/checkins/{checkin.label}/", junk
    alices.refresh_from_db()
    assert alices.challenge_resolved_at is not None


def test_a_former_partners_open_challenges_are_not_carried_over(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    week_of(couple, alice, bob, weeks_ago=2)
    bob_client.post("/couple/leave/")
    page = markup(alice_client.get("/checkins/"))
    assert "Alice's challenge" in still_open(page)
    assert "Bob's challenge" not in still_open(page)
    # The week itself keeps what both wrote, as it was revealed.
    assert "Bob's challenge" in page


def test_own_open_challenges_show_the_newest_ten_and_more_on_request(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    for ago in range(1, 13):
        week_of(couple, alice, bob, weeks_ago=ago)

    def shown(page: str) -> int:
        return still_open(page).count("Alice's challenge")

    first = markup(alice_client.get("/checkins/", {"q": "win"}))
    assert shown(first) == 10
    more = re.search(r'<a href="([^"]+)">Show more</a>', first)
    assert more
    # The link keeps the search and the page of weeks.
    assert "q=win" in more.group(1)
    second = markup(alice_client.get("/checkins/" + html.unescape(more.group(1))))
    assert shown(second) == 12
    assert 'value="win"' in second
    assert "Show more" not in second


def test_a_mistyped_show_more_shows_the_first_ten_and_keeps_the_search(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    for ago in range(1, 13):
        week_of(couple, alice, bob, weeks_ago=ago)
    for junk in ("abc", "-5", "0", "99999999999999999999"):
        page = alice_client.get("/checkins/", {"q": "win", "carried": junk})
        assert page.status_code == 200, junk
        shown = markup(page)
        expected = 12 if junk.startswith("9") else 10
        assert still_open(shown).count("Alice's challenge") == expected, junk
        assert 'value="win"' in shown


def test_a_challenge_rests_after_four_weeks_until_its_author_brings_it_back(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    recent = week_of(couple, alice, bob, weeks_ago=4)
    old = week_of(couple, alice, bob, weeks_ago=5)
    Entry.objects.filter(checkin=recent, author=alice).update(challenge="the recent one")
    Entry.objects.filter(checkin=old, author=alice).update(challenge="the old one")
    page = still_open(markup(alice_client.get("/checkins/")))
    awake, resting = page.split('id="resting"', 1)
    assert "the recent one" in awake
    assert "the old one" in resting
    olds = Entry.objects.get(checkin=old, author=alice)
    # Only its author brings it back.
    refused = bob_client.post(f"/checkins/{old.label}/entries/{olds.pk}/bring-back/", follow=True)
    assert "Only the person who wrote a challenge can bring it back." in markup(refused)
    response = alice_client.post(f"/checkins/{old.label}/entries/{olds.pk}/bring-back/")
    assert response.headers["Location"] == "/checkins/#still-with-you"
    page = still_open(markup(alice_client.get("/checkins/")))
    assert 'id="resting"' not in page
    assert "the old one" in page


def test_bringing_back_is_refused_to_outsiders_and_asks_anonymous_visitors_to_log_in(
    couple: Couple, alice: User, bob: User, charlie_client: Client
) -> None:
    old = week_of(couple, alice, bob, weeks_ago=6)
    olds = Entry.objects.get(checkin=old, author=alice)
    path = f"/checkins/{old.label}/entries/{olds.pk}/bring-back/"
    assert charlie_client.post(path).status_code == 404
    anonymous = Client().post(path)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/accounts/login/")
    olds.refresh_from_db()
    assert olds.challenge_brought_back_at is None


def test_each_entry_is_headed_by_whose_it_is_to_the_reader(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    checkin = week_of(couple, alice, bob, weeks_ago=2)
    week_of(couple, alice, bob, weeks_ago=3)
    Entry.objects.filter(checkin=checkin, author=alice).update(shared_at=None)
    page = markup(alice_client.get("/checkins/"))
    assert "<h4> You (private draft) </h4>" in page
    assert "<h4> You </h4>" in page
    assert "<h4> Bob </h4>" in page
    bob_client.post("/couple/leave/")
    page = markup(alice_client.get("/checkins/"))
    assert "<h4> A former partner </h4>" in page
    assert "<h4> Bob </h4>" not in page


def test_a_challenge_brought_back_rests_again_after_four_more_weeks(
    couple: Couple, alice: User, bob: User, clock: time_machine.Traveller
) -> None:
    old = week_of(couple, alice, bob, weeks_ago=6)
    olds = Entry.objects.select_related("checkin").get(checkin=old, author=alice)
    services.bring_back(entry=olds, by=alice)
    olds.refresh_from_db()
    assert not olds.resting(current_week(couple), timezone.now())
    clock.shift(timedelta(weeks=4, days=1))
    assert olds.resting(current_week(couple), timezone.now())
    services.mark_resolved(entry=olds, by=alice, resolved=True)
    with pytest.raises(RefusedError):
        services.bring_back(entry=olds, by=alice)
