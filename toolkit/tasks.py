"""The toolkit's tasks. Each imports its service in its body and only calls it."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task
def tell_follow_ups_due() -> int:
    """Run by beat: repairs whose follow-up date has come are told of (once per date)."""
    from toolkit import services

    return services.tell_follow_ups_due(now=timezone.now())
