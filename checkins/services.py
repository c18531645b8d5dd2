"""The weekly check-in: opening a week, saving and sharing entries, reflective listening, the
next small step and resolving challenges."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import Agreement, PauseSignal
from checkins import selectors
from checkins.models import (
    CARRIED_OVER_STEP,
    CheckIn,
    CheckInQuerySet,
    Entry,
    Prompt,
    PromptMark,
    PromptOffer,
    Reflection,
    current_week,
)
from checkins.ritual import Kind as Step
from checkins.ritual import next_step as next_step_of
from core import fastpath, registry
from core.errors import RefusedError
from core.time import to_utc
from couples.models import Couple, Membership, User
from notices import events as notice_events
from notices import services as notices
from notices.models import Kind, Notice
from toolkit.models import Repair

ENTRY_FIELDS = ("small_win", "challenge", "appreciation", "help_wanted", "feelings")


def open_week(*, membership: Membership, monday: date) -> CheckIn | None:
    """The couple's check-in for the week starting `monday`, as `membership`'s member may open
    it. This week's is created on the first visit; an earlier week without one, or one the
    partners kept before this person joined, stays empty (None); a later week is refused."""
    couple = membership.couple
    this_week = current_week(couple)
    if monday > this_week:
        raise RefusedError(_("That week hasn't begun yet. Here is this week instead."))
    if monday < this_week:
        weeks = CheckIn.objects.for_week_page(membership).with_prompt_on_offer()
        return weeks.visible_to(membership).filter(week_start=monday).first()
    found = _this_week_page(membership, monday)
    if found is None:
        # The week's first visit begins it (or finds it begun by the partner a moment ago),
        # then reads it once more, with its agenda's last step.
        try:
            with transaction.atomic():
                CheckIn.objects.create(couple=couple, week_start=monday)
        except IntegrityError:
            pass
        found = _this_week_page(membership, monday)
    assert found is not None, "this week's check-in was begun above"
    return found


def _this_week_page(membership: Membership, monday: date) -> CheckIn | None:
    """The couple's week as `CheckIn.objects.for_week_page(membership).with_prompt_on_offer()`
    reads it (`core.fastpath.week_page`)."""
    return fastpath.week_page(
        CheckIn,
        couple_id=membership.couple_id,
        week_start=monday,
        me=membership.user_id,
        joined_at=membership.joined_at,
    )


def _refuse_unless_current(checkin: CheckIn, couple: Couple) -> None:
    if checkin.week_start != current_week(couple):
        raise RefusedError(
            _(
                "This week has ended, so its words stay as they were. "
                "You can still mark your challenges resolved."
            )
        )


@transaction.atomic
def save_entry(*, checkin: CheckIn, couple: Couple, author: User, fields: dict[str, Any]) -> Entry:
    """Save the author's own entry as typed. Once shared, a change is marked with its time. An
    entry begins with its first word: saving an empty form stores nothing."""
    _refuse_unless_current(checkin, couple)
    entry = Entry.objects.select_for_update().filter(checkin=checkin, author=author).first()
    if entry is None:
        if not any(fields[name] for name in ENTRY_FIELDS):
            # Nothing written yet: nothing is stored, so one's status stays "not started".
            return Entry(checkin=checkin, author=author)
        entry, _created = Entry.objects.get_or_create(checkin=checkin, author=author)
    changed = [name for name in ENTRY_FIELDS if getattr(entry, name) != fields[name]]
    if changed:
        now = timezone.now()
        for name in changed:
            setattr(entry, name, fields[name])
        entry.updated_at = now
        changed.append("updated_at")
        if entry.shared:
            entry.edited_after_sharing_at = now
            changed.append("edited_after_sharing_at")
        entry.save(update_fields=changed)
    return entry


def write_entry(
    *, checkin: CheckIn, couple: Couple, author: User, fields: dict[str, Any], share: bool
) -> Entry:
    """Save what the author typed and, when they pressed Share, share it. The draft is kept
    even when sharing is refused (the refusal says what is missing)."""
    entry = save_entry(checkin=checkin, couple=couple, author=author, fields=fields)
    return share_entry(checkin=checkin, couple=couple, author=author) if share else entry


def share_entry(*, checkin: CheckIn, couple: Couple, author: User) -> Entry:
    """Share the author's saved entry. The second share reveals both entries at once; the
    entry returned carries its week as it is now."""
    _refuse_unless_current(checkin, couple)
    with transaction.atomic():
        # Both shares lock the week, so exactly one of two simultaneous shares sees both shared.
        checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        entry = checkin.entries.filter(author=author).first()
        if entry is None:
            raise RefusedError(
                _("To share, write both one small win and one remaining challenge first.")
            )
        entry.checkin = checkin
        if problem := entry.missing_to_share():
            raise RefusedError(problem)
        if entry.shared:
            return entry
        now = timezone.now()
        entry.shared_at = now
        if checkin.revealed:
            # Someone who joined after the week opened: their entry opens as they share it.
            entry.revealed_at = now
        entry.save(update_fields=["shared_at", "revealed_at"])
        if checkin.revealed:
            _tell_partner(entry, couple, author)
            return entry
        # Only the two current partners' shares reveal the week, and only theirs are revealed:
        # an entry shared by someone who has left stays unread.
        members = list(couple.memberships.values_list("user_id", flat=True))
        shared = checkin.entries.filter(author_id__in=members, shared_at__isnull=False)
        if len(members) == 2 and shared.count() == 2:
            checkin.revealed_at = entry.revealed_at = now
            checkin.save(update_fields=["revealed_at"])
            shared.update(revealed_at=now)
            # The "shared" notice tells of this act; no turn is told beside it.
            _tell_partner(entry, couple, author)
        else:
            _tell_turn(checkin, couple, author, Step.YOUR_TURN, str(author.pk))
    return entry


def _tell_partner(entry: Entry, couple: Couple, author: User) -> None:
    """The author's entry has opened to their partner: the moment it is theirs to read."""
    notices.record(couple=couple, actor=author, kind=Notice.Kind.ENTRY, thing_id=entry.pk)


