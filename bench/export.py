"""How long a person's export takes, how big it is, and how much memory it needs, for one year
and for five years of weekly history.

Run:
    make bench-export                                   # SQLite
    DATABASE_URL=postgres://... make bench-export       # PostgreSQL

Everything runs in one process against a throw-away test database. A couple keeps a full week
every week: both entries with every field written, a paraphrase of each challenge answered and
replied to, a pause, a repair, a proposal on one of their agreements (accepted), three lines of
activity, and a trigger script and a topic saved for therapy for each partner. Alice, who has
just entered her password again, downloads both files through the real view, as a browser does,
while the bench reads the stream piece by piece and throws each piece away.

Each download is measured twice: once for its time (best of a few runs), once under tracemalloc
for the peak of memory allocated while the whole file streamed, measured from just before the
request. "Memory does not grow with the history" shows as a peak ratio near 1 while the file
grows about fivefold.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

PASSWORD = "a calm evening walk"
URLS = {"json": "/settings/export/hearth.json", "html": "/settings/export/hearth.html"}
# About what a person writes into each field.
SENTENCE = "I noticed I was tired after work and still made time to listen to you properly. "


def words(n: int) -> str:
    return (SENTENCE * (n // len(SENTENCE) + 1))[:n]


def seed(weeks: int, tag: str) -> Client:
    """A couple with `weeks` weeks of history; Alice's client, signed in and re-authenticated."""
    from agreements.models import Agreement, AgreementVersion, PauseSignal
    from checkins.models import CheckIn, Entry, Reflection, current_week
    from core.models import ActivityEntry
    from couples.models import Couple, Membership, User
    from couples.signals import couple_created
    from toolkit.models import Repair, SavedTopic, TriggerScript

    alice = User.objects.create_user(f"alice-{tag}@example.com", PASSWORD, display_name="Alice")
    bob = User.objects.create_user(f"bob-{tag}@example.com", PASSWORD, display_name="Bob")
    couple = Couple.objects.create(name=f"Bench {tag}", time_zone="Europe/Berlin")
    now = timezone.now()
    began = now - timedelta(weeks=weeks + 1)
    for seat, person in enumerate((alice, bob), start=1):
        Membership.objects.create(couple=couple, user=person, seat=seat, joined_at=began)
    couple_created.send(sender=Couple, couple=couple, user=alice)

    this_week = current_week(couple)
    agreements = Agreement.objects.bulk_create(
        Agreement(
            couple=couple,
            title=f"Agreement {n}",
            category="home",
            status="active",
            created_at=began,
        )
        for n in range(20)
    )
    numbers = dict.fromkeys((a.pk for a in agreements), 0)
    for ago in range(weeks, 0, -1):
        at = now - timedelta(weeks=ago)
        checkin = CheckIn.objects.create(
            couple=couple,
            week_start=this_week - timedelta(weeks=ago),
            created_at=at,
            revealed_at=at,
            next_step=words(120),
            next_step_by=alice,
            next_step_at=at,
            closed_at=at,
        )
        entries = Entry.objects.bulk_create(
            Entry(
                checkin=checkin,
                author=person,
                small_win=words(300),
                challenge=words(400),
                appreciation=words(200),
                help_wanted=words(200),
                feelings="I feel hopeful\nI feel tired and short on patience",
                updated_at=at,
                shared_at=at,
                revealed_at=at,
            )
            for person in (alice, bob)
        )
        Reflection.objects.bulk_create(
            Reflection(
                entry=entry,
                listener=bob if entry.author_id == alice.pk else alice,
                heard=words(250),
                created_at=at,
                answer="yes",
                answered_at=at,
                reply=words(150),
                replied_at=at,
            )
            for entry in entries
        )
        PauseSignal.objects.create(
            couple=couple,
            sender=alice if ago % 2 else bob,
            phrase="I need a pause",
            started_at=at,
            returns_at=at + timedelta(minutes=20),
            ended_at=at + timedelta(minutes=25),
            end_reason="ready",
        )
        Repair.objects.create(
            couple=couple,
            author=bob if ago % 2 else alice,
            acknowledgement=words(200),
            apology=words(150),
            plan=words(200),
            follow_up_on=(at + timedelta(days=7)).date(),
            response=words(150),
            responded_by=alice if ago % 2 else bob,
            responded_at=at,
            followed_up_at=at + timedelta(days=7),
            created_at=at,
        )
        agreement = agreements[ago % len(agreements)]
        numbers[agreement.pk] += 1
        AgreementVersion.objects.create(
            agreement=agreement,
            text=words(500),
            note=words(100),
            base_version=numbers[agreement.pk] - 1,
            number=numbers[agreement.pk],
            status="accepted",
            proposed_by=alice,
            responded_by=bob,
            responded_at=at,
            created_at=at,
            expires_at=at + timedelta(days=14),
        )
        ActivityEntry.objects.bulk_create(
            ActivityEntry(couple=couple, actor=alice, message=words(80), created_at=at)
            for _ in range(3)
        )
        for person in (alice, bob):
            TriggerScript.objects.create(
                couple=couple, author=person, when_i_notice=words(120), i_will=words(120)
            )
            SavedTopic.objects.create(couple=couple, author=person, topic=words(150))
    for agreement in agreements:
        Agreement.objects.filter(pk=agreement.pk).update(version=numbers[agreement.pk])

    client = Client()
    client.force_login(alice)
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    return client


@dataclass
class Figures:
    seconds: float
    size: int
    peak: int


def stream(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = 0
    for piece in response.streaming_content:  # type: ignore[attr-defined]
        size += len(piece)
    response.close()
    return size


def measure(client: Client, url: str, runs: int) -> Figures:
    stream(client, url)  # warm up: templates compiled, caches filled
    best = float("inf")
    size = 0
    for _ in range(runs):
        start = time.perf_counter()
        size = stream(client, url)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    stream(client, url)
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    return Figures(best, size, peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", type=int, default=52, help="weeks of the short history")
    parser.add_argument("--long", type=int, default=260, help="weeks of the long history")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per download")
    args = parser.parse_args()

    settings.DEBUG = False  # no query log kept in memory, as in production
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        start = time.perf_counter()
        with transaction.atomic():
            clients = {args.short: seed(args.short, "short"), args.long: seed(args.long, "long")}
        seeded = time.perf_counter() - start
        results = {
            (weeks, kind): measure(client, url, args.runs)
            for weeks, client in clients.items()
            for kind, url in URLS.items()
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(
        f"{connection.vendor}, {args.short} and {args.long} weeks of history "
        f"(seeded in {seeded:.0f} s), best of {args.runs} runs"
    )
    print(f"{'download':<22}{'seconds':>9}{'size KiB':>11}{'peak KiB':>11}")
    for (weeks, kind), f in results.items():
        label = f"{kind}, {weeks} weeks"
        print(f"{label:<22}{f.seconds:>9.2f}{f.size / 1024:>11.0f}{f.peak / 1024:>11.0f}")
    for kind in URLS:
        short, long = results[(args.short, kind)], results[(args.long, kind)]
        print(
            f"{kind}: {args.long} weeks / {args.short} weeks: size x{long.size / short.size:.2f}, "
            f"time x{long.seconds / short.seconds:.2f}, peak memory x{long.peak / short.peak:.2f}"
        )


if __name__ == "__main__":
    main()
