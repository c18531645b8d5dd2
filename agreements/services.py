"""The consent workflow. Every change to an agreement runs in a short transaction that first
locks the agreement row, so two partners acting at the same moment are served one after the
other: the second sees what the first did and is refused with a message saying so. Proposals
change status only through conditional UPDATEs (`_close`), which the periodic expiry also uses,
so a proposal is answered, withdrawn or expired exactly once."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements import tasks
from agreements.limits import (
    DECLINE_COOLDOWN,
    PAUSE_MAX,
    PAUSE_MIN_MINUTES,
    PROPOSAL_LIFETIME,
    in_words,
)
from agreements.models import (
    Agreement,
    AgreementVersion,
    Category,
    PauseSignal,
)
from core import registry
from core.activity import log
from core.errors import RefusedError
from couples import access
from couples.models import Couple, User
from notices import events as notice_events
from notices import services as notices
from notices.models import Kind, Notice
from toolkit.models import Phrase, PhraseGroup

Status = AgreementVersion.Status

# Refused lengths of an extension; the extend form says it too, for a length it cannot read.
CHOOSE_MORE_TIME = gettext_lazy("Choose how much longer you need.")


@dataclass(frozen=True)
class Terms:
    """What a partner proposes: the text and, for "how we pause", the pause terms."""

    text: str
    note: str = ""
    revisit_by: date | None = None
    pause_minutes: int | None = None
    signal_phrases: str = ""
    grounding_practice: str = ""
    return_phrase: str = ""


def create_agreement(
    *, couple: Couple, by: User, title: str, category: str, terms: Terms
) -> AgreementVersion:
    """A new agreement starts as a proposal (returned); it is in force once the partner
    accepts it."""
    if category not in Category.values:
        raise RefusedError(_("Choose a category from the list."))
    with transaction.atomic():
        agreement = Agreement.objects.create(couple=couple, title=title, category=category)
        proposal = _open_proposal(agreement=agreement, by=by, terms=terms, base_version=0)
        log(couple=couple, actor=by, message=_("proposed a new agreement: “%(t)s”") % {"t": title})
    return proposal


def propose_change(
    *,
    agreement: Agreement,
    by: User,
    terms: Terms,
    base_version: int,
    counters: int | None = None,
) -> AgreementVersion:
    """Propose a new wording of version `base_version` (the one the proposer saw). `counters`
    names the partner's open proposal this answers with a counter-proposal, if any: a proposal
    written without seeing the partner's is refused rather than silently replacing it."""
    with transaction.atomic():
        agreement, now = _lock(agreement)
        _refuse_if_stale(agreement, base_version)
        open_proposal = _open_for(agreement, now)
        _refuse_if_own_proposal_waits(open_proposal, by)
        if open_proposal is not None and open_proposal.pk != counters:
            raise RefusedError(
                _(
                    "Your partner proposed a change a moment ago; it is shown here. You can "
                    "accept it, decline it, or suggest other words."
                )
            )
        if open_proposal is None and counters is not None:
            raise RefusedError(
                _("The proposal you answered is no longer open. Here is where things stand now.")
            )
        if open_proposal is not None and not _close(
            open_proposal, Status.COUNTERED, by=by, now=now
        ):
            raise RefusedError(_("That proposal was answered a moment ago."))
        _refuse_if_recently_declined(agreement, terms, now)
        if agreement.current and _same(agreement.current, terms, AgreementVersion.Kind.CHANGE):
            raise RefusedError(_("That is the text already in force. Change something first."))
        proposal = _open_proposal(
            agreement=agreement, by=by, terms=terms, base_version=base_version
        )
        message = (
            _("answered with a counter-proposal for “%(t)s”")
            if open_proposal
            else _("proposed a change to “%(t)s”")
        )
        log(couple=agreement.couple, actor=by, message=message % {"t": agreement.title})
    return proposal


