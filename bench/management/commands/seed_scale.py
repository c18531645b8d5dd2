"""`manage.py seed_scale --couples N --weeks W` (with `DJANGO_SETTINGS_MODULE=bench.settings`, or
`make seed ARGS=...`): fill an empty database with N paired couples and W weeks of their history,
for the load benchmark (`make bench`, bench/README.md). Production never installs the bench app.

Each couple has two members (verified email addresses, the invitation the second one accepted),
the toolkit every couple starts with plus trigger scripts, topics saved for therapy and repairs,
weekly check-ins with both entries, reflections and the small step, this week's check-in still
open, agreements with their versions (one of them the pause protocol), past pauses, the weekly
check-in schedule (and for every other couple a monthly one) with a delivery row for every
reminder already due. Everything happened after both partners joined, as the services would
have recorded it: entries revealed together, versions numbered as accepted, pauses ended.

The rows are written in bulk: with PostgreSQL's COPY, elsewhere (SQLite, for the tests) with
bulk_create. The whole filling is one transaction, so a failed run leaves the database as it
was. Every member's password is `PASSWORD`, hashed once; emails are `a<n>@scale.example.com`
and `b<n>@scale.example.com` for couple n (from 1).
"""

from __future__ import annotations

import hashlib
import json
import random
import time as clock
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from agreements.limits import PROPOSAL_LIFETIME
from agreements.models import Agreement, AgreementVersion, Category, PauseSignal
from checkins.models import CheckIn, Entry, Reflection, monday_of
from core.models import ActivityEntry
from core.time import to_utc
from couples.models import Couple, Invitation, Membership, User
from notices.models import NotificationPreference
from schedules.models import (
    DEFAULT_REMINDERS,
    TEMPLATES,
    CalendarFeed,
    ReminderDelivery,
    ReminderOptOut,
    Schedule,
)
from toolkit.models import Phrase, PhraseGroup, Repair, SavedTopic, SharedValue, TriggerScript
from toolkit.services import DEFAULT_PHRASES, SUGGESTED_VALUES

PASSWORD = "hearth-scale"  # made-up accounts in a benchmark database
ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Europe/London",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Los_Angeles",
    "UTC",
]
NAMES = ["Alex", "Sam", "Robin", "Kim", "Noor", "Jo", "Maya", "Lee", "Ari", "Chris", "Dana", "Eli"]
WINS = [
    "We cooked dinner together on Wednesday and nobody looked at a phone.",
    "I said what I needed before I got resentful about it.",
    "We took the long walk by the river again, like we used to.",
    "I noticed I was getting flooded and asked for a pause instead of snapping.",
    "You asked how my day really was and waited for the answer.",
    "We planned the weekend without a single argument about it.",
]
CHALLENGES = [
    "I still go quiet when we talk about money, and then it sits between us.",
    "Evenings after work are hard: I come home drained and have little left for us.",
    "I felt alone with the visit to my parents and didn't say so in time.",
    "We keep postponing the conversation about where we want to live.",
    "When plans change at the last minute I feel like I don't matter.",
    "I interrupted you again when you were telling me about your week.",
]
APPRECIATIONS = [
    "Thank you for making coffee every morning this week.",
    "I appreciate that you called when you were running late.",
    "You were patient with me on Sunday, and I saw it.",
]
HELP = [
    "A ten-minute check-in before bed, phones away.",
    "Tell me early when something bothers you.",
    "One evening this week with no plans at all.",
]
HEARD = [
    "What I heard is that you feel alone with it and want me to notice sooner.",
    "What I heard is that you're tired, and it isn't about me.",
    "What I heard is that you need us to decide together, not me alone.",
]
STEPS = [
    "A walk together on Saturday morning.",
    "Ten minutes each evening, phones in the other room.",
    "Say one appreciation a day, out loud.",
    "Plan one free evening with nothing on it.",
]
AGREEMENTS = [
    (
        "Money talks",
        Category.HOME,
        "We talk about money on the first Sunday of the month, with tea, never late at night.",
    ),
    (
        "Family visits",
        Category.THERAPY,
        "We bring how we plan family visits to our next joint session.",
    ),
    (
        "Phones at dinner",
        Category.DIGITAL,
        "No phones at the table; we check them after dinner together if needed.",
    ),
    ("Chores", Category.OTHER, "We split the week's chores on Sunday evening and swap monthly."),
]
PAUSE_TEXT = (
    "Either of us may ask for a pause. We come back when the time is up, and we say when we're "
    "ready."
)
PAUSE_PHRASES = [
    "I'm getting flooded and need a pause.",
    "Let's stop here and come back to this calmer.",
]
PAUSE_TERMS: dict[str, object] = {
    "pause_minutes": 30,
    "signal_phrases": "\n".join(PAUSE_PHRASES),
    "grounding_practice": "Breathe in for four counts, hold for four, out for six. Five times.",
    "return_phrase": "I'm back, and I'd like to hear you again.",
}
SCRIPTS = [
    ("my chest getting tight", "say that I need a pause and go for a short walk"),
    ("that I'm raising my voice", "lower it, sit down and breathe for a minute"),
    ("that I want to win the argument", "ask what you need instead"),
]
TOPICS = [
    "Why the money conversation shuts me down",
    "Feeling guilty about my parents",
    "How I react when plans change",
]


