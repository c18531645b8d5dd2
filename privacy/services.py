"""Deleting an account. What the person kept to themselves is erased (rows deleted, not
flagged); what they shared stays with the partner, its author foreign keys set to NULL so every
page shows it as written by "a former partner"."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.db import transaction

from core import registry
from core.erasure import empty_the_log
from couples.models import Invitation, User
from couples.services import leave_couple


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Erase `user` and everything private to them; keep what they shared for the partner.

    Leaving comes first, as any leaving does (`couples.services.leave_couple`): their open
    proposals are withdrawn, a pause they asked for ends, reminders queued for them are
    skipped, the partner who stays gets one neutral email, and a space left with nobody in it
    is deleted with everything in it.

    Erased, by each app's eraser (`core.registry.eraser`, in its `exports.py`) and here: entries
    never revealed (drafts, and shares the partner never saw), trigger scripts and topics saved
    for therapy (the "private notes" among them), reminder choices and
    deliveries, the calendar feed, email preferences, email addresses, two-factor
    authenticators, the invitations that brought them in (they hold their address), every
    signed-in session, and the account. The database does the rest of the erasing: every row
    private to a person refers to them with ON DELETE CASCADE.

    Kept for the partner, attributed to a former partner (ON DELETE SET NULL): revealed
    entries, reflections, the weeks' small steps, agreement versions and answers, pauses,
    repairs and the activity log."""
    leave_couple(user=user, account_closed=True)
    for erase in registry.ERASERS:
        erase(user)
    Invitation.objects.filter(accepted_by=user).delete()
    # Each session is ended in the session store itself, so a browser still holding its cookie
    # is signed out on its next request, in every process at once.
    for session in UserSession.objects.filter(user=user):
        session.end()
    user.delete()
    transaction.on_commit(empty_the_log)
