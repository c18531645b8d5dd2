"""Schedules: changing them, dispatching due reminders, sending one reminder, calendars."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar, Event

from agreements.models import Agreement, PauseSignal
from checkins import tasks
from checkins.models import (
    DEFAULT_REMINDERS,
    HORIZON,
    CalendarFeed,
    CheckIn,
    CheckInQuerySet,
    Entry,
    Reflection,
    ReminderDelivery,
    ReminderOptOut,
    Schedule,
    current_week,
    offset_label,
    to_utc,
)
from couples import emails
from couples.models import Couple, Membership, User
from couples.services import RefusedError, log
from toolkit.models import Repair

# What each kind of schedule starts with. Quarterly means the first Saturday of each quarter.
TEMPLATES: dict[str, dict[str, Any]] = {
    Schedule.Kind.CHECKIN: {
        "title": gettext_lazy("Weekly check-in"),
        "rrule": "FREQ=WEEKLY;BYDAY=SU",
        "start_time": time(19, 0),
        "duration_minutes": 60,
    },
    Schedule.Kind.GRATITUDE: {
        "title": gettext_lazy("Monthly gratitude exchange"),
        "rrule": "FREQ=MONTHLY;BYDAY=1SU",
        "start_time": time(19, 0),
        "duration_minutes": 30,
    },
    Schedule.Kind.RETREAT: {
        "title": gettext_lazy("Quarterly retreat"),
        "rrule": "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=1SA",
        "start_time": time(10, 0),
        "duration_minutes": 180,
    },
    Schedule.Kind.CUSTOM: {
        "title": "",
        "rrule": "FREQ=WEEKLY;BYDAY=SU",
        "start_time": time(19, 0),
        "duration_minutes": 60,
    },
}
UNSUBSCRIBE_SALT = "checkins.unsubscribe"
# Largest number of schedules one dispatcher tick takes; the rest wait for the next minute.
DISPATCH_BATCH = 500


# Changing schedules -----------------------------------------------------------------------


def _plan(schedule: Schedule, now: datetime, *, previous: datetime | None = None) -> None:
    """Point next_reminder_at at the first reminder still to dispatch. A reminder that fell due
    before an edit and was not dispatched yet is kept (the unique key stops a second copy)."""
    moment = now if previous is None else min(now, previous - timedelta(microseconds=1))
    schedule.next_reminder_at = schedule.first_reminder_after(moment)


def on_couple_created(sender: object, *, couple: Couple, user: User, **kwargs: object) -> None:
    """Every couple starts with the weekly check-in, on Sundays at 19:00 in its home zone."""
    create_schedule(couple=couple, by=None, kind=Schedule.Kind.CHECKIN, **TEMPLATES["checkin"])


def create_schedule(
    *,
    couple: Couple,
    by: User | None,
    kind: str,
    title: str,
    rrule: str,
    start_time: time,
    duration_minutes: int,
    time_zone: str | None = None,
    reminder_offsets: list[int] | None = None,
) -> Schedule:
    time_zone = time_zone or couple.time_zone
    schedule = Schedule(
        couple=couple,
        kind=kind,
        title=str(title),
        rrule=rrule,
        starts_on=timezone.now().astimezone(zoneinfo.ZoneInfo(time_zone)).date(),
        start_time=start_time,
        duration_minutes=duration_minutes,
        time_zone=time_zone,
        reminder_offsets=list(DEFAULT_REMINDERS if reminder_offsets is None else reminder_offsets),
    )
    _plan(schedule, timezone.now())
    with transaction.atomic():
        schedule.save()
        if by is not None:
            log(
                couple=couple,
                actor=by,
                message=_("added “%(title)s” to the schedule") % {"title": schedule.title},
            )
    return schedule


def update_schedule(*, schedule: Schedule, by: User, version: int, **fields: Any) -> Schedule:
    """Save an edit made on `version`; refused when the partner saved a change meanwhile."""
    with transaction.atomic():
        current = Schedule.objects.select_for_update().filter(pk=schedule.pk).first()
        if current is None:
            raise RefusedError(_("This schedule was deleted meanwhile."))
        if current.version != version:
            raise RefusedError(
                _(
                    "Your partner changed this schedule while you were editing it. The form still "
                    "shows what you typed: save again to keep your version, or cancel to see theirs."
                )
            )
        for name, value in fields.items():
            setattr(current, name, value)
        current.version += 1
        _plan(current, timezone.now(), previous=current.next_reminder_at)
        current.save()
        log(
            couple=current.couple,
            actor=by,
            message=_("changed “%(title)s” in the schedule") % {"title": current.title},
        )
    return current


def set_paused(*, schedule: Schedule, by: User, paused: bool) -> None:
    with transaction.atomic():
        current = Schedule.objects.select_for_update().get(pk=schedule.pk)
        if (current.paused_at is not None) == paused:
            return
        now = timezone.now()
        current.paused_at = now if paused else None
        current.version += 1
        _plan(current, now)
        current.save(update_fields=["paused_at", "next_reminder_at", "version"])
        message = _("paused “%(title)s”") if paused else _("resumed “%(title)s”")
        log(couple=current.couple, actor=by, message=message % {"title": current.title})


@transaction.atomic
def delete_schedule(*, schedule: Schedule, by: User) -> None:
    schedule.delete()
    log(
        couple=schedule.couple,
        actor=by,
        message=_("removed “%(title)s” from the schedule") % {"title": schedule.title},
    )


# Each person's choices ----------------------------------------------------------------------


@transaction.atomic
def save_reminder_choices(*, user: User, couple: Couple, chosen: set[tuple[int, int]]) -> None:
    """Keep exactly the (schedule id, offset) reminders in `chosen` for `user`."""
    ReminderOptOut.objects.filter(user=user, schedule__couple=couple).delete()
    ReminderOptOut.objects.bulk_create(
        ReminderOptOut(schedule=schedule, user=user, offset_minutes=minutes)
        for schedule in couple.schedules.all()
        for minutes in schedule.offsets
        if (schedule.pk, minutes) not in chosen
    )


def unsubscribe_token(delivery: ReminderDelivery) -> str:
    key = [delivery.schedule_id, delivery.recipient_id, delivery.offset_minutes]
    return signing.dumps(key, salt=UNSUBSCRIBE_SALT, compress=False)


def read_unsubscribe_token(token: str) -> tuple[int, int, int] | None:
    try:
        schedule_id, user_id, minutes = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(schedule_id), int(user_id), int(minutes)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def turn_off_reminder(*, schedule: Schedule, user_id: int, offset_minutes: int) -> bool:
    """Turn one reminder off for one person; False when it was already off."""
    _opt_out, created = ReminderOptOut.objects.get_or_create(
        schedule=schedule, user_id=user_id, offset_minutes=offset_minutes
    )
    return created


def reset_calendar_feed(*, user: User) -> CalendarFeed:
    """A new private calendar address; the previous one stops working at once."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": CalendarFeed.new_token(), "created_at": timezone.now()}
    )
    return feed


