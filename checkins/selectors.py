"""Reads for the couple's home: this week's next step for the reader and what needs them now.
The home page's template tag (`checkins.templatetags.home`) calls `home` and builds nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from agreements.models import Agreement
from agreements.selectors import home_card
from checkins.models import CheckIn, Entry, Reflection, current_week, week_label
from checkins.ritual import Heard, Proposer, Step, WeekFacts, next_step
from couples.models import Invitation, Membership, User
from notices.models import NotificationPreference
from schedules.models import Schedule
from schedules.selectors import next_conversation
from toolkit.models import Repair, SharedValue

# A new couple is walked through getting started for this long, or until every step is done.
FIRST_DAYS = timedelta(days=28)


def week_facts(*, membership: Membership, partner: User | None, monday: date) -> WeekFacts:
    """The week starting `monday` as `membership`'s member may know it, in one query: statuses
    and answers only. Only the two current members' entries count; a former partner's are
    nobody's progress."""
    row = _week_row(membership=membership, partner=partner, monday=monday)
    return _facts(row, me=membership.user_id, partner=partner)


def _facts(row: dict[str, object], *, me: int, partner: User | None) -> WeekFacts:
    return WeekFacts(
        partner=partner.display_name if partner else "",
        own_started=bool(row.get("own_started")),
        own_shared=bool(row.get("own_shared")),
        partner_shared=bool(row.get("partner_shared")),
        revealed=row.get("revealed_at") is not None,
        closed=row.get("closed_at") is not None and row.get("step_seen") is True,
        i_heard=Heard.of(_text_or_none(row.get("i_heard"))),
        they_heard=Heard.of(_text_or_none(row.get("they_heard"))),
        proposer=_proposer(row, me=me, partner=partner),
    )


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _proposer(row: dict[str, object], *, me: int, partner: User | None) -> Proposer:
    by = row.get("next_step_by_id")
    if row.get("next_step") and by == me:
        return Proposer.READER
    if row.get("next_step") and partner is not None and by == partner.pk:
        return Proposer.PARTNER
    return Proposer.NOBODY


def _week_row(*, membership: Membership, partner: User | None, monday: date) -> dict[str, object]:
    """The week's facts, and whether the reader chose how to hear from each other, read on the
    reader's membership so the one row is there whether or not the week has begun."""
    me = membership.user_id
    other = partner.pk if partner else 0
    in_week = {"checkin__couple_id": OuterRef("couple_id"), "checkin__week_start": monday}
    week = CheckIn.objects.filter(couple_id=OuterRef("couple_id"), week_start=monday)
    entries = Entry.objects.filter(**in_week)
    heard = Reflection.objects.filter(
        entry__checkin__couple_id=OuterRef("couple_id"), entry__checkin__week_start=monday
    ).order_by("-created_at", "-id")
    row = (
        Membership.objects.filter(pk=membership.pk)
        .annotate(
            revealed_at=Subquery(week.values("revealed_at")[:1]),
            closed_at=Subquery(week.values("closed_at")[:1]),
            next_step=Subquery(week.values("next_step")[:1]),
            next_step_by_id=Subquery(week.values("next_step_by_id")[:1]),
            next_step_at=Subquery(week.values("next_step_at")[:1]),
            own_started=Exists(entries.filter(author_id=me)),
            own_shared=Exists(entries.filter(author_id=me, shared_at__isnull=False)),
            partner_shared=Exists(entries.filter(author_id=other, shared_at__isnull=False)),
            i_heard=Subquery(
                heard.filter(entry__author_id=other, listener_id=me).values("answer")[:1]
            ),
            they_heard=Subquery(
                heard.filter(entry__author_id=me, listener_id=other).values("answer")[:1]
            ),
            chose_hearing=Exists(NotificationPreference.objects.filter(user_id=me, asked=True)),
            has_values=Exists(SharedValue.objects.filter(couple_id=OuterRef("couple_id")).ours()),
        )
        .values(
            "revealed_at",
            "closed_at",
            "next_step",
            "next_step_by_id",
            "next_step_at",
            "own_started",
            "own_shared",
            "partner_shared",
            "i_heard",
            "they_heard",
            "chose_hearing",
            "has_values",
        )
        .get()
    )
    found: dict[str, object] = dict(row)
    step_at = row["next_step_at"]
    # A week closed before the reader joined was the former partners' week, not theirs.
    found["step_seen"] = isinstance(step_at, datetime) and step_at >= membership.joined_at
    return found


@dataclass(frozen=True)
class Start:
    """One step of getting started."""

    name: str
    done: bool


@dataclass(frozen=True)
class Home:
    step: Step
    week: str
    awaiting: list[Agreement] = field(default_factory=list)
    repairs_due: list[Repair] = field(default_factory=list)
    next_start: datetime | None = None
    next_schedule: Schedule | None = None
    # The getting-started walk, empty once it has stepped aside.
    getting_started: list[Start] = field(default_factory=list)
    # Someone still alone: the invitation they have open, if any.
    invitation: Invitation | None = None


def home(*, membership: Membership, members: list[User], now: datetime | None = None) -> Home:
    """The reader's home: this week's next step with what the getting-started walk needs to
    know (one query), agreements awaiting their answer (one), repair follow-ups due (one) and
    the next conversation (one); someone still alone, the invitation they have open (one). The
    couple's values are the toolkit's to show
    (`{% our_values %}`)."""
    now = now or timezone.now()
    couple = membership.couple
    user = next(m for m in members if m.pk == membership.user_id)
    partner = next((m for m in members if m.pk != membership.user_id), None)
    monday = current_week(couple, now)
    row = _week_row(membership=membership, partner=partner, monday=monday)
    facts = _facts(row, me=membership.user_id, partner=partner)
    today = timezone.localdate(now, couple.tz)
    repairs = list(Repair.objects.visible_to(membership).follow_ups_due(today)[:3])
    upcoming = next_conversation(couple)
    steps: list[Start] = []
    if now - couple.created_at < FIRST_DAYS:
        steps = [
            Start("invite", partner is not None),
            Start("values", row["has_values"] is True),
            Start("rhythm", upcoming is not None),
            Start("hearing", row["chose_hearing"] is True),
        ]
        if all(s.done for s in steps):
            steps = []
    return Home(
        step=next_step(facts),
        week=week_label(monday),
        awaiting=home_card(couple=couple, user=user, now=now).awaiting,
        repairs_due=repairs,
        next_start=upcoming[0] if upcoming else None,
        next_schedule=upcoming[1] if upcoming else None,
        getting_started=steps,
        invitation=None if partner else Invitation.objects.visible_to(membership).open(now).first(),
    )
