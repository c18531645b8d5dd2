"""Two partners asking for a pause at the same instant end up with one pause between them."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.db import connection

from agreements import services
from agreements.models import PauseSignal
from couples.models import Couple, User
from tests.factories import UserFactory, pair

PHRASE = "I need a pause."


@pytest.mark.django_db(transaction=True)
def test_two_partners_asking_at_the_same_instant_get_one_pause() -> None:
    alice = UserFactory(display_name="Alice")
    bob = UserFactory(display_name="Bob")
    couple = pair(alice, bob)
    barrier = threading.Barrier(2)
    results: dict[str, tuple[int, bool]] = {}
    errors: list[BaseException] = []

    def ask(user: User) -> None:
        try:
            barrier.wait(timeout=10)
            pause, started = services.start_pause(
                couple=couple, sender=user, phrase=PHRASE, minutes=30
            )
            results[user.display_name] = (pause.pk, started)
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(user,)) for user in (alice, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    assert PauseSignal.objects.filter(ended_at__isnull=True).count() == 1
    assert sorted(started for _, started in results.values()) == [False, True]
    # The one who was second is shown the pause that is on.
    assert len({pk for pk, _ in results.values()}) == 1


def test_the_database_lets_only_one_open_pause_in_when_the_check_missed_it(
    couple: Couple, alice: User, bob: User
) -> None:
    """What the loser of a true race sees on PostgreSQL: both checked, both insert, the
    constraint refuses the second insert and the pause that got in is returned."""
    first, _ = services.start_pause(couple=couple, sender=alice, phrase=PHRASE, minutes=30)
    real_open_pause = services.open_pause
    calls = iter([None])

    def missed_once(*args: object) -> PauseSignal | None:
        return next(calls, None) or real_open_pause(*args)  # type: ignore[arg-type]

    with mock.patch.object(services, "open_pause", side_effect=missed_once):
        second, started = services.start_pause(couple=couple, sender=bob, phrase=PHRASE, minutes=45)
    assert (second.pk, started) == (first.pk, False)
    assert PauseSignal.objects.count() == 1