def revoke_calendar_feed(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


# Dispatching and sending ------------------------------------------------------------------


def dispatch_due(*, now: datetime) -> int:
    """Record every reminder that fell due up to `now` as a delivery row and enqueue the ones
    to send. Runs every minute from beat; safe to run twice or twice at once: due schedules are
    locked (others skip them), the unique key keeps one row per reminder, and a send claims its
    row. After downtime only what still helps goes out: a reminder whose conversation has started
    is recorded as missed, and one overtaken by a later reminder of the same occurrence is
    skipped. Its query count depends on how many schedules are due, never on how many exist."""
    with transaction.atomic():
        schedules = list(
            Schedule.objects.due(now).select_for_update(skip_locked=True)[:DISPATCH_BATCH]
        )
        if not schedules:
            return 0
        members: dict[int, list[int]] = defaultdict(list)
        memberships = Membership.objects.filter(couple__in={s.couple_id for s in schedules})
        for couple_id, user_id in memberships.values_list("couple_id", "user_id"):
            members[couple_id].append(user_id)
        opted_out = set(
            ReminderOptOut.objects.filter(schedule__in=schedules).values_list(
                "schedule_id", "user_id", "offset_minutes"
            )
        )
        rows: list[ReminderDelivery] = []
        for schedule in schedules:
            assert schedule.next_reminder_at is not None
            due = schedule.reminders_between(schedule.next_reminder_at, now)
            latest: dict[datetime, int] = {}
            for occurrence, minutes in due:
                latest[occurrence] = min(latest.get(occurrence, minutes), minutes)
            for occurrence, minutes in due:
                if occurrence <= now:
                    status = ReminderDelivery.Status.MISSED
                elif minutes == latest[occurrence]:
                    status = ReminderDelivery.Status.PENDING
                else:
                    status = ReminderDelivery.Status.SKIPPED
                rows.extend(
                    ReminderDelivery(
                        schedule=schedule,
                        occurrence_start=occurrence,
                        recipient_id=user_id,
                        offset_minutes=minutes,
                        status=status,
                        created_at=now,
                    )
                    for user_id in members[schedule.couple_id]
                    if (schedule.pk, user_id, minutes) not in opted_out
                )
            schedule.next_reminder_at = schedule.first_reminder_after(now)
        ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        Schedule.objects.bulk_update(schedules, ["next_reminder_at"])
        pending = list(
            ReminderDelivery.objects.filter(
                schedule__in=schedules,
                status=ReminderDelivery.Status.PENDING,
                claimed_at__isnull=True,
            ).values_list("pk", flat=True)
        )
        for pk in pending:
            transaction.on_commit(partial(tasks.send_reminder.delay, pk))
    return len(pending)


def _claimable(now: datetime) -> Q:
    return Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - ReminderDelivery.LEASE)


