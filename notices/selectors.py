"""Reads of notices for pages that other apps own (/settings/). Template tags call these and
build nothing themselves."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from couples.models import User
from notices import push
from notices.forms import NoticeEmailForm
from notices.models import NoticePreference, PushSubscription


def notice_email_form(user: User) -> NoticeEmailForm:
    """The settings form for notice emails, showing what `user` chose (one query)."""
    return NoticeEmailForm(initial={"email_me": NoticePreference.wants_email(user)})


def push_devices(user: User) -> dict[str, Any]:
    """What the push devices section shows: `user`'s devices (one query) and, when Hearth
    offers push, the public key a browser subscribes with."""
    offered = push.offered()
    return {
        "push_offered": offered,
        "vapid_public_key": settings.VAPID_PUBLIC_KEY if offered else "",
        "devices": list(PushSubscription.objects.of(user).order_by("created_at", "pk")),
    }
