"""How long a pause takes to reach the partner's open page, on `make run`'s stack.

Run:
    make bench-pause                                  # 20 tries on make run's defaults
    make bench-pause ARGS="--keep-alive 75"           # connections held open between polls
    make bench-pause ARGS="--tries 3 --no-record"     # a quick look, not added to RESULTS.md

It prepares a fresh SQLite database in a temporary HEARTH_VAR_DIR, with two verified people
paired through the same services the pages use, then starts the Procfile through honcho as
`make run` does: gunicorn with gunicorn.conf.py (two workers), the Celery worker and beat, on
the embedded defaults (SQLite, filesystem broker, database cache). Variables that would change
those defaults are removed from the environment first.

Two Chromium browsers sign in through the login page, one as each partner. Partner B keeps the
check-in page open for the whole run. Each try, partner A opens "I need a pause", starts one,
and the clock runs from the click until B's page shows the banner; then A ends the pause and
the clock runs until B's banner is gone. A random 0-4 s wait before each click moves the click
against the 4-second poll.

Which gunicorn worker answered what is read from gunicorn's access log: the only change to
the web command is GUNICORN_CMD_ARGS with an access log format naming the worker's pid and
the client's port (a port seen again is a connection kept alive), plus the `--keep-alive` given
here, if any. Each browser marks its requests with an extra header naming the partner, which
only that log format reads.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "a calm evening walk by the river"
PARTNERS = {"A": ("ada@example.com", "Ada"), "B": ("ben@example.com", "Ben")}
# Settings that would move the stack off make run's embedded defaults.
NOT_DEFAULTS = [
    "DATABASE_URL",
    "REDIS_URL",
    "WEB_CONCURRENCY",
    "WEB_THREADS",
    "DEBUG",
    "SMTP_HOST",
    "GUNICORN_CMD_ARGS",
    "HEARTH_VAR_DIR",
    "SITE_URL",
]
PARTNER_HEADER = "X-Hearth-Bench"
LOG_FORMAT = (
    "bench-access pid=%(p)s port=%({remote_port}e)s who=%({x-hearth-bench}i)s "
    "%(m)s %(U)s %(s)s %(M)sms"
)
LOG_LINE = re.compile(
    r"bench-access pid=<(?P<pid>\d+)> port=(?P<port>\S+) who=(?P<who>\S+) "
    r"(?P<method>\S+) (?P<path>\S+) (?P<status>\d+) (?P<ms>\d+)ms"
)
BANNER = "#pause-banner div.pause-banner"
# Run in each page before its own scripts: B's page notes, on its own clock, each time the
# banner shows or goes and each banner poll it sends, so the figures do not depend on how
# often Playwright looks.
WATCH = """
(() => {
  const seen = {changes: [], polls: []};
  window.hearthBench = seen;
  const now = () => performance.timeOrigin + performance.now();
  let shown = false;
  const check = () => {
    const banner = document.querySelector("%(selector)s");
    const visible = banner !== null && banner.checkVisibility();
    if (visible !== shown) {
      shown = visible;
      seen.changes.push([now(), visible]);
    }
  };
  new MutationObserver(check).observe(document, {childList: true, subtree: true, attributes: true});
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.pathInfo.requestPath.startsWith("/pause/banner/")) seen.polls.push(now());
  });
})();
"""
WITHIN = 5.0
TIMEOUT_MS = 30_000


@dataclass
class Request:
    pid: str
    port: str
    who: str
    method: str
    path: str
    status: int


@dataclass
class Phase:
    """One change made by A and how it reached B: seconds, or None when it never did."""

    seconds: float | None = None
    # When B's page sent the poll that brought the change, seconds after the click.
    poll_sent: float | None = None
    a_worker: str = "?"
    b_worker: str = "?"


@dataclass
class Try:
    start: Phase = field(default_factory=Phase)
    end: Phase = field(default_factory=Phase)


class AccessLog:
    """The stack's output as honcho writes it, read from where the last look stopped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.b_requests: list[Request] = []

    def read(self) -> list[Request]:
        with self.path.open("rb") as f:
            f.seek(self.offset)
            chunk = f.read()
        # Only whole lines; a partly written one waits for the next look.
        whole = chunk[: chunk.rfind(b"\n") + 1]
        self.offset += len(whole)
        found = []
        for line in whole.decode(errors="replace").splitlines():
            if match := LOG_LINE.search(line):
                found.append(
                    Request(
                        pid=match["pid"],
                        port=match["port"],
                        who=match["who"],
                        method=match["method"],
                        path=match["path"],
                        status=int(match["status"]),
                    )
                )
        self.b_requests += [r for r in found if r.who == "B"]
        return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def default_environment(var_dir: Path, port: int, keep_alive: int | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_DEFAULTS}
    gunicorn_args = [f"--access-logformat={LOG_FORMAT}"]
    if keep_alive is not None:
        gunicorn_args.append(f"--keep-alive={keep_alive}")
    env |= {
        # `uv run` puts the project's environment first on PATH; honcho finds gunicorn there.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "HEARTH_VAR_DIR": str(var_dir),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
        "GUNICORN_CMD_ARGS": shlex.join(gunicorn_args),
    }
    return env