def requeue_stale(*, now: datetime) -> int:
    """Enqueue again what should have been sent by now: rows whose message was lost (a broker
    restart) and rows whose worker died after claiming them (the lease ran out). Rows whose
    conversation has started are recorded as missed instead."""
    waiting = ReminderDelivery.objects.filter(
        _claimable(now),
        status=ReminderDelivery.Status.PENDING,
        created_at__lte=now - ReminderDelivery.REQUEUE_AFTER,
    )
    waiting.filter(occurrence_start__lte=now).update(status=ReminderDelivery.Status.MISSED)
    stale = list(waiting.values_list("pk", flat=True)[:DISPATCH_BATCH])
    for pk in stale:
        transaction.on_commit(partial(tasks.send_reminder.delay, pk))
    return len(stale)


def _finish(delivery: ReminderDelivery, claim: datetime, **fields: Any) -> None:
    ReminderDelivery.objects.filter(pk=delivery.pk, claimed_at=claim).update(**fields)


def _still_wanted(delivery: ReminderDelivery) -> bool:
    """Whether the reminder still matches the schedule and the recipient's wishes: the schedule
    may have been paused or moved, the person may have left or turned the reminder off."""
    schedule = delivery.schedule
    occurrence = delivery.occurrence_start
    return (
        schedule.paused_at is None
        and delivery.offset_minutes in schedule.offsets
        and schedule.next_occurrences(after=occurrence - timedelta(seconds=1), count=1)
        == [occurrence]
        and Membership.objects.filter(
            couple_id=schedule.couple_id, user_id=delivery.recipient_id
        ).exists()
        and not ReminderOptOut.objects.filter(
            schedule=schedule, user_id=delivery.recipient_id, offset_minutes=delivery.offset_minutes
        ).exists()
    )


def send_reminder(*, delivery_id: int, now: datetime) -> bool:
    """Send one reminder if this call wins the claim. The conditional UPDATE lets one worker
    at a time hold the row; it is taken over only when the holder's lease ran out. Returns
    whether an email went out."""
    claimed = ReminderDelivery.objects.filter(
        _claimable(now), pk=delivery_id, status=ReminderDelivery.Status.PENDING
    ).update(claimed_at=now)
    if not claimed:
        return False
    delivery = ReminderDelivery.objects.select_related(
        "schedule", "schedule__couple", "recipient"
    ).get(pk=delivery_id)
    if delivery.occurrence_start <= now:
        _finish(delivery, now, status=ReminderDelivery.Status.MISSED)
        return False
    if not _still_wanted(delivery):
        _finish(delivery, now, status=ReminderDelivery.Status.SKIPPED)
        return False
    message = reminder_message(delivery)
    message.send()
    _finish(
        delivery,
        now,
        status=ReminderDelivery.Status.SENT,
        sent_at=timezone.now(),
        message_id=message.extra_headers["Message-ID"],
    )
    return True


