"""How fast due reminders reach a mail server, and what a dispatcher tick costs when nothing is due.

Run (PostgreSQL and Redis are required; the script makes and drops its own test database,
`test_` + the named database, and empties the Redis database's queue):
    DATABASE_URL=postgres://... REDIS_URL=redis://... make bench-delivery
    ... make bench-delivery ARGS="--label after"   # the heading of the entry in RESULTS.md
    ... make bench-delivery ARGS="--no-record"     # print only

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

from config.celery import app as celery_app  # noqa: E402
from couples.models import Couple, Membership, User  # noqa: E402
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

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        found = re.search(rb"^Message-ID:\s*(\S+)", envelope.original_content or b"", re.M | re.I)
        with self.lock:
            self.messages += 1
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


def run(args: argparse.Namespace) -> dict[str, Any]:
    now = timezone.now()
    print(f"Filling {args.schedules:,} schedules with {args.reminders:,} reminders due ...")
    started = time.monotonic()
    start = fill(args.schedules, args.reminders, now)
    print(f"  filled in {time.monotonic() - started:.0f} s")
    ticks = idle_ticks(args.ticks, now - timedelta(minutes=20))

    sink = Sink()
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
    worker_log, beat_log = var / "worker.log", var / "beat.log"
    worker = subprocess.Popen(
        procfile_command("worker"),
        cwd=ROOT,
        env=env,
        stdout=worker_log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    beat: subprocess.Popen[bytes] | None = None
    try:
        wait_for_worker(worker, worker_log)
        cpu_before = sum(cpu_seconds(p) for p in process_tree(worker.pid))
        beat = subprocess.Popen(
            procfile_command("beat"),
            cwd=ROOT,
            env=env,
            stdout=beat_log.open("wb"),
            stderr=subprocess.STDOUT,
        )
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
            if worker.poll() is not None:
                raise SystemExit(f"The worker stopped:\n{worker_log.read_text()}")
        elapsed = time.monotonic() - t0
        delivered = sink.messages
        # The rows are marked sent just after the mail server accepts each message.
        sent = ReminderDelivery.objects.filter(status=ReminderDelivery.Status.SENT)
        deadline = time.monotonic() + 30
        while sent.count() < delivered and time.monotonic() < deadline:
            time.sleep(0.2)
        cpu = sum(cpu_seconds(p) for p in process_tree(worker.pid)) - cpu_before
        rss = [(pid, rss_mb(pid)) for pid in process_tree(worker.pid)]
        beat.terminate()
        beat.wait(timeout=30)
        beat = None

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
    finally:
        for process in (beat, worker):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        controller.stop()


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
    title = f"## Reminder delivery, {datetime.now(UTC):%Y-%m-%d}" + (
        f" ({args.label})" if args.label else ""
    )
    entry = (
        f"\n{title}\n\n`make bench-delivery` at commit {commit}{' with local changes' if dirty else ''}"
        f", on `{machine}`, {os.cpu_count()} CPUs, PostgreSQL {args.postgres}"
        f" and Redis, load average {load} at the end, while other work may have run on the"
        f" machine.\n\n```\n{text}\n```\n"
    )
    with (ROOT / "bench" / "RESULTS.md").open("a") as results:
        results.write(entry)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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
    if args.reminders % 2 or args.reminders > args.schedules:
        raise SystemExit("--reminders must be even and at most --schedules")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            args.postgres = cursor.fetchone()[0].split()[0]
        text = profile(args) if args.profile else report(args, run(args))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(text)
    if not args.no_record and not args.profile:
        record(args, text)


if __name__ == "__main__":
    main()
