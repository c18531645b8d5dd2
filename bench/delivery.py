"""How fast due reminders, or "your partner shared" notices, reach a mail server through the
outbox, and what a dispatcher tick costs when nothing is due.

Run (PostgreSQL and Redis are required; the script makes and drops its own test database,
`test_` + the named database, and empties the Redis database's queue):
    DATABASE_URL=postgres://... REDIS_URL=redis://... make bench-delivery
    ... make bench-delivery ARGS="--label after"   # the heading of the entry in RESULTS.md
    ... make bench-delivery ARGS="--no-record"     # print only
    ... make bench-delivery ARGS="--kind notices"  # the notices run (below)

The database gets 100,000 schedules by bulk insert: 50,000 couples of two, each with a weekly
check-in (reminders 24 hours and 1 hour before, next due some day of the coming week; one in ten
paused) and a second schedule. 5,000 of those second schedules have their 1-hour reminder due
now, ten minutes ago, for a conversation in 50 minutes: 10,000 reminders, one per partner.

Then Hearth runs as deployed: the worker and beat commands of the Procfile, as they are written
there (one worker process, its documented concurrency), on Redis, with SMTP pointed at a local
aiosmtpd sink in this process that counts messages, distinct Message-IDs and connections. The
clock starts when the first dispatch is enqueued, as a beat tick does; beat ticks on every
minute after. It stops when the sink holds every reminder.

Reported: reminders delivered per second and the time until all reached the sink, when all were
dispatched, the worker processes' CPU time per reminder and resident memory after the run, and
the median cost of a whole dispatcher tick (what `schedules.tasks.dispatch_reminders` runs, here
in process, just before the reminders fall due) with nothing due among the 100,000 schedules.

Every person there chose reminders by email (`NotificationPreference.reminder`), without quiet
hours: without that choice a reminder is only shown inside Hearth and never sent.

The notices run (`--kind notices`, `--count 10000`): 5,500 couples by bulk insert, each with
this week's check-in in which both partners just shared (revealed to both), so each of the
11,000 people is owed one "your partner shared" notice (`notices.models.Notice`). Everyone
hears of it by email; 10,000 have no quiet hours and 1,000 (`--quiet`, a tenth by default;
their addresses start with "quiet") are inside quiet hours covering now in their own zone
(half Berlin, half New York). With the worker up, the clock starts and one
`notices.tasks.send_notices` task per person is enqueued, as `notices.services.record` does
when the share commits; beat runs (its every-minute `send_due_notices` among the rest). It stops
when the sink holds 10,000 messages; then the queue is left to drain and a few seconds more
(`--settle`) before the sink is searched for messages to the quiet people, which must be none,
and their notices must still be waiting. Reported: notices per second, time until all reached
the sink (and the time to enqueue), messages, people and distinct Message-IDs at the sink, SMTP
connections, the quiet people's count, the worker's CPU time per notice and resident memory.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import platform
import pstats
import re
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zoneinfo
from base64 import b64decode
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# As deployed, here and in the processes started below.
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-delivery-not-secret")

import django  # noqa: E402
import redis  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import SMTP, Envelope, Session  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from checkins.models import CheckIn, Entry  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from couples.models import Couple, Membership, User  # noqa: E402
from notices import tasks as notice_tasks  # noqa: E402
from notices.models import (  # noqa: E402
    Channel,
    Notice,
    NoticeEmail,
    NotificationPreference,
)
from schedules import services, tasks  # noqa: E402
from schedules.models import ReminderDelivery, Schedule  # noqa: E402

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
BATCH = 5_000


class Sink:
    """What reached the mail server: messages, their Message-IDs, connections opened."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages = 0
        self.message_ids: set[bytes] = set()
        self.connections = 0
        self.recipients: list[str] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        found = re.search(rb"^Message-ID:\s*(\S+)", envelope.original_content or b"", re.M | re.I)
        with self.lock:
            self.messages += 1
            self.recipients.extend(envelope.rcpt_tos)
            if found:
                self.message_ids.add(found.group(1))
        return "250 OK"


class CountingController(Controller):
    def factory(self) -> SMTP:
        sink = self.handler
        assert isinstance(sink, Sink)
        with sink.lock:
            sink.connections += 1
        return SMTP(sink, hostname="sink.localhost")


