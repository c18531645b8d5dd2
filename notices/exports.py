"""What notices add to a person's export (`core.registry`): how they chose to hear from Hearth.
Their unread markers are not exported: they are a passing state of the screen, not data."""

from __future__ import annotations

from core.registry import Record, export_account
from couples.models import User
from notices.models import Channel, Kind, NotificationPreference


@export_account("notices", related=("notification_preference",))
def notification_choices(user: User) -> Record:
    found = getattr(user, "notification_preference", None)
    preference = found if isinstance(found, NotificationPreference) else NotificationPreference()
    return {
        # Kept as they were before the choices moved here (export version 1).
        "emails_when_a_proposal_awaits_you": preference.agreement == Channel.EMAIL,
        "emails_when_your_partner_pauses": preference.pause == Channel.EMAIL,
        "notifications": {
            **{kind.value: preference.channel(kind.value) for kind in Kind},
            "quiet_start": preference.quiet_start.strftime("%H:%M")
            if preference.quiet_start
            else None,
            "quiet_end": preference.quiet_end.strftime("%H:%M") if preference.quiet_end else None,
        },
    }