def reflect(*, entry: Entry, couple: Couple, listener: User, heard: str) -> Reflection:
    """The listener says what they heard in their partner's challenge."""
    checkin = entry.checkin
    _refuse_unless_current(checkin, couple)
    if entry.author_id == listener.pk:
        raise RefusedError(_("Reflective listening is for your partner's challenge, not your own."))
    if not checkin.revealed:
        raise RefusedError(_("You can reflect once you have both shared."))
    if entry.reflections.filter(answer=Reflection.Answer.YES).exists():
        raise RefusedError(_("Your partner already said you heard them. You can reply below."))
    reflection = Reflection.objects.create(entry=entry, listener=listener, heard=heard)
    _tell_turn(checkin, couple, listener, Step.ANSWER, str(reflection.pk))
    return reflection


def answer_reflection(
    *, reflection: Reflection, couple: Couple, author: User, answer: str, clarification: str
) -> None:
    """The challenge's author says whether the paraphrase is what they meant."""
    _refuse_unless_current(reflection.entry.checkin, couple)
    if reflection.entry.author_id != author.pk:
        raise RefusedError(
            _("Only the person who wrote the challenge can say whether this is what they meant.")
        )
    updated = Reflection.objects.filter(pk=reflection.pk, answer="").update(
        answer=answer, clarification=clarification, answered_at=timezone.now()
    )
    if not updated:
        raise RefusedError(_("This was already answered; the page now shows the answer."))
    if answer == Reflection.Answer.NOT_QUITE:
        _tell_turn(reflection.entry.checkin, couple, author, Step.LISTEN_AGAIN, str(reflection.pk))