def _hours(low: float, high: float, rng: random.Random) -> timedelta:
    return timedelta(hours=rng.uniform(low, high))


class Table:
    """Rows of one model, written in bulk. Ids are given here (from the table's highest id on),
    so rows of other tables can point at them before anything is written; the sequences are
    set past them at the end. A value not given is the field's default."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = list(model._meta.local_concrete_fields)
        self.index = {field.attname: i for i, field in enumerate(self.fields)}
        self.template = [field.get_default() for field in self.fields]
        self.json = [
            i for i, field in enumerate(self.fields) if isinstance(field, models.JSONField)
        ]
        highest = model._default_manager.aggregate(highest=models.Max("pk"))["highest"]
        self.next_id = (highest or 0) + 1
        self.rows: list[list[Any]] = []
        self.written = 0

    def add(self, **values: Any) -> int:
        row = self.template.copy()
        pk = row[0] = self.next_id
        self.next_id += 1
        for name, value in values.items():
            row[self.index[name]] = value
        self.rows.append(row)
        return pk

    def write(self) -> None:
        if connection.vendor == "postgresql":
            self._copy()
        else:
            names = [field.attname for field in self.fields]
            self.model._default_manager.bulk_create(
                (self.model(**dict(zip(names, row, strict=True))) for row in self.rows),
                batch_size=500,
            )
        self.written += len(self.rows)
        self.rows = []

    def _copy(self) -> None:
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(str(field.column)) for field in self.fields)
        sql = f"COPY {table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in self.rows:
                for i in self.json:
                    row[i] = json.dumps(row[i])
                copy.write_row(row)


@cache
def _reminders(
    rrule: str, starts_on: date, start_time: time, zone: str, start: datetime, end: datetime
) -> list[tuple[datetime, int]]:
    """(occurrence, offset) of every reminder due in [start, end]; couples that share a rule,
    a first day and a zone share the answer."""
    schedule = Schedule(
        rrule=rrule,
        starts_on=starts_on,
        start_time=start_time,
        time_zone=zone,
        reminder_offsets=DEFAULT_REMINDERS,
    )
    return schedule.reminders_between(start, end)


@cache
def _first_reminder(
    rrule: str, starts_on: date, start_time: time, zone: str, now: datetime
) -> datetime | None:
    schedule = Schedule(
        rrule=rrule,
        starts_on=starts_on,
        start_time=start_time,
        time_zone=zone,
        reminder_offsets=DEFAULT_REMINDERS,
    )
    return schedule.first_reminder_after(now)


class Seeder:
    """Builds the rows couple by couple; `write` sends what is built so far to the database,
    parents before children."""

    def __init__(self, *, weeks: int, seed: int, now: datetime) -> None:
        self.weeks = weeks
        self.rng = random.Random(seed)
        self.now = now
        self.password = make_password(PASSWORD)
        self.domain = urlsplit(settings.SITE_URL).hostname or "hearth"
        self.tables = {
            model: Table(model)
            for model in (
                User,
                EmailAddress,
                NotificationPreference,
                Couple,
                Membership,
                Invitation,
                Phrase,
                SharedValue,
                TriggerScript,
                SavedTopic,
                Repair,
                Schedule,
                ReminderOptOut,
                CalendarFeed,
                ReminderDelivery,
                CheckIn,
                Entry,
                Reflection,
                Agreement,
                AgreementVersion,
                ActivityEntry,
                PauseSignal,
            )
        }
        self.first_couple = self.tables[Couple].next_id

    def write(self) -> None:
        for table in self.tables.values():
            table.write()

    @contextmanager
    def foreign_keys_checked_at_the_end(self) -> Iterator[None]:
        """On PostgreSQL, the foreign keys of the filled tables are dropped while the rows go in
        and added again at the end, in the same transaction: adding one checks every row in one
        query, where a row-by-row check (which also locks each parent row) would take most of
        the time. The same names and definitions come back, as `pg_restore` does it."""
        if connection.vendor != "postgresql":
            yield
            return
        tables = [model._meta.db_table for model in self.tables]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
                [tables],
            )
            keys = cursor.fetchall()
            for table, name, _definition in keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        yield
        with connection.cursor() as cursor:
            for table, name, definition in keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.tables))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def counts(self) -> dict[str, int]:
        return {
            str(model._meta.verbose_name_plural): table.written
            for model, table in self.tables.items()
        }

    def add(self, model: type[models.Model], **values: Any) -> int:
        return self.tables[model].add(**values)

    def couple(self) -> None:
        rng, now = self.rng, self.now
        n = self.tables[Couple].next_id - self.first_couple + 1
        zone = rng.choice(ZONES)
        tz = zoneinfo.ZoneInfo(zone)
        this_week = monday_of(now.astimezone(tz).date())
        # The space was made on the Saturday before the first week; the partner joined a day
        # later, so every week, pause and agreement below comes after both joined.
        made_on = this_week - timedelta(weeks=self.weeks, days=2)
        made = to_utc(datetime.combine(made_on, time(10)), tz)
        joined = made + timedelta(days=1)
        name_a, name_b = rng.sample(NAMES, 2)
        couple = self.add(Couple, name=f"{name_a} & {name_b}", time_zone=zone, created_at=made)
        a, b = (
            self.add(
                User,
                email=f"{letter}{n}@scale.example.com",
                display_name=name,
                time_zone=zone,
                password=self.password,
                date_joined=when,
            )
            for letter, name, when in (("a", name_a, made), ("b", name_b, joined))
        )
        for seat, (user, when) in enumerate(((a, made), (b, joined)), start=1):
            self.add(
                EmailAddress,
                user_id=user,
                email=f"{'a' if user == a else 'b'}{n}@scale.example.com",
                verified=True,
                primary=True,
            )
            self.add(Membership, couple_id=couple, user_id=user, seat=seat, joined_at=when)
            # Both were asked how they hear from each other when they joined.
            self.add(NotificationPreference, user_id=user, asked=True)
        self.add(
            Invitation,
            couple_id=couple,
            invited_by_id=a,
            token_hash=hashlib.sha256(f"scale-{n}".encode()).hexdigest(),
            created_at=made,
            expires_at=made + timedelta(days=7),
            accepted_at=joined,
            accepted_by_id=b,
        )
        self.add(
            ActivityEntry,
            couple_id=couple,
            actor_id=a,
            message="created the space",
            created_at=made,
        )
        self.add(
            ActivityEntry,
            couple_id=couple,
            actor_id=b,
            message="joined the space",
            created_at=joined,
        )
        self._toolkit(couple, (a, b), made, joined)
        self._schedules(couple, (a, b), zone, made_on, joined)
        self._weeks(couple, (a, b), tz, this_week)
        self._agreements(couple, (a, b), joined)
        self._pauses(couple, (a, b), joined)

    def _toolkit(
        self, couple: int, members: tuple[int, int], made: datetime, joined: datetime
    ) -> None:
        rng = self.rng
        for group, texts in DEFAULT_PHRASES.items():
            for position, text in enumerate(texts):
                self.add(
                    Phrase,
                    couple_id=couple,
                    group=group,
                    text=str(text),
                    position=position,
                    created_at=made,
                )
        for value in SUGGESTED_VALUES[:4]:
            self.add(SharedValue, couple_id=couple, name=str(value), created_at=made)
        span = (self.now - joined).total_seconds()
        for author in members:
            for i, (notice, act) in enumerate(rng.sample(SCRIPTS, 2)):
                at = joined + timedelta(seconds=rng.uniform(0, span / 4))
                self.add(
                    TriggerScript,
                    couple_id=couple,
                    author_id=author,
                    when_i_notice=notice,
                    i_will=act,
                    shared_at=at if i == 0 else None,
                    created_at=at,
                )
            for i, topic in enumerate(TOPICS):
                at = joined + timedelta(seconds=rng.uniform(0, span))
                self.add(
                    SavedTopic,
                    couple_id=couple,
                    author_id=author,
                    topic=topic,
                    created_at=at,
                    discussed_at=at + timedelta(days=3)
                    if i == 0 and at + timedelta(days=3) < self.now
                    else None,
                )
        repairs = max(1, self.weeks // 8)
        for i in range(repairs):
            author = members[i % 2]
            at = joined + timedelta(seconds=span * (i + 0.5) / repairs)
            follow_up = at + timedelta(days=7)
            last = i == repairs - 1
            self.add(
                Repair,
                couple_id=couple,
                author_id=author,
                acknowledgement="I snapped at you when you asked about the weekend.",
                apology="I'm sorry. It wasn't about you; I was worn out.",
                plan="When I'm that tired I'll say so and ask to talk after dinner.",
                follow_up_on=follow_up.date(),
                response="Thank you. That helps." if rng.random() < 0.6 else "",
                responded_by_id=members[1 - i % 2],
                responded_at=at + timedelta(hours=5),
                followed_up_at=None if last else follow_up + timedelta(hours=2),
                created_at=at,
            )

    def _schedules(
        self, couple: int, members: tuple[int, int], zone: str, made_on: date, joined: datetime
    ) -> None:
        kinds = [Schedule.Kind.CHECKIN]
        if couple % 2:
            kinds.append(Schedule.Kind.GRATITUDE)
        for kind in kinds:
            spec = TEMPLATES[kind]
            rule = (spec["rrule"], made_on, spec["start_time"], zone)
            schedule = self.add(
                Schedule,
                couple_id=couple,
                kind=kind,
                title=str(spec["title"]),
                rrule=spec["rrule"],
                starts_on=made_on,
                start_time=spec["start_time"],
                duration_minutes=spec["duration_minutes"],
                time_zone=zone,
                reminder_offsets=list(DEFAULT_REMINDERS),
                next_reminder_at=_first_reminder(*rule, self.now),
                created_at=joined,
            )
            opted_out = {m for m in members if self.rng.random() < 0.1}
            for member in opted_out:
                self.add(ReminderOptOut, schedule_id=schedule, user_id=member, offset_minutes=60)
            for occurrence, offset in _reminders(*rule, joined, self.now):
                remind_at = occurrence - timedelta(minutes=offset)
                for member in members:
                    skipped = offset == 60 and member in opted_out
                    pk = self.tables[ReminderDelivery].next_id
                    self.add(
                        ReminderDelivery,
                        schedule_id=schedule,
                        occurrence_start=occurrence,
                        recipient_id=member,
                        offset_minutes=offset,
                        status=ReminderDelivery.Status.SKIPPED
                        if skipped
                        else ReminderDelivery.Status.SENT,
                        created_at=remind_at,
                        claimed_at=remind_at + timedelta(seconds=1),
                        sent_at=None if skipped else remind_at + timedelta(seconds=2),
                        message_id="" if skipped else f"<reminder-{pk}@{self.domain}>",
                    )
        for member in members:
            if self.rng.random() < 0.3:
                self.add(
                    CalendarFeed,
                    user_id=member,
                    token=CalendarFeed.new_token(),
                    created_at=joined,
                )

    def _weeks(
        self, couple: int, members: tuple[int, int], tz: zoneinfo.ZoneInfo, this_week: date
    ) -> None:
        rng = self.rng
        feelings = [str(text) for text in DEFAULT_PHRASES[PhraseGroup.FEEL]]
        for ago in range(self.weeks, 0, -1):
            if rng.random() < 0.1:
                continue  # a quiet week is just a gap
            monday = this_week - timedelta(weeks=ago)
            opened = to_utc(datetime.combine(monday, time(9)), tz) + _hours(0, 48, rng)
            first, second = rng.sample(members, 2)
            shares = {first: opened + _hours(1, 48, rng)}
            shares[second] = shares[first] + _hours(1, 48, rng)
            revealed = shares[second]
            closed = rng.random() < 0.8
            step_at = revealed + _hours(1, 24, rng)
            checkin = self.add(
                CheckIn,
                couple_id=couple,
                week_start=monday,
                created_at=opened,
                revealed_at=revealed,
                next_step=rng.choice(STEPS) if closed else "",
                next_step_by_id=rng.choice(members) if closed else None,
                next_step_at=step_at if closed else None,
                closed_at=step_at + _hours(1, 12, rng) if closed else None,
            )
            for author in members:
                partner = members[1] if author == members[0] else members[0]
                resolved = revealed + timedelta(days=rng.uniform(3, 60))
                entry = self.add(
                    Entry,
                    checkin_id=checkin,
                    author_id=author,
                    small_win=rng.choice(WINS),
                    challenge=rng.choice(CHALLENGES),
                    appreciation=rng.choice(APPRECIATIONS) if rng.random() < 0.6 else "",
                    help_wanted=rng.choice(HELP) if rng.random() < 0.4 else "",
                    feelings="\n".join(rng.sample(feelings, rng.randint(0, 2))),
                    updated_at=shares[author],
                    shared_at=shares[author],
                    revealed_at=revealed,
                    challenge_resolved_at=resolved
                    if rng.random() < 0.25 and resolved < self.now
                    else None,
                )
                heard_at = revealed + _hours(0.5, 12, rng)
                if rng.random() < 0.2:
                    self.add(
                        Reflection,
                        entry_id=entry,
                        listener_id=partner,
                        heard=rng.choice(HEARD),
                        created_at=heard_at,
                        answer=Reflection.Answer.NOT_QUITE,
                        clarification="Close, but it's more that I want us to decide together.",
                        answered_at=heard_at + _hours(0.1, 2, rng),
                    )
                    heard_at += _hours(2, 4, rng)
                replied = rng.random() < 0.5
                self.add(
                    Reflection,
                    entry_id=entry,
                    listener_id=partner,
                    heard=rng.choice(HEARD),
                    created_at=heard_at,
                    answer=Reflection.Answer.YES,
                    answered_at=heard_at + _hours(0.1, 2, rng),
                    reply="Could we try the walk on Saturday and talk then?" if replied else "",
                    replied_at=heard_at + _hours(2, 4, rng) if replied else None,
                )
        # This week is open: one partner may be writing or have shared, nothing is revealed.
        opened = min(to_utc(datetime.combine(this_week, time(8)), tz), self.now)
        checkin = self.add(CheckIn, couple_id=couple, week_start=this_week, created_at=opened)
        draw = rng.random()
        if draw < 0.75:
            self.add(
                Entry,
                checkin_id=checkin,
                author_id=members[0],
                small_win=rng.choice(WINS),
                challenge=rng.choice(CHALLENGES),
                updated_at=opened,
                shared_at=opened if draw < 0.25 else None,
            )

    def _agreements(self, couple: int, members: tuple[int, int], joined: datetime) -> None:
        rng, now = self.rng, self.now
        span = (now - joined).total_seconds()
        specs = [("How we pause", Category.PAUSE, PAUSE_TEXT), *AGREEMENTS]
        due_revisit = rng.random() < 0.3
        retired = rng.random() < 0.2
        for i, (title, category, text) in enumerate(specs):
            start = joined + timedelta(seconds=span * i / (2 * len(specs)) + 3600)
            protocol = category == Category.PAUSE
            revisit = (now - timedelta(days=2)).date() if due_revisit and i == 1 else None
            terms = {"text": text, "revisit_by": revisit, **(PAUSE_TERMS if protocol else {})}
            agreement_id = self.tables[Agreement].next_id
            versions: list[tuple[int, int]] = []  # (version id, number)
            at = start
            proposer = members[i % 2]
            rounds = 2 if rng.random() < 0.5 else 1
            for number in range(1, rounds + 1):
                other = members[1] if proposer == members[0] else members[0]
                if number == 2 and rng.random() < 0.3:
                    self.add(
                        AgreementVersion,
                        agreement_id=agreement_id,
                        text=text + " Unless one of us is travelling.",
                        base_version=number - 1,
                        status=AgreementVersion.Status.DECLINED,
                        proposed_by_id=proposer,
                        created_at=at,
                        expires_at=at + PROPOSAL_LIFETIME,
                        responded_by_id=other,
                        responded_at=at + timedelta(days=1),
                        decline_reason="I'd rather we keep it simple for now.",
                    )
                    at += timedelta(days=3)
                version = self.add(
                    AgreementVersion,
                    agreement_id=agreement_id,
                    **{**terms, "text": text if number == 1 else text + " We revisit it together."},
                    base_version=number - 1,
                    number=number,
                    status=AgreementVersion.Status.ACCEPTED,
                    proposed_by_id=proposer,
                    created_at=at,
                    expires_at=at + PROPOSAL_LIFETIME,
                    responded_by_id=other,
                    responded_at=at + timedelta(days=1),
                )
                versions.append((version, number))
                self.add(
                    ActivityEntry,
                    couple_id=couple,
                    actor_id=proposer,
                    message=f"proposed a new agreement: “{title}”"
                    if number == 1
                    else f"proposed a change to “{title}”",
                    created_at=at,
                )
                self.add(
                    ActivityEntry,
                    couple_id=couple,
                    actor_id=other,
                    message=f"accepted the proposal for “{title}”; it is now in force",
                    created_at=at + timedelta(days=1),
                )
                at += timedelta(seconds=span / (4 * len(specs)))
                proposer = other
            retire = retired and i == len(specs) - 1
            if retire:
                self.add(
                    AgreementVersion,
                    agreement_id=agreement_id,
                    kind=AgreementVersion.Kind.RETIRE,
                    text=text,
                    base_version=versions[-1][1],
                    status=AgreementVersion.Status.ACCEPTED,
                    proposed_by_id=proposer,
                    created_at=at,
                    expires_at=at + PROPOSAL_LIFETIME,
                    responded_by_id=members[1] if proposer == members[0] else members[0],
                    responded_at=at + timedelta(days=1),
                )
            self.add(
                Agreement,
                couple_id=couple,
                title=title,
                category=category,
                status=Agreement.Status.RETIRED if retire else Agreement.Status.ACTIVE,
                version=versions[-1][1],
                current_id=versions[-1][0],
                revisit_by=revisit,
                created_at=start,
            )

    def _pauses(self, couple: int, members: tuple[int, int], joined: datetime) -> None:
        rng = self.rng
        count = self.weeks // 2
        span = (self.now - joined - timedelta(days=2)).total_seconds()
        phrases = PAUSE_PHRASES
        for i in range(count):
            started = joined + timedelta(days=1, seconds=span * (i + rng.random()) / count)
            returns = started + timedelta(minutes=30)
            ready = rng.random() < 0.8
            ended = returns + timedelta(minutes=rng.uniform(1, 20))
            self.add(
                PauseSignal,
                couple_id=couple,
                sender_id=rng.choice(members),
                phrase=rng.choice(phrases),
                started_at=started,
                returns_at=returns,
                sender_ready_at=returns + timedelta(minutes=1) if ready else None,
                partner_ready_at=ended if ready else None,
                ended_at=ended if ready else returns - timedelta(minutes=5),
                end_reason=PauseSignal.EndReason.READY if ready else PauseSignal.EndReason.SENDER,
                version=2,
            )


class Command(BaseCommand):
    help = (
        "Fill an empty database with paired couples and weeks of their history, in bulk, for "
        "the load benchmark (bench/README.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--couples", type=int, default=1000, help="couples (default 1000)")
        parser.add_argument("--weeks", type=int, default=52, help="weeks of history (default 52)")
        parser.add_argument("--seed", type=int, default=13, help="random seed (default 13)")
        parser.add_argument(
            "--batch", type=int, default=500, help="couples written at a time (default 500)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        couples, weeks, batch = options["couples"], options["weeks"], options["batch"]
        if couples < 1 or weeks < 1 or batch < 1:
            raise CommandError("--couples, --weeks and --batch must be at least 1.")
        if weeks > 520:
            raise CommandError("--weeks is at most 520 (ten years).")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not migrated yet: run `manage.py migrate` first.")
        if existing := Couple.objects.count():
            raise CommandError(
                f"This database already holds couples ({existing}). seed_scale fills an empty one: "
                "use a new database, or empty this one with `manage.py flush`."
            )
        started = clock.monotonic()
        seeder = Seeder(weeks=weeks, seed=options["seed"], now=timezone.now())
        with transaction.atomic():
            with seeder.foreign_keys_checked_at_the_end():
                for first in range(0, couples, batch):
                    done = min(first + batch, couples)
                    for _ in range(done - first):
                        seeder.couple()
                    seeder.write()
                    self.stdout.write(
                        f"{done} of {couples} couples written ({clock.monotonic() - started:.0f} s)"
                    )
                    self.stdout.flush()  # also when the output goes to a file or a pipe
                self.stdout.write(f"checking every row ({clock.monotonic() - started:.0f} s)")
            seeder.reset_sequences()
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in seeder.tables)
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM (ANALYZE) {tables}")
        for name, count in seeder.counts().items():
            self.stdout.write(f"  {count:>10}  {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {couples} couples with {weeks} weeks of history in "
                f"{clock.monotonic() - started:.0f} s. Every member's password is {PASSWORD!r}."
            )
        )
