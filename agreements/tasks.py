from __future__ import annotations

from celery import shared_task

from agreements import services
from agreements.models import PauseSignal


@shared_task
def send_pause_email(pause_id: int) -> None:
    pause = PauseSignal.objects.select_related("couple", "sender").filter(pk=pause_id).first()
    if pause is not None:
        services.send_pause_email(pause)


@shared_task
def end_overdue_pauses() -> None:
    services.end_overdue_pauses()
