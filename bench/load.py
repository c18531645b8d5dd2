"""What each page and poll costs at scale, under real HTTP load, next to a bare signed-in view.

Run (PostgreSQL and Redis must be reachable; see bench/README.md):
    make bench                                    # 1,000 couples x 52 weeks, about 10 minutes
    make bench BENCH_COUPLES=10000 BENCH_RESEED=1 # the full scale (seeding takes a few minutes)
    make bench BENCH_NOTE="after the history paging"

1. The scale database (BENCH_DATABASE_URL, created if missing) is migrated and, when it holds no
   couples (or BENCH_RESEED=1 empties it), filled by `manage.py seed_scale`.
2. bench/prepare.py signs members of distinct couples in by writing their sessions, and counts
   each endpoint's queries for one request.
3. gunicorn starts with the production-like settings of docker-compose.yml: DEBUG off, a
   SECRET_KEY, SECURE_SSL_REDIRECT off, WEB_CONCURRENCY=4 workers of WEB_THREADS=1 thread
   (gunicorn.conf.py), PostgreSQL and Redis, static files collected for WhiteNoise. Its
   URLconf is bench/urls.py: Hearth's URLs plus the bare view.
4. locust (as a library, in this process) runs BENCH_USERS users. For throughput they never
   wait; each request is one endpoint for a member picked at random. The run goes through phases of
   BENCH_PHASE_SECONDS in which every user requests the same endpoint, with a phase of the bare
   view before every two endpoints and after the last: [bare, a, b, bare, c, d, bare, ...].
   Between phases no request starts until every one under way is answered; each phase is
   measured from half a second in.
   There are BENCH_RUNS runs, each in another order (as listed, reversed, rotated by half).
   Then latency: the same users as members would be, each asking about once a second (a pause
   of 0.5 to 1.5 s between the answer and the next request), one endpoint per phase of
   BENCH_LATENCY_SECONDS; p50/p95/p99 come from these phases. (Users that never wait only
   measure a queue: at 20 of them, p95 is about 20 / throughput for every endpoint.)
5. Each endpoint's throughput is divided by the mean throughput of the two bare phases around
   it, so what slows the machine for a minute slows both. The table prints the ratio's range
   over the runs, the median requests per second, the latency percentiles, the p95 of the
   throughput phases (a queue), and the queries and size of one request; then the resident
   memory of each gunicorn process. The whole is appended to bench/RESULTS.md (BENCH_RECORD=0 to skip).
"""

from __future__ import annotations

# isort: off
# locust patches the standard library for gevent on import: it comes before everything else.
from locust import FastHttpUser, constant, events, task

# isort: on

import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import gevent
import psycopg
from locust.env import Environment

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
VAR = ROOT / "var" / "bench"
PLAN = VAR / "plan.json"


def setting(name: str, default: str) -> str:
    return os.environ.get(name) or default


