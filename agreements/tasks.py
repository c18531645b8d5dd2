"""The agreement tasks. Each imports its service in its body, as the services enqueue these
tasks, and only calls it."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from agreements.models import AgreementVersion, PauseSignal


def _proposal(proposal_id: int) -> AgreementVersion | None:
    return (
        AgreementVersion.objects.select_related("agreement__couple", "proposed_by")
        .filter(pk=proposal_id)
        .first()
    )


@shared_task
def send_proposal_email(proposal_id: int) -> None:
    from agreements import services

    if proposal := _proposal(proposal_id):
        services.email_awaiting_partner(proposal)


@shared_task
def send_expiry_emails(proposal_id: int) -> None:
    from agreements import services

    if proposal := _proposal(proposal_id):
        services.email_expiry(proposal)


@shared_task
def expire_proposals() -> None:
    """Run by beat; safe to run twice at once (see services.expire_overdue_proposals)."""
    from agreements import services

    services.expire_overdue_proposals(now=timezone.now())


@shared_task
def send_pause_email(pause_id: int) -> None:
    from agreements import services

    pause = PauseSignal.objects.select_related("couple", "sender").filter(pk=pause_id).first()
    if pause is not None:
        services.send_pause_email(pause)


@shared_task
def end_overdue_pauses() -> None:
    from agreements import services

    services.end_overdue_pauses()
