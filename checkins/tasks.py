from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from checkins import services


@shared_task
def dispatch_reminders() -> int:
    """Beat runs this every minute (CELERY_BEAT_SCHEDULE)."""
    now = timezone.now()
    return services.dispatch_due(now=now) + services.requeue_stale(now=now)


@shared_task
def send_reminder(delivery_id: int) -> None:
    services.send_reminder(delivery_id=delivery_id, now=timezone.now())
