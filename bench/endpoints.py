"""How much the polled endpoints cost next to the pages around them.

Run:
    make bench-quick                                   # SQLite, database cache
    DATABASE_URL=postgres://... REDIS_URL=redis://... make bench-quick

Everything runs in one process against a throw-away test database filled with a couple that has
a long history (past pauses and weeks of check-ins) and its seeded vocabulary and schedule. The requests are
interleaved round by round, so machine noise hits every endpoint alike, and the figures are
reported as ratios to the home page measured in the same run.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
HISTORY = int(os.environ.get("BENCH_HISTORY", "200"))


def fill() -> tuple[Client, Client, dict[str, dict[str, str]]]:
    from agreements.banner import stamp_for_user
    from agreements.models import PauseSignal
    from checkins.models import CheckIn, Entry, current_week
    from couples.models import Couple, Membership, User
    from couples.signals import couple_created

    alice = User.objects.create_user("alice@example.com", "x", display_name="Alice")
    bob = User.objects.create_user("bob@example.com", "x", display_name="Bob")
    couple = Couple.objects.create(name="Bench", time_zone="Europe/Berlin")
    Membership.objects.create(couple=couple, user=alice, seat=1)
    Membership.objects.create(couple=couple, user=bob, seat=2)
    couple_created.send(sender=Couple, couple=couple, user=alice)

    now = timezone.now()
    PauseSignal.objects.bulk_create(
        PauseSignal(
            couple=couple,
            sender=alice if i % 2 else bob,
            phrase="I need a pause.",
            started_at=now - timedelta(days=i + 1),
            returns_at=now - timedelta(days=i + 1) + timedelta(minutes=30),
            ended_at=now - timedelta(days=i + 1) + timedelta(minutes=30),
        )
        for i in range(HISTORY)
    )
    this_week = current_week(couple)
    for i in range(1, 51):
        checkin = CheckIn.objects.create(
            couple=couple, week_start=this_week - timedelta(weeks=i), revealed_at=now
        )
        for person in (alice, bob):
            Entry.objects.create(
                checkin=checkin,
                author=person,
                small_win="w",
                challenge="c",
                shared_at=now,
                revealed_at=now,
            )
    clients = []
    for person in (alice, bob):
        client = Client()
        client.force_login(person)
        clients.append(client)
    week = CheckIn(couple=couple, week_start=this_week).label
    stamp = stamp_for_user(alice.pk)
    urls = {
        "home page": {"path": "/"},
        "pause page": {"path": "/pause/"},
        # As an open page asks: htmx.
        "pause banner poll, unchanged (204)": {"path": f"/pause/banner/?v={stamp}", "htmx": "1"},
        "pause banner poll, changed": {"path": "/pause/banner/?v=stale", "htmx": "1"},
        "check-in page": {"path": f"/checkins/{week}/"},
        "check-in status poll, unchanged (204)": {
            "path": f"/checkins/{week}/status/?own=not_started&partner=not_started",
            "htmx": "1",
        },
    }
    return clients[0], clients[1], urls


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        alice, _bob, urls = fill()
        timings: dict[str, list[float]] = {name: [] for name in urls}
        queries: dict[str, int] = {}
        for name, spec in urls.items():  # warm up (the first visit creates the week), then count
            headers = {"HTTP_HX_REQUEST": "true"} if spec.get("htmx") else {}
            alice.get(spec["path"], **headers)
            with CaptureQueriesContext(connection) as ctx:
                response = alice.get(spec["path"], **headers)
            assert response.status_code in (200, 204), (name, response.status_code)
            queries[name] = len(ctx)
        for _ in range(ROUNDS):
            for name, spec in urls.items():
                headers = {"HTTP_HX_REQUEST": "true"} if spec.get("htmx") else {}
                start = time.perf_counter()
                alice.get(spec["path"], **headers)
                timings[name].append(time.perf_counter() - start)
        base = statistics.median(timings["home page"])
        engine = connection.vendor
        print(f"{engine}, {ROUNDS} interleaved rounds, {HISTORY} past pauses, 50 past weeks")
        print(f"{'endpoint':42} {'queries':>7} {'median ms':>9} {'x home':>7}")
        for name, samples in timings.items():
            median = statistics.median(samples)
            print(f"{name:42} {queries[name]:>7} {median * 1000:>9.2f} {median / base:>7.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