def proposal_to_counter(*, agreement: Agreement, by: User) -> AgreementVersion | None:
    """Before `by` writes a proposal: the partner's open proposal it would answer as a
    counter-proposal, or None. Refused when `by` cannot propose now, by the same rules
    `propose_change` applies when the proposal arrives."""
    _refuse_if_retired(agreement)
    proposal = agreement.open_proposal(timezone.now())
    _refuse_if_own_proposal_waits(proposal, by)
    return proposal


def propose_retirement(
    *, agreement: Agreement, by: User, note: str, base_version: int
) -> AgreementVersion:
    """Retiring is a proposal too; the agreement stays in force until the partner accepts."""
    with transaction.atomic():
        agreement, now = _lock(agreement)
        _refuse_if_stale(agreement, base_version)
        if agreement.current is None:
            raise RefusedError(_("Nothing is in force yet, so there is nothing to retire."))
        if _open_for(agreement, now) is not None:
            raise RefusedError(_("A proposal is already open. Answer or withdraw it first."))
        current = agreement.current
        terms = Terms(
            **{f.name: getattr(current, f.name) for f in fields(Terms) if f.name != "note"},
            note=note,
        )
        _refuse_if_recently_declined(agreement, terms, now, kind=AgreementVersion.Kind.RETIRE)
        proposal = _open_proposal(
            agreement=agreement,
            by=by,
            terms=terms,
            base_version=base_version,
            kind=AgreementVersion.Kind.RETIRE,
        )
        log(
            couple=agreement.couple,
            actor=by,
            message=_("proposed retiring “%(t)s”") % {"t": agreement.title},
        )
    return proposal


def accept(*, agreement: Agreement, proposal_id: int | None, by: User) -> AgreementVersion:
    """Accept the partner's open proposal `proposal_id` (None when the page named no proposal,
    which is refused like one of another agreement)."""
    with transaction.atomic():
        agreement, now = _lock(agreement)
        proposal = _answerable(agreement, proposal_id, by, now)
        if proposal.base_version != agreement.version:
            raise RefusedError(
                _(
                    "This proposal was written for an earlier version, and another has been "
                    "accepted since. Counter-propose, or ask your partner to propose again."
                )
            )
        retiring = proposal.kind == AgreementVersion.Kind.RETIRE
        number = agreement.version + 1
        if not _close(
            proposal, Status.ACCEPTED, by=by, now=now, number=None if retiring else number
        ):
            raise RefusedError(_("That proposal was answered a moment ago."))
        if retiring:
            agreement.status = Agreement.Status.RETIRED
            message = _("agreed to retire “%(t)s”")
        else:
            agreement.version = proposal.number = number
            agreement.current = proposal
            agreement.status = Agreement.Status.ACTIVE
            agreement.revisit_by = proposal.revisit_by
            message = _("accepted the proposal for “%(t)s”; it is now in force")
        agreement.save(update_fields=["status", "version", "current", "revisit_by"])
        log(couple=agreement.couple, actor=by, message=message % {"t": agreement.title})
        _tell_proposer(agreement.couple, proposal, by)
    return proposal


def decline(*, agreement: Agreement, proposal_id: int | None, by: User, reason: str) -> None:
    with transaction.atomic():
        agreement, now = _lock(agreement)
        proposal = _answerable(agreement, proposal_id, by, now)
        if not _close(proposal, Status.DECLINED, by=by, now=now, decline_reason=reason):
            raise RefusedError(_("That proposal was answered a moment ago."))
        log(
            couple=agreement.couple,
            actor=by,
            message=_("declined the proposal for “%(t)s”") % {"t": agreement.title},
        )
        _tell_proposer(agreement.couple, proposal, by)


def _tell_proposer(couple: Couple, proposal: AgreementVersion, by: User) -> None:
    """An answer is news for the partner who proposed (a counter-proposal is told as the new
    proposal it is)."""
    notices.record(couple=couple, actor=by, kind=Notice.Kind.ANSWER, thing_id=proposal.pk)


