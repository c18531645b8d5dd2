"""A real Celery worker on the configured broker (the filesystem broker locally, Redis in CI's
second run) picks up the invitation task and sends the email."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from config.celery import app as celery_app
from couples import services
from tests.factories import UserFactory, pair


@pytest.fixture
def real_worker() -> Iterator[None]:
    celery_app.conf.task_always_eager = False
    # Nothing left in the queue by `make run` or an earlier run is delivered here.
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def wait_for_mail(count: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_invitation_email(real_worker: None) -> None:
    alice = UserFactory(display_name="Alice")
    couple = pair(alice)
    services.invite_partner(couple=couple, inviter=alice, email="bob@example.com")

    wait_for_mail(1)
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert "/join/" in mail.outbox[0].body