def reminder_message(delivery: ReminderDelivery) -> EmailMultiAlternatives:
    schedule = delivery.schedule
    recipient = delivery.recipient
    unsubscribe_url = f"{settings.SITE_URL}/schedule/unsubscribe/{unsubscribe_token(delivery)}/"
    ctx = {
        "schedule": schedule,
        "recipient": recipient,
        "start": delivery.occurrence_start,
        "recipient_zone": recipient.time_zone,
        "home_zone": schedule.time_zone if schedule.time_zone != recipient.time_zone else "",
        "offset_label": offset_label(delivery.offset_minutes),
        "link": f"{settings.SITE_URL}{schedule.link_path}",
        "unsubscribe_url": unsubscribe_url,
    }
    message = emails.make_message("reminder", recipient.email, ctx)
    domain = urlsplit(settings.SITE_URL).hostname or "hearth"
    # Stable per delivery: should a send ever be repeated, mail systems see the same message.
    message.extra_headers["Message-ID"] = f"<reminder-{delivery.pk}@{domain}>"
    message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    ics = calendar([(schedule, delivery.occurrence_start)], method="PUBLISH")
    message.attach("invitation.ics", ics, "text/calendar")
    return message


# Calendars ----------------------------------------------------------------------------------


def calendar(occurrences: list[tuple[Schedule, datetime]], *, method: str = "") -> bytes:
    """An iCalendar file with one event per occurrence, in its schedule's home zone (with its
    VTIMEZONE). Summaries are generic words only: a calendar may be seen by others."""
    cal = Calendar()
    cal.add("prodid", "-//Hearth//Scheduled conversations//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Hearth")
    if method:
        cal.add("method", method)
    stamp = timezone.now()
    for schedule, start in occurrences:
        event = Event()
        event.add("uid", schedule.uid(start))
        event.add("dtstamp", stamp)
        event.add("dtstart", start.astimezone(schedule.tz))
        event.add("dtend", (start + schedule.duration).astimezone(schedule.tz))
        event.add("summary", _("Hearth: %(what)s") % {"what": schedule.noun})
        event.add("url", f"{settings.SITE_URL}{schedule.link_path}")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_for(user: User, *, now: datetime, per_schedule: int = 60) -> bytes:
    """The coming year of the user's couple's active schedules (empty if they have none)."""
    membership = Membership.objects.filter(user=user).first()
    occurrences: list[tuple[Schedule, datetime]] = []
    if membership is not None:
        for schedule in Schedule.objects.filter(couple_id=membership.couple_id).active():
            occurrences.extend(
                (schedule, start)
                for start in schedule.next_occurrences(after=now, count=per_schedule)
                if start <= now + HORIZON
            )
    return calendar(occurrences)


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
        return CheckIn.objects.visible_to(membership).filter(week_start=monday).first()
    checkin, _created = CheckIn.objects.get_or_create(couple=couple, week_start=monday)
    return checkin


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
    """Save the author's own entry as typed. Once shared, a change is marked with its time."""
    _refuse_unless_current(checkin, couple)
    entry, _created = Entry.objects.select_for_update().get_or_create(
        checkin=checkin, author=author
    )
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
            return entry
        # Only the two current partners' shares reveal the week, and only theirs are revealed:
        # an entry shared by someone who has left stays unread.
        members = list(couple.memberships.values_list("user_id", flat=True))
        shared = checkin.entries.filter(author_id__in=members, shared_at__isnull=False)
        if len(members) == 2 and shared.count() == 2:
            checkin.revealed_at = entry.revealed_at = now
            checkin.save(update_fields=["revealed_at"])
            shared.update(revealed_at=now)
    return entry


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
    return Reflection.objects.create(entry=entry, listener=listener, heard=heard)


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
    updated = CheckIn.objects.filter(pk=checkin.pk, closed_at__isnull=True).update(
        next_step=text, next_step_by=by, next_step_at=timezone.now()
    )
    if not updated:
        raise RefusedError(_("This week is already closed with the step you both agreed on."))


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


