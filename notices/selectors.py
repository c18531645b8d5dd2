"""Reads of notification choices and unread markers, for the pages notices owns and the parts
it lends to pages other apps own (/settings/, the menu, the home card). Template tags and the
context processor call these and build nothing themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from couples.models import Membership, User
from notices import push
from notices.forms import SUGGESTED_QUIET, NotificationForm
from notices.models import Kind, NotificationPreference, PushSubscription, Unread


@dataclass(frozen=True)
class Preview:
    """Exactly what a message of one kind says: a neutral subject and line, never the
    partner's words."""

    kind: str
    subject: StrOrPromise
    line: StrOrPromise


PREVIEWS = [
    Preview(
        Kind.SHARED,
        _("Hearth: something new in your space"),
        _("Your partner shared their check-in with you."),
    ),
    Preview(
        Kind.TURN,
        _("Hearth: your turn in this week's check-in"),
        _("This week's check-in is waiting for your part."),
    ),
    Preview(
        Kind.AGREEMENT,
        _("Something in Hearth awaits your answer"),
        _("A proposal about one of your agreements is waiting for your answer in Hearth."),
    ),
    Preview(
        Kind.PAUSE,
        _("A note from your space on Hearth"),
        _("Your partner asked for a pause, and when they plan to come back."),
    ),
    Preview(
        Kind.REPAIR,
        _("Hearth: a follow-up is due"),
        _("A repair you made together has a follow-up due."),
    ),
    Preview(
        Kind.REMINDER,
        _("Reminder: your check-in on Sunday at 19:00"),
        _("Your planned conversation starts soon."),
    ),
]


def notification_form(user: User, *, suggest: bool = False) -> NotificationForm:
    """The settings form showing what `user` chose (one query); when `suggest`, quiet hours
    they never set are offered filled in, for them to keep or clear."""
    preference = NotificationPreference.of(user)
    if suggest and preference.quiet_start is None and preference.quiet_end is None:
        start, end = SUGGESTED_QUIET
        return NotificationForm(
            instance=preference, initial={"quiet_start": start, "quiet_end": end}
        )
    return NotificationForm(instance=preference)


def unread_annotation(area: str) -> Callable[[], Coalesce]:
    """How many things of `area` are new to a member, as an expression on their membership row:
    the one membership query every page makes carries it (`core.registry`)."""

    def count() -> Coalesce:
        per_reader = (
            Unread.objects.filter(reader_id=OuterRef("user_id"), area=area)
            .order_by()
            .values("reader_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(per_reader), 0)

    return count


def unread_of(membership: Membership | None) -> dict[str, int]:
    """What is new to a member, read off their membership row (no query), per area and under
    "all"; nothing for someone outside a couple."""
    if membership is None:
        return {}
    counts = {area: int(getattr(membership, f"unread_{area}", 0)) for area in Unread.Area.values}
    counts["all"] = sum(counts.values())
    return counts


def push_devices(user: User) -> dict[str, Any]:
    """What the push devices section shows: `user`'s devices (one query) and, when Hearth
    offers push, the public key a browser subscribes with."""
    offered = push.offered()
    return {
        "push_offered": offered,
        "vapid_public_key": settings.VAPID_PUBLIC_KEY if offered else "",
        "devices": list(PushSubscription.objects.of(user).order_by("created_at", "pk")),
    }
