"""The notice tasks: `send_notices` after something is shared, `send_due_notices` from beat
every minute. Both only call the services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from notices import services


@shared_task
def send_notices(recipient_id: int) -> None:
    services.send_waiting(recipient_id=recipient_id, now=timezone.now())


@shared_task
def send_due_notices() -> int:
    return services.send_due(now=timezone.now())