def mark_resolved(*, entry: Entry, by: User, resolved: bool) -> None:
    """Mark a challenge resolved (or open again). Only its author can, in any week."""
    if entry.author_id != by.pk:
        raise RefusedError(_("Only the person who wrote a challenge can mark it resolved."))
    entry.challenge_resolved_at = timezone.now() if resolved else None
    entry.save(update_fields=["challenge_resolved_at"])


# Reading a week and the weeks gone by ---------------------------------------------------------

PICTURE_WEEKS = 26


@dataclass(frozen=True)
class Agenda:
    """What a week should also touch besides the two entries."""

    last_step: CheckIn | None
    agreements_due: list[Agreement]
    repairs_due: list[Repair]
    pauses: list[PauseSignal]

    @property
    def empty(self) -> bool:
        return not (self.last_step or self.agreements_due or self.repairs_due or self.pauses)


def week_agenda(*, membership: Membership, checkin: CheckIn) -> Agenda:
    """What `membership`'s member finds on a week's agenda: the small step chosen in the last
    closed week before this one; on the current week, the agreements and repair follow-ups
    whose day has come (today in the couple's home zone); and the pauses that began and ended
    within the week, as plain entries. A step, repair or pause from before they joined stays
    between the partners who were there."""
    couple = membership.couple
    start = to_utc(datetime.combine(checkin.week_start, time()), couple.tz)
    end = to_utc(datetime.combine(checkin.week_start + timedelta(days=7), time()), couple.tz)
    pauses = PauseSignal.objects.visible_to(membership).between(start, end)
    is_current = checkin.week_start == current_week(couple)
    today = timezone.localdate(timezone=couple.tz)
    earlier = CheckIn.objects.for_couple(couple).filter(week_start__lt=checkin.week_start)
    return Agenda(
        last_step=earlier.closed().steps_seen_by(membership).first(),
        agreements_due=list(Agreement.objects.due_for_revisit(couple, today)) if is_current else [],
        repairs_due=list(Repair.objects.visible_to(membership).follow_ups_due(today))
        if is_current
        else [],
        pauses=list(pauses.filter(ended_at__isnull=False)),
    )


@dataclass(frozen=True)
class WeekMet:
    monday: date
    met: bool


@dataclass(frozen=True)
class History:
    """The couple's weeks as one person may read them."""

    # Newest first; each week's `visible` holds the entries the reader may read.
    weeks: CheckInQuerySet
    # Earlier challenges their authors have not marked resolved yet.
    carried_over: list[Entry]
    # The last PICTURE_WEEKS weeks, oldest first: a week is met when both shared. No streaks.
    picture: list[WeekMet]

    @property
    def weeks_met(self) -> int:
        return sum(week.met for week in self.picture)


def history(*, membership: Membership, q: str = "") -> History:
    """The weeks `membership`'s member may open, newest first, with what they may read of
    each; with `q`, only the weeks whose readable words or chosen step contain it."""
    couple = membership.couple
    readable = Entry.objects.visible_to(membership).select_related("author")
    weeks = CheckIn.objects.visible_to(membership).with_step_for(membership)
    if q:
        weeks = weeks.matching(q, membership)
    this_week = current_week(couple)
    first = this_week - timedelta(weeks=PICTURE_WEEKS - 1)
    met = set(
        CheckIn.objects.met_by(membership)
        .filter(week_start__gte=first)
        .values_list("week_start", flat=True)
    )
    mondays = [first + timedelta(weeks=i) for i in range(PICTURE_WEEKS)]
    return History(
        weeks=weeks.prefetch_related(Prefetch("entries", readable, to_attr="visible")),
        carried_over=list(
            readable.carried_over(couple=couple, before=this_week).select_related("checkin")
        ),
        picture=[WeekMet(monday, monday in met) for monday in mondays],
    )