def reply(*, reflection: Reflection, couple: Couple, listener: User, text: str) -> None:
    """A reply or suggestion to the partner's challenge, once the paraphrase is confirmed."""
    _refuse_unless_current(reflection.entry.checkin, couple)
    if reflection.listener_id != listener.pk:
        raise RefusedError(_("Only the person who listened can reply here."))
    if not reflection.confirmed:
        raise RefusedError(
            _("A reply opens once your partner says you heard them. Try saying what you heard.")
        )
    Reflection.objects.filter(pk=reflection.pk).update(reply=text, replied_at=timezone.now())


def propose_next_step(*, checkin: CheckIn, couple: Couple, by: User, text: str) -> None:
    """Propose the shared small step for next week; the proposer agrees by proposing."""
    _refuse_unless_current(checkin, couple)
    if not checkin.revealed:
        raise RefusedError(_("Choose a next step together once you have both shared."))
    now = timezone.now()
    updated = CheckIn.objects.filter(pk=checkin.pk, closed_at__isnull=True).update(
        next_step=text, next_step_by=by, next_step_at=now
    )
    if not updated:
        raise RefusedError(_("This week is already closed with the step you both agreed on."))
    _tell_turn(checkin, couple, by, Step.AGREE_STEP, now.strftime("%Y%m%d%H%M%S%f"))


# What the "it's your turn" email and push say of each step the partner's act left to the
# reader: neutral words, never what the partner wrote.
TURN_WORDS = {
    Step.YOUR_TURN: gettext_lazy(
        "Your partner shared this week's check-in. Both open together once you share yours."
    ),
    Step.ANSWER: gettext_lazy(
        "Your partner said what they heard in your challenge and waits for your answer."
    ),
    Step.LISTEN_AGAIN: gettext_lazy(
        "Your partner answered what you heard and told you a little more."
    ),
    Step.AGREE_STEP: gettext_lazy("Your partner proposed a small step for the coming week."),
}


def _tell_turn(checkin: CheckIn, couple: Couple, actor: User, step: Step, event: str) -> None:
    """`actor`'s act left `step` to their partner: tell them, on the channel they chose for
    their turns, once their quiet hours allow, if it is still their step when it is sent."""
    partner_ids = [
        user_id
        for user_id in couple.memberships.values_list("user_id", flat=True)
        if user_id != actor.pk
    ]
    if not partner_ids:
        return
    with transaction.atomic():
        notice_events.tell(
            couple=couple,
            recipient_ids=partner_ids,
            kind=Kind.TURN,
            letter="turn",
            thing_id=checkin.pk,
            key=f"{step}:{event}",
            push_title=_("It's your turn in this week's check-in"),
            push_body=str(TURN_WORDS[step]),
            url=reverse("checkin_this_week"),
        )


@registry.letter("turn")
def _turn_letter(thing_id: int, key: str, recipient: User) -> dict[str, object] | None:
    """The turn email, while the step it tells of is still the recipient's next one in the week
    it was for (they may have taken it, or the week moved on)."""
    step = Step(key.split(":", 1)[0])
    membership = Membership.objects.filter(user=recipient).select_related("couple").first()
    checkin = CheckIn.objects.filter(pk=thing_id).first()
    if membership is None or checkin is None or checkin.couple_id != membership.couple_id:
        return None
    partner = (
        User.objects.filter(membership__couple=membership.couple_id)
        .exclude(pk=recipient.pk)
        .first()
    )
    facts = selectors.week_facts(membership=membership, partner=partner, monday=checkin.week_start)
    if next_step_of(facts).kind != step:
        return None
    return {"recipient": recipient, "words": TURN_WORDS[step]}


