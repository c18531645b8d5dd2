"""Scheduled conversations and their reminders: a couple's rhythm (RFC 5545 rules in a home time
zone), each person's reminder choices, one delivery row per reminder email, and each person's
private calendar feed."""

from __future__ import annotations

import secrets
import zoneinfo
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import dateutil.rrule
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Outbound
from core.time import to_utc
from core.zones import zone_label
from couples.models import Couple, Membership, User, validate_time_zone
from schedules.words import rule_in_words

# Reminder offsets people can pick, in minutes before the conversation starts.
REMINDER_CHOICES = [
    (10080, _("1 week before")),
    (2880, _("2 days before")),
    (1440, _("24 hours before")),
    (180, _("3 hours before")),
    (60, _("1 hour before")),
    (15, _("15 minutes before")),
]
DEFAULT_REMINDERS = [1440, 60]
# How far ahead the calendar feed and the support command look.
HORIZON = timedelta(days=366)


def offset_label(minutes: int) -> str:
    return str(dict(REMINDER_CHOICES).get(minutes, _("%(n)s minutes before") % {"n": minutes}))


# What an RRULE may say (`validate_rrule`).
SUB_DAILY = {"SECONDLY", "MINUTELY", "HOURLY"}
MAX_SUB_DAILY_COUNT = 24
ALLOWED_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", "BYMONTH", "BYMONTHDAY"}
MONTH_LENGTHS = {
    1: 31,
    2: 29,
    3: 31,
    4: 30,
    5: 31,
    6: 30,
    7: 31,
    8: 31,
    9: 30,
    10: 31,
    11: 30,
    12: 31,
}