DATABASE_URL = setting("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hearth_scale")
REDIS_URL = setting("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
COUPLES = int(setting("BENCH_COUPLES", "1000"))
WEEKS = int(setting("BENCH_WEEKS", "52"))
RESEED = setting("BENCH_RESEED", "0") == "1"
USERS = int(setting("BENCH_USERS", "20"))
RUNS = int(setting("BENCH_RUNS", "3"))
PHASE = float(setting("BENCH_PHASE_SECONDS", "8"))
SETTLE = 0.5  # users reach full speed again after a phase change
WARMUP = float(setting("BENCH_WARMUP_SECONDS", "10"))
LATENCY_PHASE = float(setting("BENCH_LATENCY_SECONDS", "10"))
MEMBERS = int(setting("BENCH_MEMBERS", "100"))
WORKERS = setting("WEB_CONCURRENCY", "4")
THREADS = setting("WEB_THREADS", "1")
PORT = setting("BENCH_PORT", "8765")
RECORD = setting("BENCH_RECORD", "1") == "1"
NOTE = setting("BENCH_NOTE", "")
TARGETS = {"page": 0.35, "poll": 0.70}
# One key for this run's servers and sessions: a session carries a hash keyed with it.
SECRET_KEY = secrets.token_urlsafe(50)
P95_TARGET_MS = 100


def server_env() -> dict[str, str]:
    """What the servers, the seeding and the preparation run with."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "SECURE_SSL_REDIRECT": "false",
        "HEARTH_VAR_DIR": str(VAR),
        "HOST": "127.0.0.1",
        "PORT": PORT,
        "WEB_CONCURRENCY": WORKERS,
        "WEB_THREADS": THREADS,
        "LOG_LEVEL": "WARNING",
    }
    env.pop("SITE_URL", None)
    return env


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=server_env(), check=True)


def ensure_database() -> None:
    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def couples_in_database() -> int:
    with psycopg.connect(DATABASE_URL) as conn:
        row = conn.execute("SELECT count(*) FROM couples_couple").fetchone()
    return int(row[0]) if row else 0


def seed() -> int:
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    found = couples_in_database()
    if found and RESEED:
        print(f"emptying the scale database ({found} couples)")
        manage("flush", "--noinput")
        found = 0
    if not found:
        manage("seed_scale", "--couples", str(COUPLES), "--weeks", str(WEEKS))
        found = couples_in_database()
    elif found != COUPLES:
        print(
            f"the scale database holds {found} couples (BENCH_COUPLES={COUPLES}); measuring "
            "those. BENCH_RESEED=1 seeds it again."
        )
    return found


def start_server() -> subprocess.Popen[bytes]:
    print(f"starting gunicorn: {WORKERS} workers of {THREADS} threads on port {PORT}")
    log = (VAR / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi"],
        cwd=ROOT,
        env=server_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # Three workers importing Django on a busy two-core machine can take a minute or more.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz/", timeout=10) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    server.wait(timeout=60)
    sys.exit(f"gunicorn did not answer on port {PORT}; see {VAR / 'gunicorn.log'}")


def _children(pid: int) -> list[str]:
    """The ids of the processes `pid` started."""
    listed = Path(f"/proc/{pid}/task/{pid}/children")
    if listed.exists():
        return listed.read_text().split()
    # A kernel built without that file: the processes whose parent is `pid`, from their stat
    # ("pid (name) state ppid ...").
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state_and_parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, IndexError):
            continue
        if state_and_parent[1:] == [str(pid)]:
            found.append(stat.parent.name)
    return found


def resident_mb(server: subprocess.Popen[bytes]) -> list[tuple[str, float]]:
    """Resident memory of the gunicorn master and each worker, read from /proc."""
    children = _children(server.pid)
    found = []
    for role, pid in [("master", str(server.pid))] + [("worker", p) for p in children]:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                found.append((f"{role} {pid}", int(line.split()[1]) / 1024))
    return found


# The load --------------------------------------------------------------------------------------


@dataclass
class Load:
    plan: dict[str, Any]
    endpoint: str | None = None  # None: every request picks one (the warm-up)
    # Between phases no request starts until every one under way is answered.
    draining: bool = False
    in_flight: int = 0
    # Latency phases: each user waits 0.5-1.5 s between an answer and its next request.
    paced: bool = False
    samples: list[tuple[str, float, float, int, bool]] = field(default_factory=list)

    def record(self, name: str, start: float, ms: float, size: int, ok: bool) -> None:
        self.samples.append((name, start, ms, size, ok))


LOAD: Load


class Member(FastHttpUser):
    wait_time = constant(0)

    @task
    def visit(self) -> None:
        if LOAD.draining:
            gevent.sleep(0.01)
            return
        LOAD.in_flight += 1
        try:
            self.fetch()
        finally:
            LOAD.in_flight -= 1
        if LOAD.paced:
            gevent.sleep(random.uniform(0.5, 1.5))

    def fetch(self) -> None:
        endpoints = LOAD.plan["endpoints"]
        name = LOAD.endpoint or random.choice(endpoints)["name"]
        endpoint = next(e for e in endpoints if e["name"] == name)
        member = random.choice(LOAD.plan["members"])
        headers = {"Cookie": member["cookie"]}
        if endpoint["kind"] == "poll":
            headers["HX-Request"] = "true"
        with self.client.get(
            member["paths"][name],
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != endpoint["expect"]:
                response.failure(f"answered {response.status_code}")


@events.request.add_listener
def _on_request(
    name: str,
    start_time: float,
    response_time: float,
    response_length: int,
    exception: Any,
    **kw: Any,
) -> None:
    LOAD.record(name, start_time, response_time, response_length, exception is None)


def orders(names: list[str]) -> list[list[str]]:
    """Each run's phases: the endpoints in another order each run, the bare view before every
    two and after the last."""
    half = len(names) // 2
    runs = [names, names[::-1], names[half:] + names[:half]]
    phases = []
    for run in range(RUNS):
        order = runs[run % len(runs)]
        sequence = []
        for i in range(0, len(order), 2):
            sequence += ["bare", *order[i : i + 2]]
        phases.append([*sequence, "bare"])
    return phases


@dataclass
class Phase:
    run: int
    name: str
    start: float
    end: float
    rate: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    paced: bool = False


def measure_phase(run: int, name: str, seconds: float, *, paced: bool = False) -> Phase:
    # The previous phase's last requests are answered before this one starts, so its slow
    # requests never count against the next.
    LOAD.draining = True
    while LOAD.in_flight:
        gevent.sleep(0.01)
    LOAD.endpoint = name
    LOAD.paced = paced
    LOAD.draining = False
    start = time.time()
    gevent.sleep(seconds)
    return Phase(run, name, start, time.time(), paced=paced)


def run_load(plan: dict[str, Any]) -> list[Phase]:
    global LOAD
    LOAD = Load(plan)
    env = Environment(user_classes=[Member], events=events, host=f"http://127.0.0.1:{PORT}")
    runner = env.create_local_runner()
    runner.start(USERS, spawn_rate=USERS)
    print(f"warming up for {WARMUP:.0f} s with {USERS} users")
    gevent.sleep(WARMUP)
    names = [e["name"] for e in plan["endpoints"] if e["name"] != "bare"]
    phases = []
    for run, sequence in enumerate(orders(names)):
        print(f"run {run + 1} of {RUNS}: {len(sequence)} phases of {PHASE:.0f} s")
        phases += [measure_phase(run, name, PHASE) for name in sequence]
    print(
        f"latency: {len(names) + 1} phases of {LATENCY_PHASE:.0f} s, each user about once a second"
    )
    phases += [measure_phase(RUNS, name, LATENCY_PHASE, paced=True) for name in ["bare", *names]]
    runner.quit()
    for phase in phases:
        begin = phase.start + SETTLE
        done = [
            s
            for s in LOAD.samples
            if s[0] == phase.name and begin <= s[1] + s[2] / 1000 <= phase.end
        ]
        phase.rate = len(done) / (phase.end - begin)
        phase.latencies = [s[2] for s in done]
        phase.failures = sum(1 for s in done if not s[4])
    # Every request and phase, for a closer look after the run.
    (VAR / "last-run.json").write_text(
        json.dumps({"samples": LOAD.samples, "phases": [vars(p) for p in phases]})
    )
    return phases


# The report ------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0


def ratios(phases: list[Phase], name: str) -> list[float]:
    """The endpoint's throughput over the mean of the bare phases just before and after it."""
    phases = [p for p in phases if not p.paced]
    found = []
    for i, this in enumerate(phases):
        if this.name != name:
            continue
        before = next(p for p in reversed(phases[:i]) if p.name == "bare" and p.run == this.run)
        after = next(p for p in phases[i + 1 :] if p.name == "bare" and p.run == this.run)
        bare = (before.rate + after.rate) / 2
        if bare:
            found.append(this.rate / bare)
    return found


def report(plan: dict[str, Any], phases: list[Phase], memory: list[tuple[str, float]]) -> str:
    lines = [
        f"{'endpoint':34} {'queries':>7} {'KB':>6} {'x bare (min-max)':>16} {'req/s':>6} "
        f"{'p50':>5} {'p95':>5} {'p99':>5} {'queue':>5} {'fail':>4}  target",
    ]
    for endpoint in plan["endpoints"]:
        name = endpoint["name"]
        mine = [p for p in phases if p.name == name]
        latencies = [ms for p in mine if p.paced for ms in p.latencies]
        queued = [ms for p in mine if not p.paced for ms in p.latencies]
        rate = statistics.median(p.rate for p in mine if not p.paced)
        p95 = percentile(latencies, 95)
        if name == "bare":
            shown, verdict = "1.00", ""
        else:
            found = ratios(phases, name) or [0.0]
            low, high = min(found), max(found)
            shown = f"{low:.2f}-{high:.2f}"
            goal = TARGETS[endpoint["kind"]]
            verdict = f">={goal:.2f} {'met' if low >= goal else 'missed'}"
        verdict += f"{'; ' if verdict else ''}p95 {'met' if p95 < P95_TARGET_MS else 'missed'}"
        lines.append(
            f"{endpoint['label']:34} {endpoint['queries']:>7} {endpoint['bytes'] / 1024:>6.1f} "
            f"{shown:>16} {rate:>6.0f} {percentile(latencies, 50):>5.0f} {p95:>5.0f} "
            f"{percentile(latencies, 99):>5.0f} {percentile(queued, 95):>5.0f} "
            f"{sum(p.failures for p in mine):>4}  {verdict}"
        )
    lines.append(
        f"p50/p95/p99: ms, {USERS} users each asking about once a second; queue: p95 in ms of "
        "the throughput phases, where no user waits"
    )
    lines.append(
        "resident memory after the run: " + ", ".join(f"{role} {mb:.0f} MB" for role, mb in memory)
    )
    return "\n".join(lines)


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    return f"{os.cpu_count()} CPUs ({model})"


def revision() -> str:
    """The commit measured (read as the run starts) and its branch."""
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    branch = subprocess.run(
        ["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return f"{commit} ({branch})"


def record(table: str, couples: int, commit: str, load_before: str, load_after: str) -> None:
    with psycopg.connect(DATABASE_URL) as conn:
        version = conn.execute("SHOW server_version").fetchone()
    title = f"Load, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC" + (f": {NOTE}" if NOTE else "")
    entry = (
        f"\n## {title}\n\n"
        f"`make bench` at commit {commit}, on {machine()}, load average "
        f"{load_before} before and {load_after} after, while other work may have run on the "
        f"machine. {couples} seeded couples with {WEEKS} weeks of history (`seed_scale`); "
        f"PostgreSQL {version[0] if version else '?'}, Redis; gunicorn with DEBUG off, "
        f"{WORKERS} workers of {THREADS} threads; locust with {USERS} users that never wait, "
        f"{RUNS} runs of phases of {PHASE:.0f} s (each begun once the previous one's requests "
        "were answered), each endpoint between two phases of the bare view; then one phase "
        f"of {LATENCY_PHASE:.0f} s per endpoint with each user asking about once a second.\n\n"
        f"```\n{table}\n```\n"
    )
    with RESULTS.open("a") as f:
        f.write(entry)


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it happens, also in a log
    VAR.mkdir(parents=True, exist_ok=True)
    commit = revision()
    ensure_database()
    couples = seed()
    subprocess.run(
        [sys.executable, "bench/prepare.py", "--members", str(MEMBERS), "--out", str(PLAN)],
        cwd=ROOT,
        env=server_env(),
        check=True,
    )
    plan = json.loads(PLAN.read_text())
    for endpoint in plan["endpoints"]:
        print(f"  {endpoint['label']}: {endpoint['queries']} queries")
    load_before = load_average()
    server = start_server()
    try:
        phases = run_load(plan)
        memory = resident_mb(server)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    table = report(plan, phases, memory)
    print()
    print(table)
    if RECORD:
        record(table, couples, commit, load_before, load_average())
        print(f"added to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
