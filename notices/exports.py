"""What notices add to a person's export (`core.registry`): how they chose to hear from Hearth,
and the devices where they enabled push. Their unread markers are not exported: they are a
passing state of the screen, not data."""

from __future__ import annotations

from core.registry import Record, export_account
from couples.models import User
from notices.models import Channel, Kind, NotificationPreference, PushSubscription


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


@export_account("push_devices", related=())
def push_devices(user: User) -> Record:
    """The person's own devices as their settings list them (never the partner's): the name,
    when push was enabled there and when Hearth last reached it. Never the endpoint or the keys:
    they are the browser's secrets, the address at which its push service wakes that browser and
    what encrypts a message for it alone. They are of no use to the person or to another app
    (which subscribes afresh), and a file that is downloaded, mailed and kept for years must not
    carry them."""
    devices = PushSubscription.objects.of(user).order_by("created_at", "pk")
    return {
        "push_devices": [
            {"name": device.device, "added_at": device.created_at, "last_used_at": device.last_used}
            for device in devices.only("device", "created_at", "last_used")
        ]
    }
