"""Schedules: changing them, each person's reminder choices and their one-click unsubscribe,
dispatching due reminders, sending them through the outbox, calendars."""

from __future__ import annotations

import itertools
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import cache, partial
from time import monotonic
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from core import emails, outbox
from core.activity import log
from core.errors import RefusedError
from core.unsubscribe import Key, Unsubscribe
from couples.models import Couple, Membership, User
from notices import push
from notices.models import Channel, Kind, NotificationPreference
from notices.quiet import next_allowed, next_start, starting_within
from schedules import tasks
from schedules.models import (
    DEFAULT_REMINDERS,
    HORIZON,
    TEMPLATES,
    CalendarFeed,
    ReminderDelivery,
    ReminderOptOut,
    Schedule,
    offset_label,
    validate_rrule,
)

# Due schedules taken per transaction; a tick takes batch after batch until none is due or its
# time budget is spent (well inside beat's one-minute rhythm and the task time limit).
DISPATCH_BATCH = 500
DISPATCH_BUDGET = timedelta(seconds=40)
# Rows per send task, which sends them over one mail server connection until its time is up
# (core/outbox.py) and hands the rest to a follow-up.
SEND_BATCH = 100
# Rows one tick enqueues again at most.
STALE_BATCH = 5000
# How far ahead `send_before_quiet` looks for quiet hours about to begin: beat runs it every
# minute, so two minutes catch every start even when a tick runs late.
QUIET_SOON = timedelta(minutes=2)


# Changing schedules -----------------------------------------------------------------------


def _plan(schedule: Schedule, now: datetime, *, previous: datetime | None = None) -> None:
    """Point next_reminder_at at the first reminder still to dispatch. A reminder that fell due
    before an edit and was not dispatched yet is kept (the unique key stops a second copy)."""
    moment = now if previous is None else min(now, previous - timedelta(microseconds=1))
    schedule.next_reminder_at = schedule.first_reminder_after(moment)


def on_couple_created(sender: object, *, couple: Couple, user: User, **kwargs: object) -> None:
    """Every couple starts with the weekly check-in, on Sundays at 19:00 in its home zone."""
    create_schedule(couple=couple, by=None, kind=Schedule.Kind.CHECKIN, **TEMPLATES["checkin"])


def _refuse_unusable(rrule: str) -> None:
    try:
        validate_rrule(rrule)
    except ValidationError as e:
        raise RefusedError(e.messages[0]) from None


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
    _refuse_unusable(rrule)
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
    if "rrule" in fields:
        _refuse_unusable(fields["rrule"])
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
        message = _("stopped “%(title)s” for now") if paused else _("started “%(title)s” again")
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
    ReminderOptOut.objects.for_couple(couple).filter(user=user).delete()
    ReminderOptOut.objects.bulk_create(
        ReminderOptOut(schedule=schedule, user=user, offset_minutes=minutes)
        for schedule in Schedule.objects.for_couple(couple)
        for minutes in schedule.offsets
        if (schedule.pk, minutes) not in chosen
    )


def _describe_reminder(key: Key) -> dict[str, object] | None:
    schedule_id, _user_id, minutes = key
    schedule = Schedule.objects.filter(pk=schedule_id).first()
    if schedule is None:
        return None
    return {"reminder": offset_label(minutes), "noun": schedule.noun}


def _reminder_is_off(key: Key) -> bool:
    schedule_id, user_id, minutes = key
    return ReminderOptOut.objects.filter(
        schedule_id=schedule_id, user_id=user_id, offset_minutes=minutes
    ).exists()


def _turn_reminder_off(key: Key) -> bool:
    schedule_id, user_id, minutes = key
    _opt_out, created = ReminderOptOut.objects.get_or_create(
        schedule_id=schedule_id, user_id=user_id, offset_minutes=minutes
    )
    return created


# One reminder (schedule, person, offset) per link.
REMINDERS = Unsubscribe(
    name="reminder",
    # Unchanged since schedules lived in checkins/: links in emails already sent are signed with it.
    salt="checkins.unsubscribe",
    url_name="unsubscribe",
    describe=_describe_reminder,
    is_off=_reminder_is_off,
    turn_off=_turn_reminder_off,
)


def unsubscribe_token(delivery: ReminderDelivery) -> str:
    return REMINDERS.token(delivery.schedule_id, delivery.recipient_id, delivery.offset_minutes)