def prepare(env: dict[str, str]) -> None:
    """Migrate as `make run` does, then pair two verified people through the services."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.db import connections

    from couples import services
    from couples.models import User

    people = {}
    for name, (email, display_name) in PARTNERS.items():
        user = User.objects.create_user(
            email, PASSWORD, display_name=display_name, time_zone="Europe/Berlin"
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        people[name] = user
    couple = services.create_couple(user=people["A"], name="Ada & Ben", time_zone="Europe/Berlin")
    _invitation, token = services.invite_partner(couple=couple, inviter=people["A"])
    services.accept_invitation(token=token, user=people["B"])
    # Playwright runs an event loop in this thread from here on; Django stays out of it.
    connections.close_all()


def start_stack(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """`make run`'s last line: honcho starts web, worker and beat from the Procfile."""
    with log_path.open("wb") as log:
        stack = subprocess.Popen(
            [sys.executable, "-m", "honcho", "start", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if stack.poll() is not None:
            raise RuntimeError(f"the stack stopped:\n{log_path.read_text()}")
        text = log_path.read_text(errors="replace")
        if len(set(re.findall(r"Booting worker with pid: (\d+)", text))) >= 2 and " ready." in text:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=5) as r:
                    if r.status == 200:
                        return stack
            except OSError:
                pass
        time.sleep(0.3)
    stop_stack(stack)
    raise RuntimeError(f"the stack did not start within 90 s:\n{log_path.read_text()}")


def stop_stack(stack: subprocess.Popen[bytes]) -> None:
    """Honcho passes the signal on to web, worker and beat and waits for them."""
    if stack.poll() is None:
        stack.send_signal(signal.SIGINT)
    try:
        stack.wait(timeout=30)
    except subprocess.TimeoutExpired:
        # Only the session this script started for honcho and its children.
        os.killpg(stack.pid, signal.SIGKILL)
        stack.wait()


def seconds_until(page: object, state: str, clicked: float, phase: Phase) -> None:
    """Wait for B's banner to reach `state`, then take the times B's page noted itself: when
    the banner changed and when it sent the poll that brought the change. The page's clock
    and `clicked` (time.time()) read the same system clock, to the millisecond."""
    from playwright.sync_api import Page
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    assert isinstance(page, Page)
    try:
        page.locator(BANNER).wait_for(state=state, timeout=TIMEOUT_MS)  # type: ignore[arg-type]
    except PlaywrightTimeout:
        return
    seen = page.evaluate("window.hearthBench")
    want = state == "visible"
    changes = [t for t, shown in seen["changes"] if shown == want and t >= clicked * 1000]
    # Only when the banner was already so before the click; then the wait is the figure.
    changed = changes[0] if changes else time.time() * 1000
    phase.seconds = (changed / 1000) - clicked
    polls = [t for t in seen["polls"] if clicked * 1000 <= t <= changed]
    phase.poll_sent = polls[-1] / 1000 - clicked if polls else None


def served(log: AccessLog, phase: Phase, a_method: str, a_path: re.Pattern[str]) -> None:
    """Which worker took A's change, and which answered the poll that brought it to B: B's
    first poll answered with a banner (200, not "nothing changed" 204) since the click."""
    time.sleep(0.5)  # let honcho write the last lines
    requests = log.read()
    for r in requests:
        if r.who == "A" and r.method == a_method and a_path.fullmatch(r.path):
            phase.a_worker = r.pid
            break
    for r in requests:
        if r.who == "B" and r.path == "/pause/banner/" and r.status == 200:
            phase.b_worker = r.pid
            break


def run_tries(base_url: str, log: AccessLog, tries: int) -> list[Try]:
    from playwright.sync_api import Page, expect, sync_playwright

    results: list[Try] = []
    with sync_playwright() as playwright:
        pages: dict[str, Page] = {}
        for who, (email, _name) in PARTNERS.items():
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            context = browser.new_context(base_url=base_url, timezone_id="Europe/Berlin")
            context.set_extra_http_headers({PARTNER_HEADER: who})
            # Through the DevTools protocol, which the page's CSP does not govern.
            context.add_init_script(WATCH % {"selector": BANNER})
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.goto("/accounts/login/")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign In").click()
            expect(page.get_by_role("button", name="Log out")).to_be_visible()
            pages[who] = page
        a, b = pages["A"], pages["B"]
        a.goto("/")
        b.goto("/checkins/this-week/")
        expect(b.get_by_role("link", name="Check-in", exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        expect(b.locator(BANNER)).to_have_count(0)
        log.read()
        for n in range(1, tries + 1):
            result = Try()
            a.get_by_role("link", name="I need a pause").click()
            expect(a.get_by_role("heading", name="Need a pause?")).to_be_visible()
            a.locator("form.pause-form input[type=radio]").first.check()
            a.get_by_label("How long do you need?").select_option("30")
            time.sleep(random.uniform(0, 4))
            log.read()
            clicked = time.time()
            a.get_by_role("button", name="Start the pause").click()
            seconds_until(b, "visible", clicked, result.start)
            expect(a.get_by_role("heading", name="You're taking a pause")).to_be_visible()
            served(log, result.start, "POST", re.compile(r"/pause/"))

            time.sleep(random.uniform(0, 4))
            log.read()
            clicked = time.time()
            a.get_by_role("button", name="End the pause now").click()
            seconds_until(b, "hidden", clicked, result.end)
            expect(a.get_by_role("heading", name="Need a pause?")).to_be_visible()
            served(log, result.end, "POST", re.compile(r"/pause/\d+/end/"))
            results.append(result)
            print(f"  try {n:2}: {figure(result.start.seconds)}, {figure(result.end.seconds)}")
        for page in pages.values():
            page.context.browser.close()  # type: ignore[union-attr]
    return results


def figure(seconds: float | None) -> str:
    return f"{seconds:6.2f}" if seconds is not None else "  >30"


def summary(name: str, values: list[float | None]) -> str:
    reached = [v for v in values if v is not None]
    within = sum(1 for v in reached if v <= WITHIN)
    spread = (
        f"min {min(reached):.2f} s, median {statistics.median(reached):.2f} s, "
        f"max {max(reached):.2f} s"
        if reached
        else "never reached"
    )
    missed = len(values) - len(reached)
    never = f", {missed} never within {TIMEOUT_MS // 1000} s" if missed else ""
    return f"{name}: {within} of {len(values)} within {WITHIN:g} s; {spread}{never}"


def report(results: list[Try], log: AccessLog, keep_alive: int | None, workers: list[str]) -> str:
    short = {pid: f"w{i}" for i, pid in enumerate(workers, 1)}

    def worker(pid: str) -> str:
        return short.get(pid, pid)

    polls = [r for r in log.b_requests if r.path == "/pause/banner/"]
    by_worker = Counter(worker(r.pid) for r in polls)
    connections = {(r.port, r.pid) for r in polls}
    keep = f"--keep-alive {keep_alive}" if keep_alive is not None else "gunicorn's default, 2 s"
    lines = [
        f"gunicorn workers {', '.join(f'{v}=pid {k}' for k, v in short.items())}; "
        f"keep-alive: {keep}",
        "shown/gone: seconds from A's click until B's open page shows the change; poll: when B "
        "sent the poll that brought it; via: worker that took A's POST -> worker that answered "
        "that poll",
        f"{'try':>3}  {'shown':>6} {'poll':>5} {'via':>7}   {'gone':>6} {'poll':>5} {'via':>7}",
    ]

    def columns(p: Phase) -> str:
        poll = f"{p.poll_sent:5.2f}" if p.poll_sent is not None else "    ?"
        return f"{figure(p.seconds)} {poll} {worker(p.a_worker) + '->' + worker(p.b_worker):>7}"

    for n, t in enumerate(results, 1):
        lines.append(f"{n:>3}  {columns(t.start)}   {columns(t.end)}")
    crossed = sum(
        1
        for t in results
        for p in (t.start, t.end)
        if "?" not in (p.a_worker, p.b_worker) and p.a_worker != p.b_worker
    )
    lines += [
        summary("pause shown", [t.start.seconds for t in results]),
        summary("pause gone", [t.end.seconds for t in results]),
        f"changes that reached B through the other worker than A's: {crossed} of "
        f"{2 * len(results)}",
        f"B's banner polls: {len(polls)}, answered by "
        + ", ".join(f"{w} {c}" for w, c in sorted(by_worker.items()))
        + f"; over {len(connections)} connections",
    ]
    return "\n".join(lines)


def record(output: str, keep_alive: int | None) -> None:
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    machine = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    command = "make bench-pause" + (f' ARGS="--keep-alive {keep_alive}"' if keep_alive else "")
    entry = (
        f"\n## Pause reach, {date.today().isoformat()}\n\n"
        f"`{command}` at commit {commit}, on `{machine}`, {os.cpu_count()} CPUs, while other "
        "work may have run on the machine.\n\n"
        f"```\n{output}\n```\n"
    )
    with RESULTS.open("a") as f:
        f.write(entry)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument(
        "--keep-alive",
        type=int,
        help="seconds gunicorn keeps an idle connection open (its default is 2, shorter "
        "than the 4-second poll); longer keeps each browser on one worker",
    )
    parser.add_argument("--no-record", action="store_true", help="do not add to RESULTS.md")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="hearth-bench-"))
    port = free_port()
    env = default_environment(var_dir, port, args.keep_alive)
    log_path = var_dir / "stack.log"
    failed = True
    try:
        prepare(env)
        stack = start_stack(env, port, log_path)
        try:
            workers = re.findall(r"Booting worker with pid: (\d+)", log_path.read_text())
            print(f"stack up on port {port}: web workers {', '.join(workers)}, Celery worker, beat")
            load = os.getloadavg()[0]
            results = run_tries(f"http://127.0.0.1:{port}", AccessLog(log_path), args.tries)
            load_note = f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
        finally:
            stop_stack(stack)
        log = AccessLog(log_path)
        log.read()
        output = report(results, log, args.keep_alive, workers) + "\n" + load_note
        print(output)
        if not args.no_record:
            record(output, args.keep_alive)
            print(f"added to {RESULTS.relative_to(ROOT)}")
        failed = False
    finally:
        if failed:
            print(f"kept {var_dir} (stack.log holds the stack's output)", file=sys.stderr)
        else:
            shutil.rmtree(var_dir)


if __name__ == "__main__":
    main()
