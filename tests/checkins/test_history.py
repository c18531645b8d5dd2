from __future__ import annotations

import html
import re

from django.test import Client

from checkins.models import Entry
from couples.models import Couple, User
from tests.support.checkins import week_of
from tests.support.pages import markup


def test_history_lists_every_week_newest_first_in_pages(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    for ago in range(1, 13):
        week_of(couple, alice, bob, weeks_ago=ago, resolved=True)
    first = markup(alice_client.get("/checkins/"))
    weeks = re.findall(r"Week (\d+), ", first)
    assert weeks == [str(n) for n in range(47, 37, -1)]
    assert "Older weeks" in first
    second = markup(alice_client.get("/checkins/", {"page": 2}))
    assert re.findall(r"Week (\d+), ", second) == ["37", "36"]
    assert "Newer weeks" in second


def test_a_page_past_the_end_shows_the_last_page_and_a_page_that_is_no_number_the_first(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    for ago in range(1, 13):
        week_of(couple, alice, bob, weeks_ago=ago, resolved=True)
    for asked in ("3", "99", "0", "-1", "9" * 19, "9" * 20):
        last = markup(alice_client.get("/checkins/", {"page": asked}))
        assert re.findall(r"Week (\d+), ", last) == ["37", "36"]
        assert "Page 2 of 2" in last
    for asked in ("", "two", "1.5"):
        first = markup(alice_client.get("/checkins/", {"page": asked}))
        assert re.findall(r"Week (\d+), ", first) == [str(n) for n in range(47, 37, -1)]
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
    assert re.findall(r"Week (\d+), ", found) == ["47"]
    assert "Older weeks" not in found

    # Twelve weeks match: the link to the older ones keeps the search.
    found = markup(alice_client.get("/checkins/", {"q": "BOB'S CHALLENGE"}))
    assert re.findall(r"Week (\d+), ", found) == [str(n) for n in range(47, 37, -1)]
    older = re.search(r'<a href="([^"]+)">Older weeks</a>', found)
    assert older
    assert "q=BOB%27S+CHALLENGE" in older.group(1)
    second = markup(alice_client.get("/checkins/" + html.unescape(older.group(1))))
    assert re.findall(r"Week (\d+), ", second) == ["37", "36"]
    assert 'value="BOB\'S CHALLENGE"' in second


def test_carried_over_challenges_stay_visible_until_their_author_resolves_them(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    checkin = week_of(couple, alice, bob, weeks_ago=2)
    page = markup(alice_client.get("/checkins/"))
    assert "Still with you from earlier weeks" in page
    assert 'yours: <span dir="auto">Alice\'s challenge</span>' in page
    assert "Bob's: <span dir=\"auto\">Bob's challenge</span>" in page

    alices = Entry.objects.get(author=alice)
    response = alice_client.post(
        f"/checkins/{checkin.label}/entries/{alices.pk}/resolve/",
        {"resolved": "1", "next": "/checkins/"},
    )
    assert response.headers["Location"] == "/checkins/"
    page = markup(alice_client.get("/checkins/"))
    assert "yours: <span" not in page
    assert "Bob's: <span" in page


def test_a_resolve_never_redirects_off_site(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    checkin = week_of(couple, alice, bob, weeks_ago=2)
    alices = Entry.objects.get(author=alice)
    response = alice_client.post(
        f"/checkins/{checkin.label}/entries/{alices.pk}/resolve/", {"next": "https://evil.example/"}
    )
    assert response.headers["Location"] == f"/checkins/{checkin.label}/"


def test_the_picture_of_weeks_met_is_accessible_and_keeps_no_score(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    for ago in (1, 2, 5, 30):
        week_of(couple, alice, bob, weeks_ago=ago)
    page = alice_client.get("/checkins/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<desc" in svg
    assert svg.count('class="met"') == 3  # the week 30 weeks ago is older than six months
    assert svg.count('class="gap"') == 23
    assert "Over the last six months you met in 3 weeks." in markup(alice_client.get("/checkins/"))
    for word in ("streak", "in a row", "Alice: ", "Bob: "):
        assert word not in page


def test_history_and_home_link_to_this_week(couple: Couple, alice_client: Client) -> None:
    assert 'href="/checkins/this-week/"' in alice_client.get("/").content.decode()
    history = markup(alice_client.get("/checkins/"))
    assert "No check-ins yet." in history
    assert '<a href="/checkins/this-week/" role="button">Open this week\'s check-in</a>' in history


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
    # Only Bob could mark his challenge resolved; it no longer waits on anyone here.
    assert 'yours: <span dir="auto">Alice\'s challenge</span>' in page
    assert "a former partner's:" not in page
    assert "a former partner's:" not in page
    # The week itself keeps what both wrote, as it was revealed.
    assert "Bob's challenge" in page


def test_carried_over_challenges_show_the_newest_ten_and_more_on_request(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    for ago in range(1, 13):
        week_of(couple, alice, bob, weeks_ago=ago)

    def carried(page: str) -> list[str]:
        section = page[page.index("Still with you") : page.index("weeks-heading")]
        return re.findall(r"(yours|Bob's): <span", section)

    first = markup(alice_client.get("/checkins/", {"q": "win"}))
    assert len(carried(first)) == 10
    more = re.search(r'<a href="([^"]+)">Show more</a>', first)
    assert more
    # The link keeps the search and the page of weeks.
    assert "q=win" in more.group(1)
    second = markup(alice_client.get("/checkins/" + html.unescape(more.group(1))))
    assert len(carried(second)) == 20
    assert 'value="win"' in second
    more = re.search(r'<a href="([^"]+)">Show more</a>', second)
    assert more
    # All 24 are reachable; the last of them is the oldest week's.
    third = markup(alice_client.get("/checkins/" + html.unescape(more.group(1))))
    assert len(carried(third)) == 24
    assert "Show more" not in third


def test_a_mistyped_show_more_shows_the_first_ten_and_keeps_the_search(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    for ago in range(1, 7):
        week_of(couple, alice, bob, weeks_ago=ago)
    for junk in ("abc", "-5", "0", "99999999999999999999"):
        page = alice_client.get("/checkins/", {"q": "win", "carried": junk})
        assert page.status_code == 200, junk
        shown = markup(page)
        section = shown[shown.index("Still with you") : shown.index("weeks-heading")]
        expected = 12 if junk.startswith("9") else 10
        assert len(re.findall(r"(yours|Bob's): <span", section)) == expected, junk
        assert 'value="win"' in shown


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