def agree_next_step(
    *, checkin: CheckIn, couple: Couple, by: User, proposed_at: datetime | None
) -> None:
    """Agree to the step as it was shown (proposed at `proposed_at`). The week closes when both
    partners agree to it."""
    _refuse_unless_current(checkin, couple)
    if proposed_at is None or not checkin.revealed:
        raise RefusedError(_("There is no proposed step to agree to yet."))
    updated = (
        CheckIn.objects.filter(
            pk=checkin.pk,
            closed_at__isnull=True,
            next_step_at=proposed_at,
            # Proposed by the partner still here: a former partner's step is not theirs to agree.
            next_step_by__membership__couple=couple,
        )
        .exclude(next_step_by=by)
        .update(closed_at=timezone.now())
    )
    if updated:
        return
    checkin.refresh_from_db()
    if checkin.closed:
        raise RefusedError(_("This week is already closed with the step you both agreed on."))
    if checkin.next_step_by_id == by.pk:
        raise RefusedError(
            _("You proposed this step. Your partner can agree to it or suggest another.")
        )
    proposer = checkin.next_step_by_id
    gone = proposer is None or not couple.memberships.filter(user_id=proposer).exists()
    if checkin.next_step and gone:
        raise RefusedError(
            _("This step was proposed by a former partner. Propose one you would both choose.")
        )
    raise RefusedError(_("The proposed step changed while you were reading. Here is the new one."))


def on_member_left(sender: object, *, couple: Couple, user: User, **kwargs: object) -> None:
    """Someone who leaves withdraws the small step they proposed for a week not yet closed:
    nobody in the couple stands behind it any more."""
    CheckIn.objects.for_couple(couple).filter(closed_at__isnull=True, next_step_by=user).update(
        next_step="", next_step_by=None, next_step_at=None
    )


def bring_back(*, entry: Entry, by: User) -> None:
    """Bring a resting challenge back into view for a few more weeks (`Entry.resting`). Only
    its author can, and only while it is open."""
    if entry.author_id != by.pk:
        raise RefusedError(_("Only the person who wrote a challenge can bring it back."))
    if entry.challenge_resolved_at is not None:
        raise RefusedError(_("You marked this challenge resolved; it rests for good."))
    entry.challenge_brought_back_at = timezone.now()
    entry.save(update_fields=["challenge_brought_back_at"])


def mark_resolved(*, entry: Entry, by: User, resolved: bool) -> None:
    """Mark a challenge resolved (or open again). Only its author can, in any week."""
    if entry.author_id != by.pk:
        raise RefusedError(_("Only the person who wrote a challenge can mark it resolved."))
    entry.challenge_resolved_at = timezone.now() if resolved else None
    entry.save(update_fields=["challenge_resolved_at"])


# Reading a week and the weeks gone by ---------------------------------------------------------


@dataclass(frozen=True)
class Agenda:
    """What a week should also touch besides the two entries."""

    last_step: str
    agreements_due: list[Agreement]
    repairs_due: list[Repair]
    pauses: list[PauseSignal]

    @property
    def empty(self) -> bool:
        return not (self.last_step or self.agreements_due or self.repairs_due or self.pauses)


def week_agenda(*, membership: Membership, checkin: CheckIn) -> Agenda:
    """What `membership`'s member finds on a week's agenda: the small step chosen in the last
    closed week before this one (read with `checkin`, `CheckInQuerySet.for_week_page`); on the
    current week, the agreements and repair follow-ups
    whose day has come (today in the couple's home zone); and the pauses that began and ended
    within the week, as plain entries. A step, repair or pause from before they joined stays
    between the partners who were there."""
    couple = membership.couple
    start = to_utc(datetime.combine(checkin.week_start, time()), couple.tz)
    end = to_utc(datetime.combine(checkin.week_start + timedelta(days=7), time()), couple.tz)
    pauses = PauseSignal.objects.visible_to(membership).between(start, end)
    is_current = checkin.week_start == current_week(couple)
    today = timezone.localdate(timezone=couple.tz)
    return Agenda(
        last_step=checkin.last_step or "",
        agreements_due=list(Agreement.objects.due_for_revisit(couple, today)) if is_current else [],
        repairs_due=list(Repair.objects.visible_to(membership).follow_ups_due(today))
        if is_current
        else [],
        pauses=list(pauses.filter(ended_at__isnull=False)),
    )


