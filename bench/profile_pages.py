"""Where each main page's time goes, in one process, next to a bare view.

Run:
    make bench-profile                                   # SQLite, database cache
    DATABASE_URL=postgres://... REDIS_URL=redis://... make bench-profile
    make bench-profile ARGS="--rounds 50 --cprofile history"   # and cProfile a page

Settings are production's (DEBUG off, so the cached template loader and the manifest static
storage, for which the static files are collected into a temporary folder first). A throw-away
test database holds one couple with a year of weekly history (both partners' entries,
reflections, steps, about two thirds of the challenges left unresolved), agreements with several
versions, past pauses, toolkit items and schedules with sent reminders. Each round requests every
page, both unchanged polls and a bare view (`HttpResponse("ok")` behind the same middleware, for
the same signed-in client, defined only in this script's URLconf), so machine noise hits all
alike. Per endpoint it prints the median time, the ratio of the bare view's median to it (the
in-process throughput ratio), and the median split into time in queries (measured with
`connection.execute_wrapper`), time rendering templates (the outermost `Template.render`, less the
queries run inside it) and the rest, with the number of queries.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import time as clock
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("HEARTH_VAR_DIR", tempfile.mkdtemp(prefix="hearth-profile-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.template import base as template_base  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

from couples.access import couple_required  # noqa: E402


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@couple_required
def chrome(request: HttpRequest) -> HttpResponse:
    """What every page of a member costs before its own content: the membership, the pause
    banner, the menu and the rest of base.html, with nothing in its content block."""
    return render(request, "base.html")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/chrome/", chrome),
    path("", include("config.urls")),
]

WEEKS = 52
PAUSES = 100
AGREEMENTS = 8
VERSIONS = 4


# Each endpoint's response size in bytes, from the warm-up request.
SIZES: dict[str, int] = {}


@dataclass
class Sample:
    total: float = 0.0
    queries: float = 0.0
    template: float = 0.0
    count: int = 0


@dataclass
class Meter:
    """Query and template time of the request being measured."""

    sample: Sample = field(default_factory=Sample)
    depth: int = 0
    queries_in_render: float = 0.0

    def query(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any
    ) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, ctx)
        finally:
            elapsed = time.perf_counter() - start
            self.sample.queries += elapsed
            self.sample.count += 1
            if self.depth:
                self.queries_in_render += elapsed


METER = Meter()
_render = template_base.Template.render


def _timed_render(self: template_base.Template, context: Any) -> Any:
    if METER.depth:
        return _render(self, context)
    METER.depth = 1
    METER.queries_in_render = 0.0
    start = time.perf_counter()
    try:
        return _render(self, context)
    finally:
        METER.sample.template += time.perf_counter() - start - METER.queries_in_render
        METER.depth = 0


template_base.Template.render = _timed_render  # type: ignore[method-assign]


@contextmanager
def measured() -> Iterator[Sample]:
    METER.sample = Sample()
    with connection.execute_wrapper(METER.query):
        start = time.perf_counter()
        yield METER.sample
        METER.sample.total = time.perf_counter() - start


def fill() -> tuple[Client, dict[str, dict[str, str]]]:
    """One couple with a year of history; returns Alice's client and the endpoints."""
    from agreements import banner
    from agreements import services as agreement_services
    from agreements.models import Agreement, Category, PauseSignal
    from checkins.models import CheckIn, Entry, Reflection, current_week
    from couples.models import Membership
    from schedules import services as schedule_services
    from schedules.models import ReminderDelivery
    from tests.factories import LONG_AGO, UserFactory, pair
    from toolkit.models import Repair, SavedTopic, TriggerScript

    alice = UserFactory(display_name="Alice", email="alice@example.com")
    bob = UserFactory(display_name="Bob", email="bob@example.com")
    couple = pair(alice, bob)
    Membership.objects.filter(couple=couple).update(joined_at=LONG_AGO)
    now = timezone.now()
    this_week = current_week(couple)

    checkins = CheckIn.objects.bulk_create(
        CheckIn(
            couple=couple,
            week_start=this_week - timedelta(weeks=ago),
            created_at=now - timedelta(weeks=ago),
            revealed_at=now - timedelta(weeks=ago),
            next_step=f"A walk on Sunday, week {ago}",
            next_step_by=alice,
            next_step_at=now - timedelta(weeks=ago),
            closed_at=now - timedelta(weeks=ago),
        )
        for ago in range(1, WEEKS + 1)
    )
    entries = Entry.objects.bulk_create(
        Entry(
            checkin=checkin,
            author=person,
            small_win=f"{person.display_name} cooked for us in week {n}",
            challenge=f"{person.display_name} felt rushed in the mornings of week {n}",
            feelings=["calm", "hopeful"],
            shared_at=checkin.revealed_at,
            revealed_at=checkin.revealed_at,
            challenge_resolved_at=checkin.revealed_at if n % 3 == 0 else None,
        )
        for n, checkin in enumerate(checkins)
        for person in (alice, bob)
    )
    Reflection.objects.bulk_create(
        Reflection(
            entry=entry,
            listener=bob if entry.author_id == alice.pk else alice,
            heard="You felt rushed and wanted more room in the morning.",
            answer="yes",
            answered_at=now,
        )
        for entry in entries
    )

    for n in range(AGREEMENTS):
        terms = agreement_services.Terms(text=f"We agree on thing {n}, version 1.")
        proposal = agreement_services.create_agreement(
            couple=couple,
            by=alice,
            title=f"Agreement {n}",
            category=Category.values[0],
            terms=terms,
        )
        agreement = Agreement.objects.get(pk=proposal.agreement_id)
        agreement_services.accept(agreement=agreement, proposal_id=proposal.pk, by=bob)
        for v in range(2, VERSIONS + 1):
            agreement.refresh_from_db()
            change = agreement_services.propose_change(
                agreement=agreement,
                by=alice if v % 2 else bob,
                terms=agreement_services.Terms(text=f"We agree on thing {n}, version {v}."),
                base_version=agreement.version,
            )
            agreement_services.accept(
                agreement=agreement, proposal_id=change.pk, by=bob if v % 2 else alice
            )

    PauseSignal.objects.bulk_create(
        PauseSignal(
            couple=couple,
            sender=alice if i % 2 else bob,
            phrase="I need a pause.",
            started_at=now - timedelta(days=3 * i + 1),
            returns_at=now - timedelta(days=3 * i + 1) + timedelta(minutes=30),
            ended_at=now - timedelta(days=3 * i + 1) + timedelta(minutes=30),
        )
        for i in range(PAUSES)
    )
    TriggerScript.objects.bulk_create(
        TriggerScript(
            couple=couple,
            author=person,
            when_i_notice=f"my jaw tightens ({i})",
            i_will="breathe and name it",
            shared_at=now if i % 2 else None,
        )
        for i in range(6)
        for person in (alice, bob)
    )
    SavedTopic.objects.bulk_create(
        SavedTopic(couple=couple, author=alice, topic=f"Topic {i}", session="next")
        for i in range(10)
    )
    Repair.objects.bulk_create(
        Repair(
            couple=couple,
            author=bob,
            acknowledgement="I spoke over you.",
            apology="I'm sorry.",
            plan="Let you finish.",
            follow_up_on=(now + timedelta(days=i)).date(),
        )
        for i in range(5)
    )
    schedule = schedule_services.create_schedule(
        couple=couple,
        by=alice,
        kind="gratitude",
        title="Gratitude",
        rrule="FREQ=WEEKLY;BYDAY=WE",
        start_time=clock(20, 0),
        duration_minutes=30,
    )
    ReminderDelivery.objects.bulk_create(
        ReminderDelivery(
            schedule=schedule,
            occurrence_start=now - timedelta(weeks=w),
            recipient=person,
            offset_minutes=60,
            status=ReminderDelivery.Status.SENT,
            sent_at=now - timedelta(weeks=w, minutes=60),
        )
        for w in range(1, WEEKS + 1)
        for person in (alice, bob)
    )

    client = Client()
    client.force_login(alice)
    client.get("/checkins/this-week/", secure=True, follow=True)  # opens this week's check-in
    week = CheckIn.objects.get(couple=couple, week_start=this_week).label
    agreement = Agreement.objects.filter(couple=couple).order_by("pk").first()
    assert agreement is not None
    stamp = banner.stamp_for_user(alice.pk)
    endpoints: dict[str, dict[str, str]] = {
        "bare view": {"path": "/bench/bare/"},
        "page chrome only": {"path": "/bench/chrome/"},
        "home": {"path": "/"},
        "this week's check-in": {"path": f"/checkins/{week}/"},
        "history": {"path": "/checkins/"},
        "agreements list": {"path": "/agreements/"},
        "agreement detail": {"path": f"/agreements/{agreement.pk}/"},
        "pause": {"path": "/pause/"},
        "schedule": {"path": "/schedule/"},
        "toolkit": {"path": "/toolkit/"},
        "check-in status poll, unchanged": {
            "path": f"/checkins/{week}/status/?own=not_started&partner=not_started",
            "htmx": "1",
        },
        "pause banner poll, unchanged": {"path": f"/pause/banner/?v={stamp}", "htmx": "1"},
    }
    return client, endpoints