def withdraw(*, agreement: Agreement, proposal_id: int | None, by: User) -> None:
    with transaction.atomic():
        agreement, now = _lock(agreement)
        proposal = _open_for(agreement, now)
        if proposal is None or proposal.pk != proposal_id:
            raise RefusedError(
                _("That proposal is no longer open, so there is nothing to withdraw.")
            )
        if proposal.proposed_by_id != by.pk:
            raise RefusedError(_("Only the partner who proposed it can withdraw a proposal."))
        if not _close(proposal, Status.WITHDRAWN, by=by, now=now):
            raise RefusedError(_("That proposal was answered a moment ago."))
        log(
            couple=agreement.couple,
            actor=by,
            message=_("withdrew the proposal for “%(t)s”") % {"t": agreement.title},
        )


def on_member_left(sender: object, *, couple: Couple, user: User, **kwargs: object) -> None:
    """Someone who leaves withdraws what they proposed: nobody in the couple stands behind it
    any more, and whoever joins next never finds the former partner's words waiting for an
    answer. A pause they asked for ends with them: the partner is not left waiting for a
    return that will not come."""
    now = timezone.now()
    (
        PauseSignal.objects.for_couple(couple)
        .filter(sender=user, ended_at__isnull=True)
        .update(ended_at=now, end_reason=PauseSignal.EndReason.SENDER, version=F("version") + 1)
    )
    open_proposals = (
        AgreementVersion.objects.for_couple(couple)
        .filter(status=Status.OPEN, proposed_by=user)
        .select_related("agreement")
    )
    for proposal in open_proposals:
        if _close(proposal, Status.WITHDRAWN, by=user, now=now):
            log(
                couple=couple,
                actor=user,
                message=_("withdrew the proposal for “%(t)s”") % {"t": proposal.agreement.title},
            )


def on_member_joined(sender: object, *, couple: Couple, user: User, **kwargs: object) -> None:
    """Someone joins: a pause still on from a partner who has left ends. It belonged to a
    conversation between the partners before, and its words are not the newcomer's to read.
    Its reason is the sender's: by leaving, they ended their part in it."""
    members = couple.memberships.values("user_id")
    PauseSignal.objects.for_couple(couple).filter(ended_at__isnull=True).exclude(
        sender_id__in=members
    ).update(
        ended_at=timezone.now(),
        end_reason=PauseSignal.EndReason.SENDER,
        version=F("version") + 1,
    )


def expire_overdue_proposals(*, now: datetime) -> int:
    """Mark every overdue open proposal as expired, once: a run that loses the conditional
    UPDATE to another run (or to an answer) leaves that proposal alone. Returns how many."""
    overdue = AgreementVersion.objects.filter(status=Status.OPEN, expires_at__lte=now)
    expired = 0
    for proposal in overdue.select_related("agreement__couple", "proposed_by"):
        with transaction.atomic():
            expired += _expire(proposal, now)
    return expired


def email_awaiting_partner(proposal: AgreementVersion) -> None:
    """Tell the partner whose answer a proposal awaits, on the channel they chose, once their
    quiet hours allow (notices.events: sent once, asked again when it is sent)."""
    now = timezone.now()
    if not proposal.is_open(now):
        return
    couple = proposal.agreement.couple
    with transaction.atomic():
        notice_events.tell(
            couple=couple,
            recipient_ids=[p.pk for p in access.partners(couple) if proposal.awaits(p, now)],
            kind=Kind.AGREEMENT,
            letter="agreement-proposal",
            thing_id=proposal.pk,
            push_title=_("An agreement awaits your answer"),
            push_body=_("A proposal about one of your agreements is waiting for your answer."),
            url=reverse("agreement", args=[proposal.agreement_id]),
        )