def fill(schedules: int, reminders: int, now: datetime) -> datetime:
    """The schedules described above; returns the due conversations' start."""
    couples_count = schedules // 2
    due_count = reminders // 2
    couples = Couple.objects.bulk_create(
        (Couple(name=f"Space {i}", time_zone="Europe/Berlin") for i in range(couples_count)),
        batch_size=BATCH,
    )
    users = User.objects.bulk_create(
        (
            User(
                email=f"person{i}@example.com",
                display_name=f"Person {i}",
                time_zone="America/New_York" if i % 2 else "Europe/Berlin",
                password="!",
            )
            for i in range(couples_count * 2)
        ),
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        (
            Membership(couple=couples[i // 2], user=user, seat=1 + i % 2)
            for i, user in enumerate(users)
        ),
        batch_size=BATCH,
    )
    # Reminders go to whoever chose to hear of them by email (none by default), no quiet hours.
    NotificationPreference.objects.bulk_create(
        (NotificationPreference(user=user, reminder=Channel.EMAIL, asked=True) for user in users),
        batch_size=BATCH,
    )
    start = (now + timedelta(minutes=51)).replace(second=0, microsecond=0)
    wall = start.astimezone(BERLIN)

    def weekly(i: int) -> Schedule:
        return Schedule(
            couple=couples[i],
            kind=Schedule.Kind.CHECKIN,
            title="Weekly check-in",
            rrule="FREQ=WEEKLY;BYDAY=SU",
            starts_on=date(2026, 1, 4),
            start_time=wall.time(),
            time_zone="Europe/Berlin",
            reminder_offsets=[1440, 60],
            paused_at=now if i % 10 == 9 else None,
            next_reminder_at=None if i % 10 == 9 else now + timedelta(hours=1 + i % 160),
        )

    def second(i: int) -> Schedule:
        due = i < due_count
        return Schedule(
            couple=couples[i],
            kind=Schedule.Kind.CUSTOM,
            title="Evening talk",
            rrule="FREQ=DAILY",
            starts_on=wall.date() - timedelta(days=30),
            start_time=wall.time(),
            time_zone="Europe/Berlin",
            reminder_offsets=[1440, 60],
            next_reminder_at=start - timedelta(hours=1) if due else start,
        )

    Schedule.objects.bulk_create(
        (s for i in range(couples_count) for s in (weekly(i), second(i))), batch_size=BATCH
    )
    sample = Schedule.objects.filter(kind=Schedule.Kind.CUSTOM).order_by("pk").first()
    assert sample is not None
    assert sample.first_reminder_after(now - timedelta(hours=2)) == start - timedelta(hours=1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return start


def procfile_command(name: str) -> list[str]:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return shlex.split(line.split(":", 1)[1])
    raise SystemExit(f"Procfile has no {name} command")


def process_tree(pid: int) -> list[int]:
    """`pid` and its children (a prefork worker's pool processes)."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(entry.name))
    return [pid, *sorted(children)]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime, stime, and the same for children already reaped.
    ticks = sum(int(f) for f in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_worker(worker: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            break
        if celery_app.control.ping(timeout=1):
            return
    raise SystemExit(f"The worker did not start:\n{log.read_text()}")


def idle_ticks(count: int, moment: datetime) -> list[float]:
    """Seconds taken by `count` dispatcher ticks at `moment`, before anything is due: the body of
    `schedules.tasks.dispatch_reminders`, on a warm connection as in a running worker."""
    services.dispatch_due(now=moment)
    ticks = []
    for _ in range(count):
        tick_start = time.perf_counter()
        assert services.dispatch_due(now=moment) + services.requeue_stale(now=moment) == 0
        ticks.append(time.perf_counter() - tick_start)
    return ticks


@contextmanager
def deployed(sink: Sink) -> Iterator[Deployed]:
    """The worker of the Procfile, started and answering, with SMTP pointed at `sink` (on a
    free port); beat is started by `Deployed.start_beat` when the clock starts. Both are
    stopped on the way out."""
    port = free_port()
    controller = CountingController(sink, hostname="127.0.0.1", port=port)
    controller.start()
    with sink.lock:
        sink.connections = 0  # the controller's own check that it is up
    db = connection.settings_dict
    var = Path(tempfile.mkdtemp(prefix="hearth-delivery-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "HEARTH_VAR_DIR": str(var),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_USE_TLS": "false",
    }
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    celery_app.control.purge()
    worker_log = var / "worker.log"
    worker = subprocess.Popen(
        procfile_command("worker"),
        cwd=ROOT,
        env=env,
        stdout=worker_log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    running = Deployed(worker=worker, worker_log=worker_log, env=env, var=var)
    try:
        wait_for_worker(worker, worker_log)
        yield running
    finally:
        for process in (running.beat, worker):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        controller.stop()


@dataclass
class Deployed:
    worker: subprocess.Popen[bytes]
    worker_log: Path
    env: dict[str, str]
    var: Path
    beat: subprocess.Popen[bytes] | None = None

    def start_beat(self) -> None:
        self.beat = subprocess.Popen(
            procfile_command("beat"),
            cwd=ROOT,
            env=self.env,
            stdout=(self.var / "beat.log").open("wb"),
            stderr=subprocess.STDOUT,
        )

    def stop_beat(self) -> None:
        if self.beat is not None:
            self.beat.terminate()
            self.beat.wait(timeout=30)
            self.beat = None

    def cpu(self) -> float:
        return sum(cpu_seconds(p) for p in process_tree(self.worker.pid))

    def rss(self) -> list[tuple[int, float]]:
        return [(pid, rss_mb(pid)) for pid in process_tree(self.worker.pid)]

    def check(self) -> None:
        if self.worker.poll() is not None:
            raise SystemExit(f"The worker stopped:\n{self.worker_log.read_text()}")


def run(args: argparse.Namespace) -> dict[str, Any]:
    now = timezone.now()
    print(f"Filling {args.schedules:,} schedules with {args.reminders:,} reminders due ...")
    started = time.monotonic()
    start = fill(args.schedules, args.reminders, now)
    print(f"  filled in {time.monotonic() - started:.0f} s")
    ticks = idle_ticks(args.ticks, now - timedelta(minutes=20))

    sink = Sink()
    with deployed(sink) as hearth:
        cpu_before = hearth.cpu()
        hearth.start_beat()
        t0 = time.monotonic()
        tasks.dispatch_reminders.delay()
        marks: dict[int, float] = {}
        dispatched_at: float | None = None
        due = Schedule.objects.filter(next_reminder_at__lte=now)
        last_check = 0.0
        while sink.messages < args.reminders and time.monotonic() - t0 < args.timeout:
            time.sleep(0.05)
            elapsed = time.monotonic() - t0
            for step in range(1000, args.reminders + 1, 1000):
                if step not in marks and sink.messages >= step:
                    marks[step] = elapsed
            if dispatched_at is None and elapsed - last_check >= 1:
                last_check = elapsed
                if not due.exists():
                    dispatched_at = elapsed
            hearth.check()
        elapsed = time.monotonic() - t0
        delivered = sink.messages
        # The rows are marked sent just after the mail server accepts each message.
        sent = ReminderDelivery.objects.filter(status=ReminderDelivery.Status.SENT)
        deadline = time.monotonic() + 30
        while sent.count() < delivered and time.monotonic() < deadline:
            time.sleep(0.2)
        cpu = hearth.cpu() - cpu_before
        rss = hearth.rss()
        hearth.stop_beat()

        return {
            "start": start,
            "delivered": delivered,
            "elapsed": elapsed,
            "marks": marks,
            "dispatched_at": dispatched_at,
            "at_sink": sink.messages,
            "message_ids": len(sink.message_ids),
            "connections": sink.connections,
            "rows_sent": sent.count(),
            "rows": ReminderDelivery.objects.count(),
            "cpu": cpu,
            "rss": rss,
            "ticks": ticks,
        }


def fill_notices(count: int, quiet: int, now: datetime) -> None:
    """`count + quiet` people in couples of two, each partner having just shared this week's
    check-in (revealed to both), so each is owed one "your partner shared" notice. Every
    person hears of it by email; the `quiet` people (addresses quiet...@) are inside quiet
    hours that cover now, in their own zone, and must get nothing during the run."""
    people = count + quiet
    couples = Couple.objects.bulk_create(
        (Couple(name=f"Space {i}", time_zone="Europe/Berlin") for i in range(people // 2)),
        batch_size=BATCH,
    )

    def is_quiet(i: int) -> bool:
        return i >= count

    users = User.objects.bulk_create(
        (
            User(
                email=f"{'quiet' if is_quiet(i) else 'person'}{i}@example.com",
                display_name=f"Person {i}",
                time_zone="America/New_York" if i % 2 else "Europe/Berlin",
                password="!",
            )
            for i in range(people)
        ),
        batch_size=BATCH,
    )
    joined = now - timedelta(days=60)
    Membership.objects.bulk_create(
        (
            Membership(couple=couples[i // 2], user=user, seat=1 + i % 2, joined_at=joined)
            for i, user in enumerate(users)
        ),
        batch_size=BATCH,
    )

    def preference(i: int, user: User) -> NotificationPreference:
        window: dict[str, Any] = {}
        if is_quiet(i):
            local = now.astimezone(zoneinfo.ZoneInfo(user.time_zone))
            window = {
                "quiet_start": (local - timedelta(hours=2)).time().replace(microsecond=0),
                "quiet_end": (local + timedelta(hours=2)).time().replace(microsecond=0),
            }
        return NotificationPreference(user=user, shared=Channel.EMAIL, asked=True, **window)

    NotificationPreference.objects.bulk_create(
        (preference(i, user) for i, user in enumerate(users)), batch_size=BATCH
    )
    shared = now - timedelta(minutes=1)
    local_today = now.astimezone(BERLIN).date()
    checkins = CheckIn.objects.bulk_create(
        (
            CheckIn(
                couple=couple,
                week_start=local_today - timedelta(days=local_today.weekday()),
                revealed_at=shared,
            )
            for couple in couples
        ),
        batch_size=BATCH,
    )
    entries = Entry.objects.bulk_create(
        (
            Entry(
                checkin=checkins[i // 2],
                author=user,
                small_win="A walk together",
                shared_at=shared,
                revealed_at=shared,
            )
            for i, user in enumerate(users)
        ),
        batch_size=BATCH,
    )
    # Each person is told of their partner's entry (seat 1 of seat 2's, and the other way).
    Notice.objects.bulk_create(
        (
            Notice(
                recipient=user,
                couple=couples[i // 2],
                kind=Notice.Kind.ENTRY,
                thing_id=entries[i ^ 1].pk,
                created_at=shared,
            )
            for i, user in enumerate(users)
        ),
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run_notices(args: argparse.Namespace) -> dict[str, Any]:
    """The notices run: what `notices.services.record` enqueues when a partner shares (one
    `send_notices` task per person told), through the deployed worker, with beat running."""
    now = timezone.now()
    quiet = args.quiet
    print(f"Filling {args.count:,} notices owed now and {quiet:,} inside quiet hours ...")
    started = time.monotonic()
    fill_notices(args.count, quiet, now)
    print(f"  filled in {time.monotonic() - started:.0f} s")
    recipients = list(
        Notice.objects.filter(email__isnull=True)
        .order_by("pk")
        .values_list("recipient_id", flat=True)
    )
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    sink = Sink()
    with deployed(sink) as hearth:
        cpu_before = hearth.cpu()
        hearth.start_beat()
        t0 = time.monotonic()
        # As `record` does on commit, once per person told (the quiet ones included).
        for recipient_id in recipients:
            notice_tasks.send_notices.delay(recipient_id)
        enqueued = time.monotonic() - t0
        marks: dict[int, float] = {}
        while sink.messages < args.count and time.monotonic() - t0 < args.timeout:
            time.sleep(0.05)
            elapsed = time.monotonic() - t0
            for step in range(1000, args.count + 1, 1000):
                if step not in marks and sink.messages >= step:
                    marks[step] = elapsed
            hearth.check()
        elapsed = time.monotonic() - t0
        delivered = sink.messages
        # Let the queue drain (the quiet people's tasks, a beat tick) before looking for
        # anything sent to someone inside quiet hours.
        deadline = time.monotonic() + 60
        while broker.llen("celery") and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(args.settle)
        sent = NoticeEmail.objects.filter(sent_at__isnull=False)
        cpu = hearth.cpu() - cpu_before
        rss = hearth.rss()
        hearth.stop_beat()
        with sink.lock:
            quiet_reached = sum(1 for r in sink.recipients if r.startswith("quiet"))
            people = len(set(sink.recipients))
        return {
            "delivered": delivered,
            "elapsed": elapsed,
            "enqueued": enqueued,
            "tasks": len(recipients),
            "marks": marks,
            "at_sink": sink.messages,
            "people": people,
            "message_ids": len(sink.message_ids),
            "connections": sink.connections,
            "quiet_reached": quiet_reached,
            "quiet_waiting": Notice.objects.filter(
                email__isnull=True, recipient__email__startswith="quiet"
            ).count(),
            "rows": NoticeEmail.objects.count(),
            "rows_sent": sent.count(),
            "cpu": cpu,
            "rss": rss,
        }


def report_notices(args: argparse.Namespace, r: dict[str, Any]) -> str:
    wanted = args.count
    worker_command = " ".join(procfile_command("worker"))
    lines = [
        f"{wanted + args.quiet:,} people ({(wanted + args.quiet) // 2:,} couples of two, each "
        f'partner just shared), {wanted:,} "your partner shared" notices owed now by email, '
        f"{args.quiet:,} more inside quiet hours; worker: {worker_command}",
        f"{r['tasks']:,} send_notices tasks enqueued (as on commit of a share) in "
        f"{r['enqueued']:.1f} s",
        f"delivered: {r['delivered']:,} of {wanted:,} in {r['elapsed']:.1f} s, "
        f"{r['delivered'] / r['elapsed']:.1f} per second"
        + ("" if r["delivered"] >= wanted else f" (stopped at the {args.timeout} s limit)"),
        "reached the sink by: "
        + ", ".join(f"{n // 1000}k {t:.1f} s" for n, t in sorted(r["marks"].items())),
        f"at the sink after the queue drained: {r['at_sink']:,} messages to {r['people']:,} "
        f"people, {r['message_ids']:,} distinct Message-IDs, {r['connections']:,} SMTP "
        f"connections; notice emails: {r['rows']:,}, sent {r['rows_sent']:,}",
        f"inside quiet hours: {r['quiet_reached']:,} messages reached the sink, "
        f"{r['quiet_waiting']:,} notices still waiting",
        f"worker CPU: {r['cpu']:.1f} s in all, "
        f"{r['cpu'] * 1000 / max(r['delivered'], 1):.1f} ms per notice",
        "worker RSS after the run: "
        + ", ".join(
            f"{'main' if i == 0 else 'child'} {mb:.0f} MB" for i, (_pid, mb) in enumerate(r["rss"])
        ),
    ]
    return "\n".join(lines)


def profile(args: argparse.Namespace) -> str:
    """Dispatch until nothing is due, then run every queued task, in this process under cProfile,
    with SMTP to the sink: where the time and the queries go, phase by phase."""
    now = timezone.now()
    fill(args.schedules, args.reminders, now)
    sink = Sink()
    port = free_port()
    controller = CountingController(sink, hostname="127.0.0.1", port=port)
    controller.start()
    with sink.lock:
        sink.connections = 0
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 20},
        }
    }
    celery_app.control.purge()
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    out = []
    try:
        for phase in ("dispatch", "send"):
            profiler = cProfile.Profile()
            calls = 0
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                profiler.enable()
                if phase == "dispatch":
                    while Schedule.objects.filter(next_reminder_at__lte=now).exists():
                        tasks.dispatch_reminders()
                        calls += 1
                else:
                    while raw := broker.rpop("celery"):
                        message = json.loads(cast(bytes, raw))
                        args_, kwargs, _embed = json.loads(b64decode(message["body"]))
                        celery_app.tasks[message["headers"]["task"]](*args_, **kwargs)
                        calls += 1
                profiler.disable()
            seconds = time.perf_counter() - started
            out.append(
                f"{phase}: {calls} tasks, {seconds:.2f} s, "
                f"{seconds * 1000 / args.reminders:.2f} ms and "
                f"{len(queries) / args.reminders:.2f} queries per reminder"
                + (
                    f"; {sink.messages} emails over {sink.connections} SMTP connections"
                    if phase == "send"
                    else ""
                )
            )
            for order in ("cumulative", "tottime"):
                text = io.StringIO()
                pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(order).print_stats(
                    args.profile_lines
                )
                out.append(f"-- {phase}, by {order} --\n" + text.getvalue().split("\n\n", 2)[-1])
    finally:
        controller.stop()
    return "\n".join(out)


def report(args: argparse.Namespace, r: dict[str, Any]) -> str:
    wanted = args.reminders
    worker_command = " ".join(procfile_command("worker"))
    lines = [
        f"{args.schedules:,} schedules ({args.schedules // 2:,} couples of two), "
        f"{wanted:,} reminders due; worker: {worker_command}",
        f"delivered: {r['delivered']:,} of {wanted:,} in {r['elapsed']:.1f} s, "
        f"{r['delivered'] / r['elapsed']:.1f} per second"
        + ("" if r["delivered"] == wanted else f" (stopped at the {args.timeout} s limit)"),
        "reached the sink by: "
        + ", ".join(f"{n // 1000}k {t:.1f} s" for n, t in sorted(r["marks"].items())),
        "all schedules dispatched at: "
        + (
            f"{r['dispatched_at']:.0f} s"
            if r["dispatched_at"] is not None
            else "not within the run"
        ),
        f"at the sink when the rows were read: {r['at_sink']:,} messages, {r['message_ids']:,} distinct Message-IDs, "
        f"{r['connections']:,} SMTP connections; rows: {r['rows']:,}, sent {r['rows_sent']:,}",
        f"worker CPU: {r['cpu']:.1f} s in all, "
        f"{r['cpu'] * 1000 / max(r['delivered'], 1):.1f} ms per reminder",
        "worker RSS after the run: "
        + ", ".join(
            f"{'main' if i == 0 else 'child'} {mb:.0f} MB" for i, (_pid, mb) in enumerate(r["rss"])
        ),
        f"dispatcher tick with nothing due at {args.schedules:,} schedules: median "
        f"{statistics.median(r['ticks']) * 1000:.2f} ms of {len(r['ticks'])} "
        f"(min {min(r['ticks']) * 1000:.2f}, max {max(r['ticks']) * 1000:.2f})",
    ]
    return "\n".join(lines)


def record(args: argparse.Namespace, text: str) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    machine = " ".join(platform.uname()[i] for i in (0, 2, 4))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    what = "Notice" if args.kind == "notices" else "Reminder"
    command = ' ARGS="--kind notices"' if args.kind == "notices" else ""
    title = f"## {what} delivery, {datetime.now(UTC):%Y-%m-%d}" + (
        f" ({args.label})" if args.label else ""
    )
    entry = (
        f"\n{title}\n\n`make bench-delivery{command}` at commit {commit}"
        f"{' with local changes' if dirty else ''}"
        f", on `{machine}`, {os.cpu_count()} CPUs, PostgreSQL {args.postgres}"
        f" and Redis, load average {load} at the end, while other work may have run on the"
        f" machine.\n\n```\n{text}\n```\n"
    )
    with (ROOT / "bench" / "RESULTS.md").open("a") as results:
        results.write(entry)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--kind",
        choices=("reminders", "notices"),
        default="reminders",
        help='what to deliver: due reminders, or "your partner shared" notices',
    )
    parser.add_argument("--count", type=int, default=10_000, help="notices owed now (even)")
    parser.add_argument(
        "--quiet", type=int, help="notices inside quiet hours besides (even; default a tenth)"
    )
    parser.add_argument(
        "--settle", type=float, default=5, help="seconds to wait after the queue drained"
    )
    parser.add_argument("--schedules", type=int, default=100_000)
    parser.add_argument("--reminders", type=int, default=10_000, help="due reminders (even)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds to wait for delivery")
    parser.add_argument("--ticks", type=int, default=11, help="idle ticks to time")
    parser.add_argument("--label", default="", help="added to the heading in RESULTS.md")
    parser.add_argument("--no-record", action="store_true", help="do not add to RESULTS.md")
    parser.add_argument(
        "--profile", action="store_true", help="profile dispatch and sends in this process instead"
    )
    parser.add_argument("--profile-lines", type=int, default=25)
    args = parser.parse_args()
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        raise SystemExit(
            "The delivery benchmark runs on PostgreSQL and Redis: set DATABASE_URL=postgres://... "
            "and REDIS_URL=redis://..."
        )
    if args.quiet is None:
        args.quiet = args.count // 10 // 2 * 2
    if args.kind == "reminders" and (args.reminders % 2 or args.reminders > args.schedules):
        raise SystemExit("--reminders must be even and at most --schedules")
    if args.kind == "notices" and (args.count % 2 or args.quiet % 2):
        raise SystemExit("--count and --quiet must be even")
    if args.kind == "notices" and args.profile:
        raise SystemExit("--profile profiles the reminders")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            args.postgres = cursor.fetchone()[0].split()[0]
        if args.profile:
            text = profile(args)
        elif args.kind == "notices":
            text = report_notices(args, run_notices(args))
        else:
            text = report(args, run(args))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(text)
    if not args.no_record and not args.profile:
        record(args, text)


if __name__ == "__main__":
    main()