def request(client: Client, spec: dict[str, str]) -> HttpResponse:
    headers = {"HTTP_HX_REQUEST": "true"} if spec.get("htmx") else {}
    return client.get(spec["path"], secure=True, **headers)  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument(
        "--cprofile", metavar="ENDPOINT", action="append", default=[], help="profile by name"
    )
    parser.add_argument(
        "--sql", metavar="ENDPOINT", action="append", default=[], help="print one request's SQL"
    )
    args = parser.parse_args()

    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    call_command("collectstatic", interactive=False, verbosity=0)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        client, endpoints = fill()
        for name, spec in endpoints.items():
            response = request(client, spec)
            expected = 204 if "unchanged" in name else 200
            assert response.status_code == expected, (name, response.status_code)
            SIZES[name] = len(response.content)
        samples: dict[str, list[Sample]] = {name: [] for name in endpoints}
        for _ in range(args.rounds):
            for name, spec in endpoints.items():
                with measured() as sample:
                    request(client, spec)
                samples[name].append(sample)
        report(samples, args.rounds)
        for name in args.sql:
            with CaptureQueriesContext(connection) as captured:
                request(client, endpoints[name])
            print(f"\n{len(captured)} queries of {endpoints[name]['path']}:")
            for query in captured.captured_queries:
                print(f"  {query['sql'][:400]}")
        for name in args.cprofile:
            profile(client, endpoints[name], args.rounds)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def report(samples: dict[str, list[Sample]], rounds: int) -> None:
    def median(name: str, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in samples[name]) * 1000

    bare_ms = median("bare view", "total")
    print(
        f"{connection.vendor}, {rounds} interleaved rounds, {WEEKS} weeks of history, "
        f"{PAUSES} past pauses, {AGREEMENTS} agreements of {VERSIONS} versions"
    )
    print(
        f"{'endpoint':34} {'ratio':>5} {'ms':>6} {'queries':>7} {'q ms':>6} "
        f"{'tpl ms':>6} {'rest':>6} {'KB':>4}"
    )
    for name, rows in samples.items():
        total, queries, template = (median(name, a) for a in ("total", "queries", "template"))
        print(
            f"{name:34} {bare_ms / total:5.2f} {total:6.2f} {rows[-1].count:7d} "
            f"{queries:6.2f} {template:6.2f} {max(0.0, total - queries - template):6.2f} "
            f"{SIZES.get(name, 0) / 1024:4.0f}"
        )


def profile(client: Client, spec: dict[str, str], rounds: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        request(client, spec)
    profiler.disable()
    print(f"\ncProfile of {spec['path']}, {rounds} requests, by own time:")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    print(f"cProfile of {spec['path']}: Hearth's own functions, by time including calls:")
    root = str(Path(__file__).resolve().parent.parent)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(rf"^{root}/(?!\.venv)", 20)


if __name__ == "__main__":
    main()