def email_expiry(proposal: AgreementVersion) -> None:
    """Tell both partners a proposal closed unanswered, as they chose to hear of agreements."""
    couple = proposal.agreement.couple
    with transaction.atomic():
        notice_events.tell(
            couple=couple,
            recipient_ids=[p.pk for p in access.partners(couple)],
            kind=Kind.AGREEMENT,
            letter="agreement-expired",
            thing_id=proposal.pk,
            push_title=_("An update in Hearth"),
            push_body=_("A proposal about one of your agreements closed without an answer."),
            url=reverse("agreement", args=[proposal.agreement_id]),
        )


@registry.letter("agreement-proposal")
def _proposal_letter(thing_id: int, key: str, recipient: User) -> dict[str, object] | None:
    """The proposal email, while the proposal still awaits the recipient's answer."""
    proposal = AgreementVersion.objects.filter(pk=thing_id).first()
    if proposal is None or not proposal.awaits(recipient, timezone.now()):
        return None
    return {"proposal": proposal}


@registry.letter("agreement-expired")
def _expired_letter(thing_id: int, key: str, recipient: User) -> dict[str, object] | None:
    proposal = AgreementVersion.objects.filter(pk=thing_id).first()
    return None if proposal is None else {"proposal": proposal}


# Helpers: every one of them runs inside the caller's transaction.


def _lock(agreement: Agreement) -> tuple[Agreement, datetime]:
    """The agreement as it is now, locked until the transaction ends, and the time."""
    locked = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("couple", "current")
        .get(pk=agreement.pk)
    )
    _refuse_if_retired(locked)
    now = timezone.now()
    return locked, now


def _refuse_if_retired(agreement: Agreement) -> None:
    if agreement.is_retired:
        raise RefusedError(_("This agreement was retired, so it can no longer change."))


def _refuse_if_own_proposal_waits(proposal: AgreementVersion | None, by: User) -> None:
    """One open proposal per agreement: the proposer withdraws theirs before another."""
    if proposal is not None and proposal.proposed_by_id == by.pk:
        raise RefusedError(
            _("Your proposal is still waiting. Withdraw it first to propose another.")
        )


def _refuse_if_stale(agreement: Agreement, base_version: int) -> None:
    if base_version != agreement.version:
        raise RefusedError(
            _(
                "While you were writing, version %(n)s was accepted. It is shown below; your "
                "text is kept so you can compare and propose again."
            )
            % {"n": agreement.version}
        )


def _open_for(agreement: Agreement, now: datetime) -> AgreementVersion | None:
    """The agreement's open proposal. An overdue one is expired on the way."""
    proposal = agreement.versions.filter(status=Status.OPEN).first()
    if proposal is not None and not proposal.is_open(now):
        _expire(proposal, now)
        return None
    return proposal


def _answerable(
    agreement: Agreement, proposal_id: int | None, by: User, now: datetime
) -> AgreementVersion:
    proposal = None if proposal_id is None else agreement.versions.filter(pk=proposal_id).first()
    if proposal is None:
        raise RefusedError(_("That proposal doesn't belong to this agreement."))
    if not proposal.is_open(now):
        state = AgreementVersion.Status(proposal.shown_status(now)).label
        raise RefusedError(
            _("That proposal is no longer open (%(state)s). Here is where things stand now.")
            % {"state": str(state).lower()}
        )
    if proposal.proposed_by_id == by.pk:
        raise RefusedError(
            _("You proposed this, so you have already said yes. It waits for your partner.")
        )
    return proposal


def _close(
    proposal: AgreementVersion, status: str, *, by: User | None, now: datetime, **extra: object
) -> bool:
    """Move an open proposal to `status`. False when someone else closed it first."""
    closed = AgreementVersion.objects.filter(pk=proposal.pk, status=Status.OPEN).update(
        status=status, responded_by=by, responded_at=now, **extra
    )
    if closed:
        proposal.status, proposal.responded_by, proposal.responded_at = status, by, now
    return bool(closed)