@dataclass(frozen=True)
class History:
    """The couple's weeks as one person may read them. No picture of weeks met, no counts: a
    quiet week is just a gap."""

    # Newest first; each week's `visible` holds the entries the reader may read.
    weeks: CheckInQuerySet
    # The reader's own earlier challenges still open, the newest `shown` of them: those from the
    # last few weeks or brought back (`still_with_you`) and those resting quietly (`resting`).
    still_with_you: list[Entry]
    resting: list[Entry]
    # True when older ones than these remain (the page offers to show more).
    more: bool


def history(*, membership: Membership, q: str = "", carried: int = CARRIED_OVER_STEP) -> History:
    """The weeks `membership`'s member may open, newest first, with what they may read of
    each; with `q`, only the weeks whose readable words or chosen step contain it. Of their own
    open challenges, the newest `carried`: the page grows the list on request rather than
    render them all every time."""
    couple = membership.couple
    readable = Entry.objects.visible_to(membership)
    weeks = CheckIn.objects.visible_to(membership).with_step_for(membership)
    if q:
        weeks = weeks.matching(q, membership)
    this_week = current_week(couple)
    now = timezone.now()
    # One more than shown tells whether there are more, without counting them all.
    own_open = list(
        Entry.objects.still_open(membership=membership, before=this_week).select_related("checkin")[
            : carried + 1
        ]
    )
    shown = own_open[:carried]
    return History(
        # django-stubs takes CheckIn's declaration of `visible` for a clash, hence the ignore.
        weeks=weeks.prefetch_related(Prefetch("entries", readable, to_attr="visible")),  # type: ignore[no-redef]
        still_with_you=[e for e in shown if not e.resting(this_week, now)],
        resting=[e for e in shown if e.resting(this_week, now)],
        more=len(own_open) > carried,
    )


# Conversation prompts -------------------------------------------------------------------------

_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def _shuffled(couple: Couple, week_start: date, prompt: Prompt) -> bytes:
    """A stable tie-break: the same couple and week always draw the same prompt, and couples
    (and weeks) draw in different orders."""
    return hashlib.blake2b(f"{couple.pk}:{week_start}:{prompt.pk}".encode(), digest_size=8).digest()


def next_prompt(*, couple: Couple, week_start: date) -> Prompt | None:
    """The prompt to offer `couple` for the week starting `week_start`: one saved for their
    next check-in first (the earliest saved), otherwise the one offered longest ago (or never),
    so a prompt comes back only after every other has had its turn. Never a retired one."""
    candidates = (
        Prompt.objects.offerable(couple).with_marks(couple).in_use().with_last_offered(couple)
    )

    def turn(prompt: Prompt) -> tuple[bool, datetime, datetime, bytes]:
        return (
            prompt.saved_at is None,
            prompt.saved_at or _NEVER,
            prompt.last_offered or _NEVER,
            _shuffled(couple, week_start, prompt),
        )

    return min(candidates, key=turn, default=None)


def _latest_offer(checkin: CheckIn) -> PromptOffer | None:
    return (
        PromptOffer.objects.filter(checkin=checkin).select_related("prompt").order_by("-id").first()
    )


def _offer_next(*, checkin: CheckIn, couple: Couple) -> PromptOffer | None:
    """Offer the week the next prompt; None when there is none to offer (every one retired).
    A saved prompt, once offered, is no longer waiting."""
    prompt = next_prompt(couple=couple, week_start=checkin.week_start)
    if prompt is None:
        return None
    try:
        with transaction.atomic():
            offer = PromptOffer.objects.create(checkin=checkin, prompt=prompt)
            PromptMark.objects.filter(couple=couple, prompt=prompt, saved_at__isnull=False).update(
                saved_at=None
            )
    except IntegrityError:
        # The partner opened the week (or changed its prompt) a moment earlier: theirs stands.
        return _latest_offer(checkin)
    return offer


