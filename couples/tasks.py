from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core import emails
from couples.models import Invitation, Membership


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


@shared_task
def send_partner_left(membership_id: int, account_closed: bool) -> None:
    """Tell the partner who stays that the other left (or closed their account)."""
    membership = (
        Membership.objects.select_related("couple", "user").filter(pk=membership_id).first()
    )
    # Gone too by the time the worker got to it: there is nobody left to tell.
    if membership is None:
        return
    emails.send(
        "partner-left",
        membership.user.email,
        {
            "couple": membership.couple,
            "recipient": membership.user,
            "account_closed": account_closed,
        },
    )
