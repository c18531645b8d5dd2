from __future__ import annotations

import html
import os
import re
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client

from config.celery import app as celery_app
from couples.models import Couple, User
from tests.factories import CoupleFactory, UserFactory, pair

# The home page: user, couple, partners, values, agreements awaiting the viewer, agreements due
# a revisit, schedules. Tests that grow one kind of data assert it stays at this.
HOME_QUERIES = 7

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # CI proves the real stack: a test that could not run there is a failure, not a pass.
    if os.environ.get("CI") and _skipped:
        print(f"\nCI does not accept skipped tests; skipped: {', '.join(_skipped)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # allauth keeps its rate limits in the cache; one test's sign-ups must not throttle the next.
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery() -> Iterator[None]:
    """Tasks run in-process unless a test starts a real worker (tests/test_celery_worker.py)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def real_worker() -> Iterator[None]:
    """A real Celery worker on the configured broker, in a thread of this process."""
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
    client = Client()
    client.force_login(user)
    return client


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


def _visible_words(page: HttpResponse | str) -> str:
    body = page if isinstance(page, str) else page.content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def words() -> Callable[[HttpResponse | str], str]:
    """What a reader sees of a page, or of a piece of one: its text without tags, with
    entities decoded and whitespace collapsed, so assertions match what is on screen."""
    return _visible_words


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