def _ever_occurs(rule: str, parts: dict[str, str]) -> bool:
    """Whether `rule` yields any date at all. dateutil looks for a date that can never come
    (every 31 April) period by period until the year 9999, which takes up to a minute; so the
    impossible month days are refused first, and the rest is asked of a start shifted by a
    multiple of 400 years (the Gregorian calendar, weekdays included, repeats every 400 years),
    late enough that the search ends within a few centuries."""
    days = [int(d) for d in parts.get("BYMONTHDAY", "").split(",") if d]
    months = [int(m) for m in parts.get("BYMONTH", "").split(",") if m] or list(MONTH_LENGTHS)
    if days and not any(d < 0 or d <= MONTH_LENGTHS.get(m, 31) for d in days for m in months):
        return False
    unbounded = ";".join(
        f"{key}={value}" for key, value in parts.items() if key not in {"COUNT", "UNTIL"}
    )
    today = timezone.now().replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    start = today.replace(year=today.year + (9599 - today.year) // 400 * 400 + 400)
    return dateutil.rrule.rrulestr(unbounded, dtstart=start).after(start, inc=True) is not None


def validate_rrule(rule: str) -> None:
    """The rules a schedule's RFC 5545 RRULE keeps, whoever writes it (the form, a service, the
    admin): one rule dateutil reads, without DTSTART or a time of day (the start time says
    that), using only the parts Hearth shows, that comes to a date at all; a rule repeating more
    often than daily needs a small COUNT, so reminders cannot flood an inbox."""
    if "\n" in rule or ":" in rule:
        raise ValidationError(
            _("Write a single RRULE without DTSTART, for example FREQ=WEEKLY;BYDAY=SU.")
        )
    try:
        dateutil.rrule.rrulestr(rule, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError, KeyError, IndexError):
        raise ValidationError(
            _("Hearth can't read this rule. An example that works: FREQ=WEEKLY;BYDAY=SU.")
        ) from None
    parts = dict(part.partition("=")[::2] for part in rule.upper().split(";") if part)
    if {"BYHOUR", "BYMINUTE", "BYSECOND"} & parts.keys():
        raise ValidationError(
            _("Set the time in “Start time” instead of BYHOUR, BYMINUTE or BYSECOND.")
        )
    if parts.keys() - ALLOWED_PARTS:
        raise ValidationError(
            _("Hearth's rules may use %(parts)s.") % {"parts": ", ".join(sorted(ALLOWED_PARTS))}
        )
    interval = parts.get("INTERVAL", "1")
    if not (interval.isascii() and interval.isdigit() and 1 <= int(interval) <= 1000):
        raise ValidationError(_("INTERVAL must be a whole number from 1 upwards."))
    if parts.get("FREQ") in SUB_DAILY:
        count = parts.get("COUNT", "")
        if not count.isdigit() or int(count) > MAX_SUB_DAILY_COUNT:
            raise ValidationError(
                _(
                    "A rule that repeats more often than daily needs COUNT of at most "
                    "%(n)s, so reminders can't flood your inbox."
                )
                % {"n": MAX_SUB_DAILY_COUNT}
            )
    if not _ever_occurs(rule, parts):
        raise ValidationError(_("This rule never comes to a date. Check its days and months."))


class ScheduleQuerySet(models.QuerySet["Schedule"]):
    def for_couple(self, couple: Couple) -> ScheduleQuerySet:
        return self.filter(couple=couple)

    def visible_to(self, membership: Membership) -> ScheduleQuerySet:
        """The couple's schedules; both partners keep the rhythm together."""
        return self.filter(couple_id=membership.couple_id)

    def active(self) -> ScheduleQuerySet:
        return self.filter(paused_at__isnull=True)

    def due(self, now: datetime) -> ScheduleQuerySet:
        """Schedules with a reminder to dispatch, through the `schedule_due_idx` index only:
        a paused or finished schedule has no next_reminder_at."""
        return self.filter(next_reminder_at__lte=now).order_by("next_reminder_at")

    def next_conversation(self, now: datetime) -> tuple[datetime, Schedule] | None:
        """The earliest start after `now` among these schedules (paused ones have none), with
        its schedule; None when nothing is coming."""
        upcoming = [
            (start, schedule)
            for schedule in self
            for start in schedule.upcoming(after=now, count=1)
        ]
        return min(upcoming, key=lambda pair: pair[0]) if upcoming else None


class Schedule(models.Model):
    """A conversation the couple keeps on a rhythm: an RFC 5545 RRULE expanded in the home time
    zone's wall time from `starts_on` at `start_time`.

    `next_reminder_at` is the earliest reminder time not yet dispatched (NULL when paused or when
    the rule has no more dates): the dispatcher finds due work through its index alone."""

    class Kind(models.TextChoices):
        CHECKIN = "checkin", _("check-in")
        GRATITUDE = "gratitude", _("gratitude exchange")
        RETREAT = "retreat", _("retreat")
        CUSTOM = "custom", _("conversation")

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="schedules")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CUSTOM)
    title = models.CharField(_("title"), max_length=80)
    rrule = models.CharField(_("rule"), max_length=300, validators=[validate_rrule])
    starts_on = models.DateField()
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=60)
    time_zone = models.CharField(
        _("home time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    reminder_offsets = models.JSONField(default=list)
    paused_at = models.DateTimeField(null=True, blank=True)
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "id")
        indexes = (models.Index(fields=["next_reminder_at"], name="schedule_due_idx"),)

    def __str__(self) -> str:
        return self.title

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def offsets(self) -> list[int]:
        return sorted({int(m) for m in self.reminder_offsets}, reverse=True)

    @property
    def reminder_labels(self) -> list[str]:
        return [offset_label(m) for m in self.offsets]

    @property
    def in_words(self) -> str:
        """The rule and start time as a sentence: "Every Sunday at 19:00"."""
        return rule_in_words(self.rrule, starts_on=self.starts_on, start_time=self.start_time)

    def in_words_for(self, reader_zone: str) -> str:
        """`in_words` with whose clock it follows, for a reader in `reader_zone`: "Every Sunday
        at 19:00, your time", or "… in New York (GMT-5)" when the home zone is another."""
        if reader_zone == self.time_zone:
            return _("%(rhythm)s, your time") % {"rhythm": self.in_words}
        return _("%(rhythm)s in %(zone)s") % {
            "rhythm": self.in_words,
            "zone": zone_label(self.time_zone, timezone.now()),
        }

    def rule(self) -> dateutil.rrule.rrule:
        start = datetime.combine(self.starts_on, self.start_time.replace(second=0, microsecond=0))
        parsed = dateutil.rrule.rrulestr(self.rrule, dtstart=start, cache=False)
        assert isinstance(parsed, dateutil.rrule.rrule)
        return parsed

    def occurrences(self, *, after: datetime) -> Iterator[datetime]:
        """Start times (UTC) strictly after `after`, in order: the rule walks the home zone's
        wall clock and each date is placed in UTC by `to_utc`."""
        tz = self.tz
        # A day's margin: the wall clock and UTC never differ by more than that.
        wall_after = after.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
        for wall in self.rule().xafter(wall_after, inc=True):
            start = to_utc(wall, tz)
            if start > after:
                yield start

    def next_occurrences(self, *, after: datetime, count: int) -> list[datetime]:
        found: list[datetime] = []
        for start in self.occurrences(after=after):
            found.append(start)
            if len(found) == count:
                break
        return found

    def upcoming(self, *, after: datetime, count: int) -> list[datetime]:
        """The next `count` start times to show; a paused schedule has none until resumed."""
        if self.paused_at is not None:
            return []
        return self.next_occurrences(after=after, count=count)

    def reminders_between(self, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
        """(occurrence start, offset) pairs whose reminder time falls in [start, end]."""
        offsets = self.offsets
        if not offsets:
            return []
        pairs = []
        for occurrence in self.occurrences(after=start - timedelta(seconds=1)):
            if occurrence - timedelta(minutes=offsets[0]) > end:
                break
            for minutes in offsets:
                if start <= occurrence - timedelta(minutes=minutes) <= end:
                    pairs.append((occurrence, minutes))
        return pairs

    def first_reminder_after(self, moment: datetime) -> datetime | None:
        """The earliest reminder time strictly after `moment`, or None (paused, no reminders, or
        the rule has no more dates)."""
        offsets = self.offsets
        if self.paused_at is not None or not offsets:
            return None
        best: datetime | None = None
        for occurrence in self.occurrences(after=moment):
            if best is not None and occurrence - timedelta(minutes=offsets[0]) > best:
                break
            for minutes in offsets:
                at = occurrence - timedelta(minutes=minutes)
                if at > moment and (best is None or at < best):
                    best = at
        return best

    def uid(self, occurrence: datetime) -> str:
        """One occurrence's iCalendar UID, the same in every email and in the feed, so calendar
        apps update the event instead of adding another."""
        return f"hearth-{self.pk}-{occurrence.astimezone(UTC):%Y%m%dT%H%M%SZ}@hearth"

    @property
    def noun(self) -> str:
        """A generic word for subjects and calendars, which never carry the couple's own words."""
        return str(self.get_kind_display())

    @property
    def link_path(self) -> str:
        return reverse("checkin_this_week" if self.kind == self.Kind.CHECKIN else "schedule")


# What each kind of schedule starts with. Quarterly means the first Saturday of each quarter.
TEMPLATES: dict[str, dict[str, Any]] = {
    Schedule.Kind.CHECKIN: {
        "title": _("Weekly check-in"),
        "rrule": "FREQ=WEEKLY;BYDAY=SU",
        "start_time": time(19, 0),
        "duration_minutes": 60,
    },
    Schedule.Kind.GRATITUDE: {
        "title": _("Monthly gratitude exchange"),
        "rrule": "FREQ=MONTHLY;BYDAY=1SU",
        "start_time": time(19, 0),
        "duration_minutes": 30,
    },
    Schedule.Kind.RETREAT: {
        "title": _("Quarterly retreat"),
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


class ReminderOptOutQuerySet(models.QuerySet["ReminderOptOut"]):
    def for_couple(self, couple: Couple) -> ReminderOptOutQuerySet:
        return self.filter(schedule__couple=couple)

    def visible_to(self, membership: Membership) -> ReminderOptOutQuerySet:
        """`membership`'s member's own reminder choices: each partner's are their own."""
        return self.filter(schedule__couple_id=membership.couple_id, user_id=membership.user_id)

    def is_off(self, *, schedule: Schedule, user_id: int, offset_minutes: int) -> bool:
        """Whether this person turned this reminder of this schedule off."""
        return self.filter(
            schedule=schedule, user_id=user_id, offset_minutes=offset_minutes
        ).exists()


class ReminderOptOut(models.Model):
    """One person does not want one reminder (offset) of one schedule. Everyone gets every
    reminder unless they said otherwise."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="opt_outs")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    offset_minutes = models.PositiveIntegerField()

    objects = ReminderOptOutQuerySet.as_manager()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["schedule", "user", "offset_minutes"], name="one_opt_out_per_reminder"
            ),
        )

    def __str__(self) -> str:
        return f"{self.user} opted out of {self.schedule} ({self.offset_minutes} min)"


class ReminderDeliveryQuerySet(models.QuerySet["ReminderDelivery"]):
    def for_couple(self, couple: Couple) -> ReminderDeliveryQuerySet:
        return self.filter(schedule__couple=couple)


class ReminderDelivery(Outbound):
    """One reminder email for one (schedule, occurrence, recipient, offset), sent through the
    outbox (core/outbox.py). The unique key makes the dispatcher safe to run twice; a row the
    dispatcher decides not to send is recorded as missed or skipped instead."""

    MESSAGE_ID_PREFIX = "reminder"

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        MISSED = "missed", _("missed: the conversation had started")
        SKIPPED = "skipped", _("skipped: a later reminder was due, or it was turned off")

    ON_SENT = {"status": Status.SENT}

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="deliveries")
    occurrence_start = models.DateTimeField()
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    offset_minutes = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)

    objects = ReminderDeliveryQuerySet.as_manager()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["schedule", "occurrence_start", "recipient", "offset_minutes"],
                name="one_delivery_per_reminder",
            ),
        )
        indexes = (
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="delivery_pending_idx",
            ),
        )
        verbose_name_plural = "reminder deliveries"

    def __str__(self) -> str:
        return f"{self.schedule} at {self.occurrence_start} for {self.recipient}"

    @classmethod
    def unsent(cls) -> Q:
        return Q(status=cls.Status.PENDING)

    @property
    def remind_at(self) -> datetime:
        return self.occurrence_start - timedelta(minutes=self.offset_minutes)


class CalendarFeed(models.Model):
    """A person's private calendar address. The token is kept so it can be shown again in
    settings (like a calendar app's secret address); making a new one ends the old one."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    @classmethod
    def new_token(cls) -> str:
        return secrets.token_urlsafe(32)
