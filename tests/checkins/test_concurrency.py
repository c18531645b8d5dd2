"""Two partners pressing Save or Share at the same moment, each in their own request."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from checkins.models import CheckIn, Entry
from couples.models import Couple, User
from tests.checkins.conftest import URL, write
from tests.conftest import client_for


def at_once(*actions: Callable[[], object]) -> list[object]:
    """Run each action in its own thread (its own database connection), released together."""
    start = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(i: int, action: Callable[[], object]) -> None:
        start.wait()
        try:
            results[i] = action()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_saving_and_sharing_at_the_same_moment_loses_nothing_and_reveals_once(
    couple: Couple, alice: User, bob: User
) -> None:
    alice_client, bob_client = client_for(alice), client_for(bob)
    alice_client.get(URL)

    def save(client: Client, name: str) -> Callable[[], object]:
        return lambda: write(client, small_win=f"{name}'s win", challenge=f"{name}'s challenge")

    def share(client: Client, name: str) -> Callable[[], object]:
        return lambda: (
            write(
                client, action="share", small_win=f"{name}'s win", challenge=f"{name}'s challenge"
            ).status_code
        )

    at_once(save(alice_client, "Alice"), save(bob_client, "Bob"))
    assert Entry.objects.get(author=alice).small_win == "Alice's win"
    assert Entry.objects.get(author=bob).small_win == "Bob's win"

    assert at_once(share(alice_client, "Alice"), share(bob_client, "Bob")) == [302, 302]
    assert Entry.objects.filter(shared_at__isnull=False).count() == 2
    assert CheckIn.objects.get().revealed_at is not None
