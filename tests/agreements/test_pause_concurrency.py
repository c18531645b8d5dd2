"""Two partners asking for a pause at the same instant end up with one pause between them."""

from __future__ import annotations

from datetime import datetime
from unittest import mock

import pytest

from agreements import services
from agreements.models import PauseSignal
from couples.models import Couple, User
from tests.support.agreements import AtTheSameInstant

PHRASE = "I need a pause."


@pytest.mark.django_db(transaction=True)
def test_two_partners_asking_at_the_same_instant_get_one_pause(
    couple: Couple, alice: User, bob: User, at_the_same_instant: AtTheSameInstant
) -> None:
    results: dict[str, tuple[int, bool]] = {}

    def ask(user: User) -> None:
        pause, started = services.start_pause(couple=couple, sender=user, phrase=PHRASE, minutes=30)
        results[user.display_name] = (pause.pk, started)

    assert at_the_same_instant(lambda: ask(alice), lambda: ask(bob)) == ["ok", "ok"]
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
    misses = [None]

    def missed_once(couple: Couple, now: datetime) -> PauseSignal | None:
        # The check before the insert finds nothing, as if Alice's pause were not committed
        # yet; the look after the refused insert sees it.
        return misses.pop() if misses else real_open_pause(couple, now)

    with mock.patch.object(services, "open_pause", side_effect=missed_once) as open_pause:
        second, started = services.start_pause(couple=couple, sender=bob, phrase=PHRASE, minutes=45)
    # Checked before the insert, then looked again after the constraint refused it.
    assert open_pause.call_count == 2
    assert (second.pk, started) == (first.pk, False)
    assert PauseSignal.objects.count() == 1
