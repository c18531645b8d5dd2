"""The reminder tasks. Beat runs `dispatch_reminders` every minute (CELERY_BEAT_SCHEDULE); it
enqueues `send_reminders` for the rows to send, a batch per task. Each imports its service in its
body (the services enqueue these tasks) and only calls it."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task
def dispatch_reminders() -> int:
    from schedules import services

    now = timezone.now()
    return (
        services.dispatch_due(now=now)
        + services.send_before_quiet(now=now)
        + services.requeue_stale(now=now)
    )


@shared_task
def send_reminders(delivery_ids: list[int]) -> None:
    from schedules import services

    services.send_reminders(delivery_ids=delivery_ids, now=timezone.now())


# One row per message, as dispatchers of earlier releases enqueued them (and may still have left
# in the broker during an upgrade).
@shared_task
def send_reminder(delivery_id: int) -> None:
    from schedules import services

    services.send_reminder(delivery_id=delivery_id, now=timezone.now())


# The names these tasks had while schedules lived in checkins/. Messages queued under them (by a
# beat or a dispatcher of the previous release, or waiting in the broker during an upgrade) are
# still consumed, and run exactly what the tasks above run.
@shared_task(name="checkins.tasks.dispatch_reminders")
def dispatch_reminders_by_old_name() -> int:
    return dispatch_reminders()


@shared_task(name="checkins.tasks.send_reminder")
def send_reminder_by_old_name(delivery_id: int) -> None:
    send_reminder(delivery_id)