def reset_calendar_feed(*, user: User) -> CalendarFeed:
    """A new private calendar address; the previous one stops working at once."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": CalendarFeed.new_token(), "created_at": timezone.now()}
    )
    return feed


def revoke_calendar_feed(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def on_member_left(sender: object, *, couple: Couple, user: User, **kwargs: object) -> None:
    """Reminders to someone who left stop at once: the ones already queued are skipped, never
    sent, and their reminder choices for the couple's schedules go with them. The dispatcher
    reminds only the members of the moment, so nothing later is planned for them."""
    ReminderDelivery.objects.for_couple(couple).filter(
        recipient=user, status=ReminderDelivery.Status.PENDING
    ).update(status=ReminderDelivery.Status.SKIPPED)
    ReminderOptOut.objects.for_couple(couple).filter(user=user).delete()


# Dispatching and sending ------------------------------------------------------------------


def dispatch_due(*, now: datetime) -> int:
    """Record every reminder that fell due up to `now` as a delivery row and enqueue the ones
    to send, DISPATCH_BATCH schedules at a time until none is due or DISPATCH_BUDGET has gone
    (then a follow-up dispatch is enqueued). Runs every minute from beat; safe to run twice or twice
    at once: due schedules are locked (others skip them), the unique key keeps one row per
    reminder, and a send claims its row. After downtime only what still helps goes out: a
    reminder whose conversation has started is recorded as missed, and one overtaken by a later
    reminder of the same occurrence is skipped. Its query count depends on how many schedules
    are due, never on how many exist."""
    deadline = monotonic() + DISPATCH_BUDGET.total_seconds()
    enqueued = 0
    while True:
        found, pending = _dispatch_batch(now)
        enqueued += pending
        if found < DISPATCH_BATCH:
            return enqueued
        if monotonic() >= deadline:
            # More is due: a follow-up goes on from here. Unlike beat's tick it never expires,
            # so it runs even when it waits behind many sends in the queue.
            transaction.on_commit(tasks.dispatch_reminders.delay)
            return enqueued


def _dispatch_batch(now: datetime) -> tuple[int, int]:
    """One batch of due schedules in one transaction: how many were found, how many rows were
    enqueued to send."""
    with transaction.atomic():
        schedules = list(
            Schedule.objects.due(now).select_for_update(skip_locked=True)[:DISPATCH_BATCH]
        )
        if not schedules:
            return 0, 0
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
        moved_to: dict[datetime | None, list[int]] = defaultdict(list)
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
            moved_to[schedule.first_reminder_after(now)].append(schedule.pk)
        ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        # One UPDATE per new time: schedules cluster on a few (Sunday evenings), and each is far
        # cheaper to build than a CASE over the whole batch.
        for next_reminder_at, pks in moved_to.items():
            Schedule.objects.filter(pk__in=pks).update(next_reminder_at=next_reminder_at)
        pending = list(
            ReminderDelivery.objects.filter(
                schedule__in=schedules,
                status=ReminderDelivery.Status.PENDING,
                claimed_at__isnull=True,
            ).values_list("pk", flat=True)
        )
        _enqueue_sends(pending)
    return len(schedules), len(pending)


def _enqueue_sends(delivery_ids: list[int]) -> None:
    """One send task per SEND_BATCH rows, published once the rows are committed."""
    for batch in itertools.batched(delivery_ids, SEND_BATCH):
        transaction.on_commit(partial(tasks.send_reminders.delay, list(batch)))


def requeue_stale(*, now: datetime) -> int:
    """Enqueue again what should have been sent by now: rows whose message was lost (a broker
    restart) and rows whose worker died after claiming them (the lease ran out). Rows whose
    conversation has started are recorded as missed instead."""
    waiting = ReminderDelivery.objects.filter(
        ReminderDelivery.claimable(now), created_at__lte=now - ReminderDelivery.REQUEUE_AFTER
    )
    waiting.filter(occurrence_start__lte=now).update(status=ReminderDelivery.Status.MISSED)
    stale = list(waiting.values_list("pk", flat=True)[:STALE_BATCH])
    _enqueue_sends(stale)
    return len(stale)


def send_reminders(*, delivery_ids: list[int], now: datetime) -> int:
    """Send the reminders among `delivery_ids` that this call wins the claim of, through the
    outbox (core/outbox.py); what it did not reach in time goes to a follow-up task. Returns how
    many emails went out."""
    outcome = outbox.send(
        ReminderDelivery.objects.select_related("schedule", "recipient"),
        delivery_ids,
        now=now,
        letters=partial(_reminder_letters, now=now),
    )
    _enqueue_sends(outcome.left)
    return outcome.sent


def _reminder_letters(
    deliveries: list[ReminderDelivery], *, now: datetime
) -> Iterator[tuple[ReminderDelivery, EmailMultiAlternatives]]:
    """Record the claimed rows that are no longer worth sending as missed (their conversation
    has started) or skipped (no longer wanted); the emails of the rest, each made when it is
    its turn."""
    wanted = _still_wanted(deliveries)
    choices = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(
            user_id__in={d.recipient_id for d in deliveries}
        )
    }
    outcomes: dict[str, list[int]] = defaultdict(list)
    held: dict[datetime, list[int]] = defaultdict(list)
    for delivery in deliveries:
        choice = choices.get(delivery.recipient_id)
        channel = choice.reminder if choice is not None else Channel.HEARTH
        if delivery.occurrence_start <= now:
            outcomes[ReminderDelivery.Status.MISSED].append(delivery.pk)
        elif delivery.pk not in wanted or choice is None or channel == Channel.HEARTH:
            outcomes[ReminderDelivery.Status.SKIPPED].append(delivery.pk)
        else:
            zone = zoneinfo.ZoneInfo(delivery.recipient.time_zone)
            allowed = next_allowed(now, zone, choice.quiet_start, choice.quiet_end)
            if channel == Channel.PUSH:
                _push_reminder(delivery, not_before=allowed if allowed > now else None)
                outcomes[ReminderDelivery.Status.SKIPPED].append(delivery.pk)
            elif allowed >= delivery.occurrence_start:
                # The conversation starts inside their quiet hours: the reminder went out
                # before they began (`send_before_quiet`), or it is too late for one.
                outcomes[ReminderDelivery.Status.SKIPPED].append(delivery.pk)
            elif allowed > now:
                held[allowed].append(delivery.pk)
    for status, pks in outcomes.items():
        ReminderDelivery.objects.filter(pk__in=pks, claimed_at=now).update(status=status)
    # Inside quiet hours with the conversation after them: it waits for them to end, then
    # requeue_stale finds it claimable again.
    for not_before, pks in held.items():
        ReminderDelivery.objects.filter(pk__in=pks, claimed_at=now).update(
            claimed_at=None, not_before=not_before
        )
    settled = {pk for pks in [*outcomes.values(), *held.values()] for pk in pks}
    return ((d, reminder_message(d)) for d in deliveries if d.pk not in settled)


def _push_reminder(delivery: ReminderDelivery, *, not_before: datetime | None) -> None:
    push.queue(
        delivery.recipient_id,
        kind=Kind.REMINDER,
        title=_("Reminder: your %(noun)s") % {"noun": delivery.schedule.noun},
        body=_("Your planned conversation starts soon."),
        url=delivery.schedule.link_path,
        not_before=not_before,
    )


def send_before_quiet(*, now: datetime) -> int:
    """Reminders of a conversation that starts inside someone's quiet hours, due inside them
    too, go out now, just before those hours begin: one per conversation, the latest due. Runs
    every minute from beat for the people whose quiet hours begin within the next QUIET_SOON;
    the row's unique key keeps the dispatcher, which reaches the reminder later, from sending it
    again. Returns how many rows were enqueued to send."""
    zones = list(
        NotificationPreference.objects.filter(
            quiet_start__isnull=False, quiet_end__isnull=False, reminder=Channel.EMAIL
        )
        .values_list("user__time_zone", flat=True)
        .distinct()
    )
    if not zones:
        return 0
    starting = Q(pk__in=[])
    for name in zones:
        after, upto = starting_within(now, zoneinfo.ZoneInfo(name), QUIET_SOON)
        window = (
            Q(quiet_start__gt=after, quiet_start__lte=upto)
            if after <= upto
            else Q(quiet_start__gt=after) | Q(quiet_start__lte=upto)
        )
        starting |= Q(user__time_zone=name) & window
    soon = list(
        NotificationPreference.objects.filter(starting, reminder=Channel.EMAIL)
        .exclude(quiet_start=F("quiet_end"))
        .select_related("user")
    )
    rows: list[ReminderDelivery] = []
    for choice in soon:
        assert choice.quiet_start is not None
        zone = zoneinfo.ZoneInfo(choice.user.time_zone)
        begins = next_start(now, zone, choice.quiet_start)
        ends = next_allowed(begins, zone, choice.quiet_start, choice.quiet_end)
        membership = Membership.objects.filter(user=choice.user).first()
        if membership is None:
            continue
        opted_out = set(
            ReminderOptOut.objects.filter(user=choice.user).values_list(
                "schedule_id", "offset_minutes"
            )
        )
        for schedule in Schedule.objects.filter(couple_id=membership.couple_id, paused_at=None):
            latest: dict[datetime, int] = {}
            for occurrence, minutes in schedule.reminders_between(begins, ends):
                if begins <= occurrence < ends and (schedule.pk, minutes) not in opted_out:
                    latest[occurrence] = min(latest.get(occurrence, minutes), minutes)
            rows.extend(
                ReminderDelivery(
                    schedule=schedule,
                    occurrence_start=occurrence,
                    recipient=choice.user,
                    offset_minutes=minutes,
                    created_at=now,
                )
                for occurrence, minutes in latest.items()
            )
    if not rows:
        return 0
    ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    keys = Q(pk__in=[])
    for row in rows:
        keys |= Q(
            schedule=row.schedule,
            occurrence_start=row.occurrence_start,
            recipient=row.recipient,
            offset_minutes=row.offset_minutes,
        )
    pending = list(
        ReminderDelivery.objects.filter(
            keys, status=ReminderDelivery.Status.PENDING, claimed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    _enqueue_sends(pending)
    return len(pending)


def send_reminder(*, delivery_id: int, now: datetime) -> bool:
    """Send one reminder if this call wins the claim; whether an email went out."""
    return send_reminders(delivery_ids=[delivery_id], now=now) == 1


def _still_wanted(deliveries: list[ReminderDelivery]) -> set[int]:
    """Which of these claimed rows still match their schedule and recipient's wishes: the
    schedule may have been paused or moved, the person may have left or turned the reminder
    off. Two queries whatever the number of rows."""
    members = set(
        Membership.objects.filter(user_id__in={d.recipient_id for d in deliveries}).values_list(
            "couple_id", "user_id"
        )
    )
    turned_off = set(
        ReminderOptOut.objects.filter(
            schedule_id__in={d.schedule_id for d in deliveries},
            user_id__in={d.recipient_id for d in deliveries},
        ).values_list("schedule_id", "user_id", "offset_minutes")
    )
    wanted = set()
    for delivery in deliveries:
        schedule = delivery.schedule
        occurrence = delivery.occurrence_start
        if (
            schedule.paused_at is None
            and delivery.offset_minutes in schedule.offsets
            and (schedule.couple_id, delivery.recipient_id) in members
            and (schedule.pk, delivery.recipient_id, delivery.offset_minutes) not in turned_off
            and schedule.next_occurrences(after=occurrence - timedelta(seconds=1), count=1)
            == [occurrence]
        ):
            wanted.add(delivery.pk)
    return wanted


def reminder_message(delivery: ReminderDelivery) -> EmailMultiAlternatives:
    schedule = delivery.schedule
    recipient = delivery.recipient
    unsubscribe_url = REMINDERS.url(
        delivery.schedule_id, delivery.recipient_id, delivery.offset_minutes
    )
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
    emails.one_click_unsubscribe(message, unsubscribe_url)
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
    if occurrences:
        # What add_missing_timezones() adds, for the years the events fall in (with a year's
        # margin either side for the local date) rather than 1970 to 2038: a tenth of the
        # transitions to build and write, and calendar apps need only those around the events.
        years = [start.year for _schedule, start in occurrences]
        cal.subcomponents[0:0] = [
            zone
            for tzid in sorted(cal.get_missing_tzids())
            if (zone := _vtimezone(tzid, min(years) - 1, max(years) + 1)) is not None
        ]
    ical: bytes = cal.to_ical()  # icalendar leaves to_ical() unannotated
    return ical


@cache
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone | None:
    """A zone's VTIMEZONE component for these years, or None for a zone icalendar does not
    know. Deriving it from the zone's transitions costs more than all the rest of a reminder
    email, so each process builds each one once."""
    try:
        return Timezone.from_tzid(
            tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
        )
    except ValueError:
        return None


def feed_for(user: User, *, now: datetime, per_schedule: int = 60) -> bytes:
    """The coming year of the user's couple's active schedules (empty if they have none)."""
    membership = Membership.objects.select_related("couple").filter(user=user).first()
    occurrences: list[tuple[Schedule, datetime]] = []
    if membership is not None:
        for schedule in Schedule.objects.for_couple(membership.couple).active():
            occurrences.extend(
                (schedule, start)
                for start in schedule.next_occurrences(after=now, count=per_schedule)
                if start <= now + HORIZON
            )
    return calendar(occurrences)
