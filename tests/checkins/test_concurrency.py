"""Two partners pressing Save or Share at the same moment, each in their own request."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from checkins.models import CheckIn, Entry
from couples.models import Couple, User
from tests.support.checkins import URL, write
from tests.support.people import client_for


@pytest.mark.django_db(transaction=True)
def test_saving_and_sharing_at_the_same_moment_loses_nothing_and_reveals_once(
    couple: Couple, alice: User, bob: User, at_once: Callable[..., list[object]]
) -> None:
    alice_client, bob_client = client_for(alice), client_for(bob)
    alice_client.get(URL)

    def save(client: Client, name: str) -> Callable[[], object]:
        return lambda: (
            write(client, small_win=f"{name}'s win", challenge=f"{name}'s challenge").status_code
        )

    def share(client: Client, name: str) -> Callable[[], object]:
        return lambda: (
            write(
                client, action="share", small_win=f"{name}'s win", challenge=f"{name}'s challenge"
            ).status_code
        )

    assert at_once(save(alice_client, "Alice"), save(bob_client, "Bob")) == [302, 302]
    assert Entry.objects.get(author=alice).small_win == "Alice's win"
    assert Entry.objects.get(author=bob).small_win == "Bob's win"

    assert at_once(share(alice_client, "Alice"), share(bob_client, "Bob")) == [302, 302]
    # Whichever share came second saw both and opened the week, for both entries at once.
    opened = CheckIn.objects.get().revealed_at
    assert opened is not None
    assert [e.revealed_at for e in Entry.objects.order_by("id")] == [opened, opened]
