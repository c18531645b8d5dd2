"""Unread markers: what is new to a reader since they last looked (their partner shared a
check-in, proposed or answered an agreement) shows a small marker for them alone, clears when
they look, and their looking changes nothing the partner can see or download."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from couples.models import Couple, Membership, User
from notices import services
from notices.models import Notice, Unread
from tests.support.notices import propose, share
from tests.support.pages import main_content

MARKER = '<span class="dot"></span><span class="visually-hidden">new</span>'


def marker(client: Client) -> str:
    """The marker the menu shows this reader (on its Menu button, on phones), as the page
    draws it; empty when nothing is new."""
    page = client.get("/settings/").content.decode()
    nav = page.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    found = re.search(r"<summary>Menu(.*?)</summary>", nav, re.DOTALL)
    assert found is not None
    return found[1]


def marked_links(client: Client) -> list[str]:
    """The sections of the wide menu that carry the marker."""
    page = client.get("/settings/").content.decode()
    wide = page.split('class="nav-wide"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r">([^<>]+)" + re.escape(MARKER) + "</a>", wide)


def partner_view(client: Client) -> list[str]:
    """Everything Alice sees or downloads, without the per-request tokens."""
    pages = ["/", "/checkins/this-week/", "/agreements/", "/settings/", "/settings/export/"]
    seen = [
        re.sub(
            r'name="csrfmiddlewaretoken" value="\w+"', "", main_content(client.get(p, follow=True))
        )
        for p in pages
    ]
    for path in ("/settings/export/hearth.json", "/settings/export/hearth.html"):
        download = client.get(path)
        seen.append(b"".join(download.streaming_content).decode())  # type: ignore[attr-defined]
    return seen


def test_a_share_shows_a_marker_to_the_reader_only(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    share(couple, bob)
    assert marker(bob_client).strip() == ""
    share(couple, alice)
    assert marker(bob_client).strip() == MARKER
    assert marked_links(bob_client) == ["Check-in"]
    assert marker(alice_client).strip() == ""
    assert marked_links(alice_client) == []
    counts = bob_client.get("/settings/").context["unread"]
    assert (counts["checkins"], counts["agreements"], counts["all"]) == (1, 0, 1)


def test_the_marker_clears_when_the_reader_looks(
    couple: Couple, alice: User, bob: User, bob_client: Client
) -> None:
    share(couple, bob)
    share(couple, alice)
    propose(couple, alice)
    assert bob_client.get("/settings/").context["unread"]["all"] == 2
    assert bob_client.get("/checkins/this-week/", follow=True).status_code == 200
    counts = bob_client.get("/settings/").context["unread"]
    assert (counts["checkins"], counts["agreements"]) == (0, 1)
    bob_client.get("/agreements/")
    assert marker(bob_client).strip() == ""


def test_looking_changes_nothing_the_partner_sees_or_downloads(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    share(couple, bob)
    share(couple, alice)
    propose(couple, alice)
    before = partner_view(alice_client)
    bob_client.get("/checkins/this-week/", follow=True)
    bob_client.get("/agreements/")
    assert not Unread.objects.filter(reader=bob).exists()
    assert partner_view(alice_client) == before


def test_the_count_rides_on_the_pages_one_membership_query_however_much_is_new(
    couple: Couple, alice: User, bob: User, bob_client: Client
) -> None:
    """The page a reader opens reads what is new to them in the one membership query it makes
    anyway: no query of its own, and no more for 20 new things than for one."""
    costs = []
    for size in (1, 20):
        for n in range(size):
            services.record(couple=couple, actor=alice, kind=Notice.Kind.PROPOSAL, thing_id=n)
        with CaptureQueriesContext(connection) as queries:
            page = bob_client.get("/settings/")
        # Read before the next request, which empties the connection's log.
        made = [query["sql"] for query in queries.captured_queries]
        assert page.context["unread"]["agreements"] == size
        assert marked_links(bob_client) == ["Agreements"]
        [reading_unread] = [sql for sql in made if Unread._meta.db_table in sql]
        assert Membership._meta.db_table in reading_unread
        costs.append(len(made))
        services.seen(reader=bob, area=Unread.Area.AGREEMENTS)
    assert costs[0] == costs[1]
