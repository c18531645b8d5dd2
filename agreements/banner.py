"""The pause banner on every page of a paired member. The page is rendered with it, so a pause
shows without JavaScript; a poll then refreshes it. Page and poll read the same rows, and the
stamp that lets a poll answer "nothing changed" is the couple's latest pause id and version,
read from the database: a change made in any process (either web worker, or the Celery task
that ends a pause at its longest) reaches every page on its next poll."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from agreements.models import AgreementVersion, PauseSignal
from core import fastpath
from couples.access import current_partners, member_couple
from couples.models import Couple, User
from toolkit.models import TriggerScript

NO_PAUSE = "0"


def stamp(pause_id: int | None, version: int | None) -> str:
    """What a page was shown, as it sends it back: the couple's latest pause and its version."""
    return f"{pause_id}-{version}" if pause_id else NO_PAUSE


def stamp_for_user(user_id: int) -> str | None:
    """The stamp of the person's couple, in one query (`core.fastpath.pause_stamp`); None when
    they are in no couple."""
    found = fastpath.pause_stamp(user_id)
    return None if found is None else stamp(found.pause_id, found.version)


@dataclass(frozen=True)
class Banner:
    stamp: str
    pause: PauseSignal | None = None
    # The couple's members now, for `{% who %}` in the banner.
    members: list[User] = field(default_factory=list)
    # The sender is still in the couple (else the banner says "A former partner").
    sender_here: bool = False
    # Shown to the partner: what the sender shared about moments like this, and the pause
    # protocol's grounding practice.
    scripts: list[TriggerScript] = field(default_factory=list)
    grounding_practice: str = ""


def for_member(
    *, couple: Couple, user: User, members: list[User], now: datetime | None = None
) -> Banner:
    """The banner `user` sees: one query without a pause (the stamp); during one, the sender
    sees it at that cost and the partner pays two more (scripts, grounding practice).
    `members` are the couple's current members, as the page read them with its membership
    (`couples.access.current_partners`): the sender is named from them, or is a former
    partner when not among them."""
    latest = fastpath.latest_of_couple(PauseSignal, couple.pk)
    if latest is None:
        return Banner(stamp=NO_PAUSE)
    shown = stamp(latest.pk, latest.version)
    # Past PAUSE_MAX a pause is over, also before the task has closed it.
    if not latest.is_active(now or timezone.now()):
        return Banner(stamp=shown)
    sender = next((m for m in members if m.pk == latest.sender_id), None)
    if sender is not None:
        latest.sender = sender
    if latest.sender_id == user.pk:
        return Banner(stamp=shown, pause=latest, members=members, sender_here=sender is not None)
    scripts: list[TriggerScript] = []
    if sender is not None:
        scripts = list(TriggerScript.objects.filter(couple=couple).shared_by(sender))
    protocol = AgreementVersion.objects.accepted_pause_protocol(couple)
    return Banner(
        stamp=shown,
        pause=latest,
        members=members,
        sender_here=sender is not None,
        scripts=scripts,
        grounding_practice=protocol.grounding_practice.strip() if protocol else "",
    )


def for_request(request: HttpRequest) -> Banner | None:
    """The banner of the signed-in member's page, or None outside a couple."""
    couple = member_couple(request)
    if couple is None:
        return None
    assert isinstance(request.user, User)
    return for_member(couple=couple, user=request.user, members=current_partners(request))


def script_changed(sender: object, *, instance: TriggerScript, **kwargs: object) -> None:
    """A trigger script was written, shared, unshared, edited or deleted: when its author is
    the sender of the open pause, the partner's banner may show it, so the pause's version
    moves on and open pages fetch the banner again. The partner's own scripts never show on
    it, and changing them moves nothing the sender could notice."""
    PauseSignal.objects.filter(
        couple_id=instance.couple_id, sender_id=instance.author_id, ended_at__isnull=True
    ).update(version=F("version") + 1)
