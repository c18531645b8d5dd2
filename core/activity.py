"""The activity log both partners read: membership and agreement changes, plain facts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.models import ActivityEntry

if TYPE_CHECKING:
    from couples.models import Couple, User


def log(*, couple: Couple, actor: User | None, message: str) -> ActivityEntry:
    return ActivityEntry.objects.create(couple=couple, actor=actor, message=message)
