"""A real Celery worker's emails, which arrive a moment after the test enqueued them."""

from __future__ import annotations

import time

from django.core import mail


def wait_for_mail(count: int, seconds: float = 30) -> None:
    """Wait, within a bound, for a real worker's emails to reach the outbox."""
    deadline = time.monotonic() + seconds
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)
