from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
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
