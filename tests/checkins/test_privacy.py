from __future__ import annotations

import pytest
from django.test import Client

from checkins.models import CheckIn, Entry
from couples.models import Couple, Membership, User
from tests.checkins.conftest import HTMX, URL, WEEK, text, write
from tests.conftest import client_for
from tests.factories import UserFactory

SECRET = "only-bob-knows 🦊"


def everything_alice_can_fetch(client: Client, bobs: Entry) -> dict[str, str]:
    pages = {
        "page": client.get(URL),
        "page while editing": client.get(URL + "?edit=1"),
        "page as htmx": client.get(URL, **HTMX),
        "status": client.get(f"/checkins/{WEEK}/status/"),
        "status as htmx": client.get(f"/checkins/{WEEK}/status/", **HTMX),
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
    assert "No weeks match" in text(alice_client.get("/checkins/", {"q": "only-bob"}))
    assert "No weeks match" in text(alice_client.get("/checkins/", {"q": "Overwhelmed"}))
    assert Entry.objects.get(author=bob).small_win == SECRET


def test_ones_own_draft_is_searchable_by_its_author(couple: Couple, alice_client: Client) -> None:
    alice_client.get(URL)
    write(alice_client, small_win="a picnic by the river", challenge="")
    assert "a picnic by the river" in text(alice_client.get("/checkins/", {"q": "picnic"}))


def test_a_former_partners_share_never_reveals_a_current_partners_draft(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    alice_client.get(URL)
    write(alice_client, small_win="alice-draft-win", challenge="alice-draft-challenge")
    write(bob_client, action="share", small_win="bob win", challenge="bob challenge")
    bob_client.post("/couple/leave/")
    carol = UserFactory(display_name="Carol")
    Membership.objects.create(couple=couple, user=carol)
    carol_client = client_for(carol)
    write(carol_client, action="share", small_win="carol win", challenge="carol challenge")

    page = text(carol_client.get(URL))
    assert "alice-draft" not in page
    assert CheckIn.objects.get().revealed_at is None


def test_a_former_partners_draft_stays_private_after_the_reveal(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    bob_client.get(URL)
    write(bob_client, small_win=SECRET, challenge=SECRET)
    bob_client.post("/couple/leave/")
    carol = UserFactory(display_name="Carol")
    Membership.objects.create(couple=couple, user=carol)
    carol_client = client_for(carol)
    write(alice_client, action="share", small_win="alice win", challenge="alice challenge")
    write(carol_client, action="share", small_win="carol win", challenge="carol challenge")

    assert CheckIn.objects.get().revealed_at is not None
    for client in (alice_client, carol_client):
        assert "carol win" in text(client.get(URL))
        assert SECRET not in text(client.get(URL))
        assert SECRET not in text(client.get("/checkins/", {"q": "only-bob"}))
