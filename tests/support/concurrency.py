"""Actions taken at one instant, as two partners' browsers may."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_at_once(*actions: Callable[[], object]) -> list[object]:
    """Run each action in its own thread (so its own database connection), released together.
    Returns what each one returned, or the exception it raised, in order. Needs
    `@pytest.mark.django_db(transaction=True)` so the threads see each other's commits."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(i: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[i] = action()
        except BaseException as e:  # handed to the test, which says what it expected
            outcomes[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "an action never finished"
    return outcomes
