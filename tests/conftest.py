from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.test import Client
from pytest_django.fixtures import Settings

from config.celery import app as celery_app
from couples.models import Couple, User
from tests.support.concurrency import run_at_once
from tests.support.pages import Response, visible_words
from tests.support.people import client_for, make_alice, make_bob, make_charlie, make_couple
from tests.support.servers import free_port, url_of_test_database, wait_until_up
from tests.support.story import Story, tell_story

_skipped: list[str] = []


_hostile_cases: list[int] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)
    if report.when == "call":
        for name, value in report.user_properties:
            if name == "hostile_cases":
                assert isinstance(value, int)
                _hostile_cases.append(value)


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
def _fast_passwords(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Settings) -> None:
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


@pytest.fixture
def alice(db: None) -> User:
    return make_alice()


@pytest.fixture
def bob(db: None) -> User:
    return make_bob()


@pytest.fixture
def couple(alice: User, bob: User) -> Couple:
    return make_couple(alice, bob)


@pytest.fixture
def charlie(db: None) -> User:
    """Always the outsider: a member of another couple."""
    return make_charlie()


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


@pytest.fixture
def story(db: None) -> Iterator[Story]:
    """A couple one partner left and a third person joined (tests/support/story.py)."""
    with tell_story() as told:
        yield told


@pytest.fixture
def words() -> Callable[[Response | str], str]:
    """What a reader sees of a page, or of a piece of one: its text without tags, with
    entities decoded and whitespace collapsed, so assertions match what is on screen."""
    return visible_words


@pytest.fixture
def at_once() -> Callable[..., list[object]]:
    """Run each action in its own thread (so its own database connection), released together.
    Returns what each one returned, or the exception it raised, in order. Needs
    `@pytest.mark.django_db(transaction=True)` so the threads see each other's commits."""
    return run_at_once


# Real server processes (tests/support/servers.py).

ROOT = Path(__file__).resolve().parent.parent


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
        "DATABASE_URL": url_of_test_database(),
        "DEBUG": "true",
        "WEB_CONCURRENCY": "1",
        "WEB_THREADS": "1",
        "HOST": "127.0.0.1",
    }
    try:
        for name in ("a", "b"):
            port = free_port()
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
            wait_until_up(url, process, logs)
        yield started[0][0], started[1][0]
    finally:
        for _url, process in started:
            process.terminate()
        for _url, process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