def _expire(proposal: AgreementVersion, now: datetime) -> int:
    if not _close(proposal, Status.EXPIRED, by=None, now=now):
        return 0
    agreement = proposal.agreement
    log(
        couple=agreement.couple,
        actor=proposal.proposed_by,
        message=_("had a proposal for “%(t)s” expire after %(lifetime)s")
        % {"t": agreement.title, "lifetime": in_words(PROPOSAL_LIFETIME)},
    )
    transaction.on_commit(partial(tasks.send_expiry_emails.delay, proposal.pk))
    return 1


def _same(version: AgreementVersion, terms: Terms, kind: str) -> bool:
    return version.terms() == _unsaved(terms, kind).terms()


def _unsaved(terms: Terms, kind: str) -> AgreementVersion:
    return AgreementVersion(kind=kind, **{f.name: getattr(terms, f.name) for f in fields(Terms)})


def _refuse_if_recently_declined(
    agreement: Agreement, terms: Terms, now: datetime, kind: str = AgreementVersion.Kind.CHANGE
) -> None:
    recent = agreement.versions.filter(
        status=Status.DECLINED, responded_at__gt=now - DECLINE_COOLDOWN
    )
    if any(_same(declined, terms, kind) for declined in recent):
        raise RefusedError(
            _(
                "Your partner declined this same proposal less than %(cooldown)s ago. Change it, "
                "or give it some time before proposing it again."
            )
            % {"cooldown": in_words(DECLINE_COOLDOWN)}
        )


def _open_proposal(
    *,
    agreement: Agreement,
    by: User,
    terms: Terms,
    base_version: int,
    kind: str = AgreementVersion.Kind.CHANGE,
) -> AgreementVersion:
    proposal = _unsaved(terms, kind)
    now = timezone.now()
    proposal.agreement = agreement
    proposal.proposed_by = by
    proposal.base_version = base_version
    proposal.created_at = now
    proposal.expires_at = now + PROPOSAL_LIFETIME
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:
        # The database's one-open-proposal rule: the partner proposed at the same instant.
        raise RefusedError(
            _("Your partner proposed something at the same moment. Here is their proposal.")
        ) from None
    transaction.on_commit(partial(tasks.send_proposal_email.delay, proposal.pk))
    notices.record(
        couple=agreement.couple, actor=by, kind=Notice.Kind.PROPOSAL, thing_id=proposal.pk
    )
    return proposal


@dataclass(frozen=True)
class PauseDefaults:
    """The terms a pause starts from: the couple's accepted pause protocol (an agreement of
    the "how we pause" category), or Hearth's built-in ones where the protocol names none."""

    # Hearth's own default is the shortest pause allowed.
    pause_minutes: int = PAUSE_MIN_MINUTES
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
    built_in = PauseDefaults()
    protocol = AgreementVersion.objects.accepted_pause_protocol(couple)
    if protocol is None:
        return built_in
    return PauseDefaults(
        pause_minutes=protocol.pause_minutes or built_in.pause_minutes,
        signal_phrases=protocol.signal_phrase_list or built_in.signal_phrases,
        grounding_practice=protocol.grounding_practice.strip(),
        return_phrase=protocol.return_phrase.strip() or built_in.return_phrase,
    )


def pause_phrases(couple: Couple, defaults: PauseDefaults) -> list[str]:
    """What the pause form offers: the protocol's signal phrases, then the couple's "I need…"
    phrases from their shared vocabulary, each wording once."""
    vocabulary = (
        Phrase.objects.for_couple(couple)
        .active()
        .in_group(PhraseGroup.NEED)
        .values_list("text", flat=True)
    )
    phrases: dict[str, str] = {}
    for phrase in [*defaults.signal_phrases, *vocabulary]:
        phrases.setdefault(phrase.strip().casefold(), phrase)
    return list(phrases.values())


def local_time(moment: datetime, user: User) -> str:
    return formats.date_format(timezone.localtime(moment, user.tz), "WEEKDAY_TIME_FORMAT")


