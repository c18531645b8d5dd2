from __future__ import annotations

import fcntl
import html
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.test import Client

from config.celery import app as celery_app
from couples.models import Couple, Membership, User
from tests.factories import PASSWORD, CoupleFactory, UserFactory, pair

# The home page: session, user, couple with both partners, values, agreements due a revisit or
# awaiting the viewer, schedules, the pause banner. Tests that grow one kind of data assert
# it stays at this.
HOME_QUERIES = 7

_skipped: list[str] = []


_hostile_cases: list[int] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)
    if report.when == "call":
        _hostile_cases.extend(int(v) for k, v in report.user_properties if k == "hostile_cases")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # The hostile suite (tests/hostile/) counts the requests it sent.
    if _hostile_cases:
        terminalreporter.write_line(f"hostile cases run: {sum(_hostile_cases)}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # CI proves the real stack: a test that could not run there is a failure, not a pass.
    if os.environ.get("CI") and _skipped:
        print(f"\nCI does not accept skipped tests; skipped: {', '.join(_skipped)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache(settings) -> None:
    # allauth keeps its rate limits in the cache; one test's sign-ups must not throttle the next.
    # Each test counts under a key prefix of its own rather than emptying the store: on Redis
    # that would also empty the broker a real worker in another xdist process is reading.
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": uuid.uuid4().hex}}


@pytest.fixture(autouse=True)
def _eager_celery() -> Iterator[None]:
    """Tasks run in-process unless a test starts a real worker (tests/test_celery_worker.py)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def real_worker() -> Iterator[None]:
    """A real Celery worker on the configured broker, in a thread of this process. One at a
    time across xdist's processes: they share the broker, and a second worker would take the
    first one's messages (and run them on its own test database) or purge them."""
    with open(django_settings.VAR_DIR / "real-worker.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        celery_app.conf.task_always_eager = False
        # Nothing left in the queue by `make run` or an earlier run is delivered here.
        celery_app.control.purge()
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield


def wait_for_mail(count: int, seconds: float = 30) -> None:
    """Wait, within a bound, for a real worker's emails to reach the outbox."""
    deadline = time.monotonic() + seconds
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.fixture
def alice(db: None) -> User:
    return UserFactory(email="alice@example.com", display_name="Alice", time_zone="Europe/Berlin")


@pytest.fixture
def bob(db: None) -> User:
    return UserFactory(email="bob@example.com", display_name="Bob", time_zone="America/New_York")


@pytest.fixture
def couple(alice: User, bob: User) -> Couple:
    return pair(alice, bob, couple=CoupleFactory(name="Alice & Bob"))


@pytest.fixture
def charlie(db: None) -> User:
    """Always the outsider: a member of another couple."""
    user = UserFactory(email="charlie@example.com", display_name="Charlie")
    pair(user, couple=CoupleFactory(name="Charlie's place"))
    return user


def main_content(response: HttpResponse) -> str:
    """A page's <main>, without the per-request CSP nonce and CSRF token around it."""
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]


def client_for(user: User) -> Client:
    """A browser `user` has just signed in with, having entered their password a moment ago:
    within the few minutes' grace, sensitive acts do not ask for it again (tests/couples/
    test_reauth.py travels past the grace, or signs in without it, to see them ask)."""
    client = Client()
    client.force_login(user)
    password_entered_now(client, user)
    return client


def reenter_password(client: Client) -> None:
    """The person in `client` re-enters their password on allauth's page, as a browser would
    when a sensitive act asks for it."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def password_entered_now(client: Client, user: User) -> None:
    """Record in `client`'s session that `user` entered their password just now, as allauth's
    re-authentication page records it."""
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


def join_as_new_partner(inviter: Client, name: str) -> tuple[User, Client]:
    """`inviter` makes an invitation link on the couple page; a new person opens it and joins
    through the join page."""
    inviter.post("/couple/invite/", {"email": ""})
    join_path = re.search(r"/join/[\w-]+/", inviter.get("/couple/").content.decode())
    assert join_path, "no invitation link on the couple page"
    newcomer = UserFactory(display_name=name)
    client = client_for(newcomer)
    assert client.post(join_path.group(0)).status_code == 302
    assert Membership.objects.filter(user=newcomer).exists()
    return newcomer, client


@pytest.fixture
def alice_client(alice: User, couple: Couple) -> Client:
    return client_for(alice)


@pytest.fixture
def bob_client(bob: User, couple: Couple) -> Client:
    return client_for(bob)


@pytest.fixture
def charlie_client(charlie: User) -> Client:
    return client_for(charlie)


# Shared by every app's tests: what a reader sees of a page, and actions taken at one instant.


def visible_words(page: HttpResponse | str) -> str:
    body = page if isinstance(page, str) else page.content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def words() -> Callable[[HttpResponse | str], str]:
    """What a reader sees of a page, or of a piece of one: its text without tags, with
    entities decoded and whitespace collapsed, so assertions match what is on screen."""
    return visible_words


def _run_at_once(*actions: Callable[[], object]) -> list[object]:
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


@pytest.fixture
def at_once() -> Callable[..., list[object]]:
    """Run each action in its own thread (so its own database connection), released together.
    Returns what each one returned, or the exception it raised, in order. Needs
    `@pytest.mark.django_db(transaction=True)` so the threads see each other's commits."""
    return _run_at_once


# Real server processes: Hearth always runs as several (gunicorn workers, the Celery worker and
# beat), so what one process changes must be what every other one reads.

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Answer:
    status: int
    body: str
    location: str

    @property
    def text(self) -> str:
        """The body as read: whitespace collapsed, entities decoded."""
        return html.unescape(" ".join(self.body.split()))


@dataclass
class Visitor:
    """One person's browser: its own cookies, sent to whichever server process it asks, as a
    load balancer or a kept-alive connection would."""

    cookies: dict[str, str] = field(default_factory=dict)

    @classmethod
    def signed_in(cls, user: User) -> Visitor:
        """A fresh session for `user`, committed to the test database."""
        return cls({"sessionid": client_for(user).cookies["sessionid"].value})

    def copy(self) -> Visitor:
        return Visitor(dict(self.cookies))

    def get(self, server: str, path: str) -> Answer:
        return self._send(server, "GET", path, None)

    def post(self, server: str, path: str, data: dict[str, str] | None = None) -> Answer:
        if "csrftoken" not in self.cookies:
            self.get(server, path)  # the form's page sets the CSRF cookie, as in a browser
        token = {"csrfmiddlewaretoken": self.cookies["csrftoken"]}
        return self._send(server, "POST", path, {**(data or {}), **token})

    def _send(self, server: str, method: str, path: str, data: dict[str, str] | None) -> Answer:
        host, port = server.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=20)
        # One site whatever process answers, as behind a load balancer: allauth keys its
        # attempt counts by the site's host.
        headers = {
            "Host": "localhost",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Answer(response.status, text, response.headers.get("Location", ""))


def _test_database_url() -> str:
    """The test database as a DATABASE_URL, for processes started by the tests."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        credentials += f":{quote(db['PASSWORD'], safe='')}"
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def servers(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """Two gunicorn servers, each one process, on the test database: Hearth's web processes
    as `make run` starts them. Tests using them need `transactional_db`, so what they write is
    committed and the servers see it."""
    logs = tmp_path_factory.mktemp("servers")
    started: list[tuple[str, subprocess.Popen[bytes]]] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _test_database_url(),
        "DEBUG": "true",
        "WEB_CONCURRENCY": "1",
        "WEB_THREADS": "1",
        "HOST": "127.0.0.1",
    }
    try:
        for name in ("a", "b"):
            port = _free_port()
            with open(logs / f"{name}.log", "wb") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "config.wsgi"],
                    cwd=ROOT,
                    env={**env, "PORT": str(port)},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            started.append((f"http://127.0.0.1:{port}", process))
        for url, process in started:
            _wait_until_up(url, process, logs)
        yield started[0][0], started[1][0]
    finally:
        for _url, process in started:
            process.terminate()
        for _url, process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], logs: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if Visitor().get(url, "/healthz/").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    output = "\n".join(p.read_text() for p in logs.glob("*.log"))
    raise RuntimeError(f"{url} did not start:\n{output}")


# Migration tests: a database as it was before a change, brought back to today's schema.


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)  # a fresh one knows what is applied now


def latest() -> list[tuple[str, str | None]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@contextmanager
def migrated_back_to(targets: list[tuple[str, str | None]]) -> Iterator[MigrationExecutor]:
    """The schema at `targets`; the latest schema comes back afterwards, whatever happens, since
    the rest of the suite needs it."""
    ends = latest()
    try:
        yield migrate(targets)
    finally:
        migrate(ends)
