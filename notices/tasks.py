"""The notice tasks: `send_notices` after something is shared, `send_due_notices` from beat
every minute, `send_notice_emails` for what a send did not reach in its time; `send_pushes` for the pushes
`notices.push.queue` owed now, `send_due_pushes` from beat for those that waited and
`prune_push_deliveries` from beat every hour for those long finished;
`send_event_emails` for the emails about one event (`notices.events`) due now and
`send_due_event_emails` from beat for those that waited. Each imports its
service in its body (services enqueue these tasks) and only calls it."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task
def send_notices(recipient_id: int) -> None:
    from notices import services

    services.send_waiting(recipient_id=recipient_id, now=timezone.now())


@shared_task
def send_due_notices() -> int:
    from notices import services

    return services.send_due(now=timezone.now())


@shared_task
def send_notice_emails(email_ids: list[int]) -> None:
    from notices import services

    services.send_emails(email_ids=email_ids, now=timezone.now())


@shared_task
def send_pushes(delivery_ids: list[int]) -> None:
    from notices import push

    push.send_now(ids=delivery_ids, now=timezone.now())


@shared_task
def send_due_pushes() -> int:
    from notices import push

    return push.send_due(now=timezone.now())


@shared_task
def prune_push_deliveries() -> int:
    from notices import push

    return push.prune(now=timezone.now())


@shared_task
def send_event_emails(ids: list[int]) -> None:
    from notices import events

    events.send(ids=ids, now=timezone.now())


@shared_task
def send_due_event_emails() -> int:
    from notices import events

    return events.send_due(now=timezone.now())
