from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from couples import emails
from couples.models import Invitation


@shared_task
def send_invitation(invitation_id: int, token: str) -> None:
    invitation = (
        Invitation.objects.select_related("couple", "invited_by").filter(pk=invitation_id).first()
    )
    # Replaced or withdrawn before the worker got to it: the old link must not go out.
    if invitation is None or invitation.problem(timezone.now()) or not invitation.email:
        return
    emails.send(
        "invitation",
        invitation.email,
        {"invitation": invitation, "path": f"/join/{token}/"},
    )