def open_pause(couple: Couple, now: datetime) -> PauseSignal | None:
    return PauseSignal.objects.for_couple(couple).open(now).select_related("sender").first()


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
            raise RefusedError(CHOOSE_MORE_TIME)
        returns_at = max(now, pause.returns_at) + timedelta(minutes=minutes)
        if returns_at > pause.latest_return:
            limit = local_time(pause.latest_return, by)
            raise RefusedError(
                _(
                    "A pause lasts at most %(max)s from when it began, so this one can run "
                    "until %(limit)s at the latest. Choose less time."
                )
                % {"max": in_words(PAUSE_MAX), "limit": limit}
            )
        pause.returns_at = returns_at
        pause.extended_at = now
        pause.sender_ready_at = pause.partner_ready_at = None
        pause.version += 1
        pause.save(
            update_fields=[
                "returns_at",
                "extended_at",
                "sender_ready_at",
                "partner_ready_at",
                "version",
            ]
        )
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
        pause.version += 1
        pause.save(update_fields=["ended_at", "end_reason", "version"])
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
        # The partner's "ready" is told to the sender (the version moves, so their pages show
        # it). The sender's is not told to the partner: it would press them to come back.
        if pause.everyone_ready([p.pk for p in access.partners(pause.couple)]):
            pause.ended_at = now
            pause.end_reason = PauseSignal.EndReason.READY
            fields += ["ended_at", "end_reason"]
        if pause.ended_at is not None or user.pk != pause.sender_id:
            pause.version += 1
            fields.append("version")
        pause.save(update_fields=fields)
    return pause


def take_your_time(*, pause: PauseSignal, user: User) -> PauseSignal:
    """The partner's optional answer to a pause, "Take your time", which the sender then sees.
    Saying it twice keeps the first moment."""
    now = timezone.now()
    with transaction.atomic():
        pause = _locked(pause, now)
        if pause.sender_id == user.pk:
            raise RefusedError(_("This is for your partner to say to you."))
        if pause.partner_take_time_at is None:
            pause.partner_take_time_at = now
            pause.version += 1
            pause.save(update_fields=["partner_take_time_at", "version"])
    return pause


def end_overdue_pauses(*, now: datetime | None = None, couple: Couple | None = None) -> int:
    """End every pause past PAUSE_MAX. Each is claimed with a conditional UPDATE, so running
    this twice (or in two workers at once) ends each pause once."""
    now = now or timezone.now()
    overdue = PauseSignal.objects.overdue(now)
    if couple is not None:
        overdue = overdue.for_couple(couple)
    ended = 0
    for pause in overdue:
        ended += PauseSignal.objects.filter(pk=pause.pk, ended_at__isnull=True).update(
            ended_at=pause.latest_return,
            end_reason=PauseSignal.EndReason.EXPIRED,
            version=F("version") + 1,
        )
    return ended


def send_pause_email(pause: PauseSignal) -> None:
    """Tell the partner, on the channel they chose, while the pause is still on. Their quiet
    hours hold it like any other message; a pause that ended meanwhile is not told at all."""
    if not pause.is_active(timezone.now()):
        return
    with transaction.atomic():
        notice_events.tell(
            couple=pause.couple,
            recipient_ids=[p.pk for p in access.partners(pause.couple) if p.pk != pause.sender_id],
            kind=Kind.PAUSE,
            letter="pause",
            thing_id=pause.pk,
            push_title=_("A note from your space"),
            push_body=_("Your partner asked for a pause."),
            url=reverse("pause"),
        )


@registry.letter("pause")
def _pause_letter(thing_id: int, key: str, recipient: User) -> dict[str, object] | None:
    """The pause email, while the pause is still on."""
    pause = PauseSignal.objects.select_related("sender").filter(pk=thing_id).first()
    if pause is None or not pause.is_active(timezone.now()):
        return None
    return {"pause": pause, "recipient": recipient}
