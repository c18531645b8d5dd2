"""The activity log both partners read: membership and agreement changes, plain facts."""

from __future__ import annotations

from couples.models import ActivityEntry, Couple, User


def log(*, couple: Couple, actor: User | None, message: str) -> ActivityEntry:
    return ActivityEntry.objects.create(couple=couple, actor=actor, message=message)