def week_prompt(*, checkin: CheckIn, couple: Couple) -> PromptOffer | None:
    """The week's prompt as its page shows it: the latest offer, on offer or set aside, or
    None. The current week is offered one on its first visit (and again when a swap found
    nothing else to offer); an earlier week shows what it had."""
    # A week opened for its page was read with its prompt on offer; only when none is (or the
    # week was read without it) is its latest offer looked up.
    on_offer = checkin.prompt_on_offer() if hasattr(checkin, "on_offer_id") else None
    offer = on_offer or _latest_offer(checkin)
    if checkin.week_start != current_week(couple):
        return offer
    if offer is None or offer.outcome == PromptOffer.Outcome.SWAPPED:
        return _offer_next(checkin=checkin, couple=couple) or offer
    return offer


def change_week_prompt(*, checkin: CheckIn, couple: Couple, change: str, shown: int | None) -> None:
    """Swap the prompt on offer (`shown`, the one the person saw) for another, skip it, or
    offer one after all. A change made on a prompt the partner has already changed is refused,
    so two taps at once never skip past two prompts."""
    _refuse_unless_current(checkin, couple)
    with transaction.atomic():
        if change == "offer":
            if not PromptOffer.objects.filter(checkin=checkin, outcome="").exists():
                _offer_next(checkin=checkin, couple=couple)
            return
        outcome = PromptOffer.Outcome.SWAPPED if change == "swap" else PromptOffer.Outcome.SKIPPED
        on_offer = PromptOffer.objects.filter(checkin=checkin, outcome="")
        if shown is None or not on_offer.filter(pk=shown).update(
            outcome=outcome, set_aside_at=timezone.now()
        ):
            raise RefusedError(_("This week's question changed a moment ago. Here it is now."))
        if change == "swap":
            _offer_next(checkin=checkin, couple=couple)


def add_prompt(*, couple: Couple, author: User, category: str, text: str) -> Prompt:
    """A prompt of the couple's own, offered at their check-ins like Hearth's."""
    return Prompt.objects.create(couple=couple, created_by=author, category=category, text=text)


PROMPT_MARKS: dict[str, dict[str, bool]] = {
    "favourite": {"favourite_at": True},
    "unfavourite": {"favourite_at": False},
    # A retired prompt is never offered again, so it no longer waits for the next check-in.
    "retire": {"retired_at": True, "saved_at": False},
    "restore": {"retired_at": False},
    "save": {"saved_at": True},
    "unsave": {"saved_at": False},
}


def mark_prompt(*, prompt: Prompt, couple: Couple, change: str) -> None:
    """Mark a prompt for the couple (see `PROMPT_MARKS`): a favourite, retired or saved for
    their next check-in, or undo one of those."""
    now = timezone.now()
    if change == "save" and prompt.marks.filter(couple=couple, retired_at__isnull=False).exists():
        raise RefusedError(_("This prompt is retired. Bring it back first to save it."))
    fields = {name: now if on else None for name, on in PROMPT_MARKS[change].items()}
    PromptMark.objects.update_or_create(couple=couple, prompt=prompt, defaults=fields)
    if change == "retire":
        _replace_retired_offer(prompt=prompt, couple=couple, now=now)


def _replace_retired_offer(*, prompt: Prompt, couple: Couple, now: datetime) -> None:
    """A prompt retired while this week offers it is set aside and the week offers the next
    one at once, so its page never shows a retired question with its buttons."""
    checkin = CheckIn.objects.filter(couple=couple, week_start=current_week(couple)).first()
    if checkin is None:
        return
    set_aside = PromptOffer.objects.filter(checkin=checkin, prompt=prompt, outcome="").update(
        outcome=PromptOffer.Outcome.SWAPPED, set_aside_at=now
    )
    if set_aside:
        _offer_next(checkin=checkin, couple=couple)


def on_member_joined(sender: object, *, couple: Couple, user: User, **kwargs: object) -> None:
    """Someone joins: a prompt of the couple's own on offer this week was written by the
    partners before them, so it is set aside and the week offers one from Hearth's library
    or from those written since."""
    PromptOffer.objects.filter(
        checkin__couple=couple,
        checkin__week_start=current_week(couple),
        outcome="",
        prompt__couple=couple,
    ).update(outcome=PromptOffer.Outcome.SWAPPED, set_aside_at=timezone.now())
