"""Writes for pauses, and the version stamp that lets open pages notice a change cheaply."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from agreements import tasks
from agreements.models import PauseEmailPreference, PauseSignal
from couples import access, emails
from couples.models import Couple, User
from couples.services import RefusedError, log


@dataclass(frozen=True)
class PauseDefaults:
    """The terms a pause starts from. Today Hearth's built-in ones; later the couple's
    accepted pause protocol (an agreement of the "how we pause" category)."""

    pause_minutes: int = 20
    signal_phrases: list[str] = field(
        default_factory=lambda: [
            _("I'm getting flooded and need a pause."),
            _("I want to hear you, and I can't right now. I need a break."),
            _("Let's stop here and come back to this calmer."),
        ]
    )
    grounding_practice: str = ""
    return_phrase: str = field(
        default_factory=lambda: _("I'm back, and I'd like to hear you again.")
    )


def pause_defaults(couple: Couple) -> PauseDefaults:
    return PauseDefaults()


# The version stamp: a random token per couple in the cache, replaced after every change to
# the couple's pauses. A page sends back the token it was given; when it still matches, the
# polling endpoint answers "nothing changed" without loading any pause. A token lost from the
# cache is replaced by a new one, which every page sees as a change: never stale, at worst
# one extra full answer.
VERSION_TTL = 60 * 60 * 24


def _version_key(couple_id: int) -> str:
    return f"pause-version:{couple_id}"


def pause_version(couple_id: int) -> str:
    return str(
        cache.get_or_set(_version_key(couple_id), partial(secrets.token_hex, 8), VERSION_TTL)
    )


def _changed(couple_id: int) -> None:
    # After commit: a page that sees the new token must also see the new rows.
    transaction.on_commit(
        partial(cache.set, _version_key(couple_id), secrets.token_hex(8), VERSION_TTL)
    )


def local_time(moment: datetime, user: User) -> str:
    return formats.date_format(timezone.localtime(moment, user.tz), "D H:i")


def open_pause(couple: Couple, now: datetime) -> PauseSignal | None:
    return couple.pauses.open(now).select_related("sender").first()


def start_pause(
    *, couple: Couple, sender: User, phrase: str, minutes: int
) -> tuple[PauseSignal, bool]:
    """Start a pause of `minutes` from now, or return the couple's open one (and False) when
    there already is one, also when the partner asked at the same instant: the constraint
    lets only one in."""
    now = timezone.now()
    returns_at = now + timedelta(minutes=minutes)
    if len(access.partners(couple)) < 2:
        raise RefusedError(_("A pause is for the two of you. Invite your partner first."))
    if problem := PauseSignal.return_time_problem(start=now, returns_at=returns_at, now=now):
        raise RefusedError(problem)
    with transaction.atomic():
        end_overdue_pauses(now=now, couple=couple)
        if existing := open_pause(couple, now):
            return existing, False
        try:
            with transaction.atomic():
                pause = PauseSignal.objects.create(
                    couple=couple,
                    sender=sender,
                    phrase=phrase,
                    started_at=now,
                    returns_at=returns_at,
                )
        except IntegrityError:
            existing = open_pause(couple, now)
            if existing is None:
                raise
            return existing, False
        log(couple=couple, actor=sender, message=_("asked for a pause"))
        _changed(couple.pk)
        transaction.on_commit(partial(tasks.send_pause_email.delay, pause.pk))
    return pause, True


def _locked(pause: PauseSignal, now: datetime) -> PauseSignal:
    locked = (
        PauseSignal.objects.select_for_update(of=("self",))
        .select_related("sender")
        .get(pk=pause.pk)
    )
    if not locked.is_active(now):
        raise RefusedError(_("This pause has already ended."))
    return locked


def extend_pause(*, pause: PauseSignal, by: User, minutes: int) -> PauseSignal:
    now = timezone.now()
    with transaction.atomic():
        pause = _locked(pause, now)
        if pause.sender_id != by.pk:
            raise RefusedError(_("Only the person who asked for this pause can extend it."))
        if pause.extended_at is not None:
            raise RefusedError(
                _("This pause has already been extended once, so it can't be extended again.")
            )
        if minutes <= 0:
            raise RefusedError(_("Choose how much longer you need."))
        returns_at = max(now, pause.returns_at) + timedelta(minutes=minutes)
        if returns_at > pause.latest_return:
            limit = local_time(pause.latest_return, by)
            raise RefusedError(
                _(
                    "A pause lasts at most 24 hours from when it began, so this one can run "
                    "until %(limit)s at the latest. Choose less time."
                )
                % {"limit": limit}
            )
        pause.returns_at = returns_at
        pause.extended_at = now
        pause.sender_ready_at = pause.partner_ready_at = None
        pause.save(
            update_fields=["returns_at", "extended_at", "sender_ready_at", "partner_ready_at"]
        )
        log(couple=pause.couple, actor=by, message=_("extended the pause"))
        _changed(pause.couple_id)
    return pause


def end_pause(*, pause: PauseSignal, by: User) -> PauseSignal:
    now = timezone.now()
    with transaction.atomic():
        pause = _locked(pause, now)
        if pause.sender_id != by.pk:
            raise RefusedError(
                _(
                    "Only the person who asked for this pause can end it early. When it's "
                    "time, you can say you're ready to come back."
                )
            )
        pause.ended_at = now
        pause.end_reason = PauseSignal.EndReason.SENDER
        pause.save(update_fields=["ended_at", "end_reason"])
        log(couple=pause.couple, actor=by, message=_("ended the pause"))
        _changed(pause.couple_id)
    return pause


def ready_to_return(*, pause: PauseSignal, user: User) -> PauseSignal:
    """Mark `user` ready to come back; the pause ends once everyone in the couple is."""
    now = timezone.now()
    with transaction.atomic():
        pause = _locked(pause, now)
        if not pause.is_due(now):
            limit = local_time(pause.returns_at, user)
            raise RefusedError(
                _(
                    "It isn't time to come back yet: the pause runs until %(time)s. "
                    "This time is yours to settle."
                )
                % {"time": limit}
            )
        if user.pk == pause.sender_id:
            pause.sender_ready_at = pause.sender_ready_at or now
        else:
            pause.partner_ready_at = pause.partner_ready_at or now
        fields = ["sender_ready_at", "partner_ready_at"]
        if pause.everyone_ready([p.pk for p in access.partners(pause.couple)]):
            pause.ended_at = now
            pause.end_reason = PauseSignal.EndReason.READY
            fields += ["ended_at", "end_reason"]
            log(couple=pause.couple, actor=user, message=_("came back from the pause, together"))
            _changed(pause.couple_id)
        pause.save(update_fields=fields)
    return pause


def end_overdue_pauses(*, now: datetime | None = None, couple: Couple | None = None) -> int:
    """End every pause past 24 hours. Each is claimed with a conditional UPDATE, so running
    this twice (or in two workers at once) ends and logs each pause once."""
    now = now or timezone.now()
    overdue = PauseSignal.objects.overdue(now).select_related("couple", "sender")
    if couple is not None:
        overdue = overdue.filter(couple=couple)
    ended = 0
    for pause in overdue:
        with transaction.atomic():
            claimed = PauseSignal.objects.filter(pk=pause.pk, ended_at__isnull=True).update(
                ended_at=pause.latest_return, end_reason=PauseSignal.EndReason.EXPIRED
            )
            if claimed:
                ended += 1
                log(
                    couple=pause.couple,
                    actor=pause.sender,
                    message=_("asked for a pause that ended on its own after 24 hours"),
                )
                _changed(pause.couple_id)
    return ended


def send_pause_email(pause: PauseSignal) -> None:
    """Tell the partner, if they asked for an email, while the pause is still on."""
    if not pause.is_active(timezone.now()):
        return
    for partner in access.partners(pause.couple):
        if partner.pk == pause.sender_id:
            continue
        if PauseEmailPreference.objects.filter(user=partner, email_me=True).exists():
            emails.send("pause", partner.email, {"pause": pause, "recipient": partner})


def set_pause_email(*, user: User, email_me: bool) -> None:
    PauseEmailPreference.objects.update_or_create(user=user, defaults={"email_me": email_me})
