"""A person's export: everything they wrote plus the couple's shared records, as JSON
(docs/export.md, docs/export.schema.json) or as one readable HTML page.

Every record is read through the rule the app itself reads it by (`visible_to`, `for_couple`,
`by`), so the file never holds more than the person can read in Hearth: never the partner's
drafts, trigger scripts or topics saved for therapy, and nothing the partners before them shared
before they joined.

Both formats are streamed. Each kind of record is one query read with `.iterator()`, so memory
holds a chunk of rows at a time and the number of queries does not grow with the history;
nested records (a week's entries and their reflections, an agreement's versions) come from
their own query sorted like their parents and are matched while walking both (`_Children`)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from agreements.models import (
    Agreement,
    AgreementVersion,
    EmailPreference,
    PauseEmailPreference,
    PauseSignal,
)
from checkins.models import CheckIn, Entry, Reflection
from couples.models import ActivityEntry, Membership, User
from schedules.models import CalendarFeed, ReminderOptOut, Schedule
from toolkit.models import Phrase, Repair, SavedTopic, SharedValue, TriggerScript

SCHEMA_VERSION = 1
# Rows fetched per round trip; each kind of record holds at most this many in memory.
CHUNK_SIZE = 50
# Bytes gathered before a piece of the file is handed to the server.
WRITE_SIZE = 64 * 1024

Record = dict[str, Any]


@dataclass(frozen=True)
class Who:
    """Who did something, as the exporting person knows them: "you", "partner" (the partner
    now) or "former_partner" (anyone no longer in the couple, as the app says "A former
    partner"). The JSON holds the role; the page shows the name."""

    role: str
    name: str


@dataclass(frozen=True)
class Reader:
    """The person exporting, their place in a couple (None without one) and their partner."""

    user: User
    membership: Membership | None
    partner: Membership | None

    @classmethod
    def of(cls, user: User, membership: Membership | None) -> Reader:
        partner = None
        if membership is not None:
            partner = (
                Membership.objects.select_related("user")
                .filter(couple_id=membership.couple_id)
                .exclude(user_id=user.pk)
                .first()
            )
        return cls(user=user, membership=membership, partner=partner)

    def who(self, user_id: int | None) -> Who:
        if user_id == self.user.pk:
            return Who("you", str(_("You")))
        if self.partner is not None and user_id == self.partner.user_id:
            return Who("partner", self.partner.user.display_name)
        return Who("former_partner", str(_("A former partner")))

    def who_if(self, happened: object, user_id: int | None) -> Who | None:
        """`who` for something that may not have happened yet (an answer, a response)."""
        return self.who(user_id) if happened else None

    def today(self) -> date:
        return timezone.localdate(timezone=self.user.tz)

    def filename(self, extension: str) -> str:
        return f"hearth-export-{self.today().isoformat()}.{extension}"


# What each part of the file is; the page's headings and the words shown when a part is empty.
SECTIONS: dict[str, tuple[Promise, Promise]] = {
    "checkins": (_("Weekly check-ins"), _("No check-in weeks yet.")),
    "agreements": (_("Agreements"), _("No agreements yet.")),
    "pauses": (_("Pauses"), _("No pauses yet.")),
    "repairs": (_("Repairs"), _("No repairs yet.")),
    "trigger_scripts": (_("Your trigger scripts"), _("No trigger scripts yet.")),
    "saved_for_therapy": (_("Your topics saved for therapy"), _("No topics saved yet.")),
    "vocabulary": (_("Your shared words"), _("No shared words yet.")),
    "values": (_("Your shared values"), _("No shared values yet.")),
    "schedules": (_("Scheduled conversations"), _("No scheduled conversations yet.")),
    "activity": (_("What changed in your space"), _("Nothing recorded yet.")),
}


class _Children[T]:
    """The rows of a child query, sorted by the same key as their parents, handed out parent by
    parent as both are walked. Rows whose parent the person cannot read are passed over."""

    def __init__(self, rows: Iterator[T], key: Callable[[T], Any]) -> None:
        self._rows = rows
        self._key = key
        self._next = next(rows, None)

    def of(self, key: Any) -> list[T]:
        found = []
        while self._next is not None and self._key(self._next) <= key:
            if self._key(self._next) == key:
                found.append(self._next)
            self._next = next(self._rows, None)
        return found


# Records


def account(reader: Reader) -> Record:
    user = (
        User.objects.select_related("agreement_email_preference", "pause_email", "calendar_feed")
        .filter(pk=reader.user.pk)
        .get()
    )
    proposal_emails = getattr(user, "agreement_email_preference", None)
    pause_email = getattr(user, "pause_email", None)
    feed = getattr(user, "calendar_feed", None)
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary} for e in emails
        ],
        "emails_when_a_proposal_awaits_you": (
            proposal_emails.proposal_emails
            if isinstance(proposal_emails, EmailPreference)
            else True
        ),
        "emails_when_your_partner_pauses": (
            pause_email.email_me if isinstance(pause_email, PauseEmailPreference) else False
        ),
        "calendar_feed_created_at": feed.created_at if isinstance(feed, CalendarFeed) else None,
    }


def couple(reader: Reader) -> Record | None:
    if reader.membership is None:
        return None
    space = reader.membership.couple
    partner = None
    if reader.partner is not None:
        partner = {
            "display_name": reader.partner.user.display_name,
            "joined_at": reader.partner.joined_at,
        }
    return {
        "id": space.pk,
        "name": space.name,
        "time_zone": space.time_zone,
        "created_at": space.created_at,
        "you_joined_at": reader.membership.joined_at,
        "partner": partner,
    }


def checkins(reader: Reader, membership: Membership) -> Iterator[Record]:
    """Each week the person finds in their history, oldest first, with the entries they may read
    (their own, drafts included) and the reflective listening on each."""
    entries = Entry.objects.visible_to(membership)
    weeks = (
        CheckIn.objects.filter(couple_id=membership.couple_id)
        .filter(
            Q(pk__in=CheckIn.objects.visible_to(membership).values("pk"))
            | Q(pk__in=entries.values("checkin_id"))
        )
        .order_by("week_start", "id")
    )
    in_week = _Children(
        entries.select_related("checkin")
        .order_by("checkin__week_start", "checkin_id", "id")
        .iterator(chunk_size=CHUNK_SIZE),
        lambda e: (e.checkin.week_start, e.checkin_id),
    )
    on_entry = _Children(
        Reflection.objects.visible_to(membership)
        .select_related("entry__checkin")
        .order_by("entry__checkin__week_start", "entry__checkin_id", "entry_id", "created_at", "id")
        .iterator(chunk_size=CHUNK_SIZE),
        lambda r: (r.entry.checkin.week_start, r.entry.checkin_id, r.entry_id),
    )
    for week in weeks.iterator(chunk_size=CHUNK_SIZE):
        step = week.step_for(membership)
        yield {
            "id": week.pk,
            "week": week.label,
            "week_start": week.week_start,
            "created_at": week.created_at,
            "revealed_at": week.revealed_at,
            "closed_at": week.closed_at,
            "next_step": step,
            "next_step_by": reader.who_if(step, week.next_step_by_id),
            "next_step_at": week.next_step_at if step else None,
            "entries": [
                _entry(reader, entry, on_entry.of((week.week_start, week.pk, entry.pk)))
                for entry in in_week.of((week.week_start, week.pk))
            ],
        }


def _entry(reader: Reader, entry: Entry, reflections: list[Reflection]) -> Record:
    return {
        "id": entry.pk,
        "by": reader.who(entry.author_id),
        "small_win": entry.small_win,
        "challenge": entry.challenge,
        "appreciation": entry.appreciation,
        "help_wanted": entry.help_wanted,
        "feelings": entry.feeling_list,
        "updated_at": entry.updated_at,
        "shared_at": entry.shared_at,
        "revealed_at": entry.revealed_at,
        "edited_after_sharing_at": entry.edited_after_sharing_at,
        "challenge_resolved_at": entry.challenge_resolved_at,
        "reflections": [
            {
                "id": r.pk,
                "by": reader.who(r.listener_id),
                "heard": r.heard,
                "created_at": r.created_at,
                "answer": r.answer or None,
                "clarification": r.clarification,
                "answered_at": r.answered_at,
                "reply": r.reply,
                "replied_at": r.replied_at,
            }
            for r in reflections
        ],
    }


def agreements(reader: Reader, membership: Membership) -> Iterator[Record]:
    """The agreements the person finds, each with every version they may read, newest first,
    and who proposed and who answered each."""
    now = timezone.now()
    versions = _Children(
        AgreementVersion.objects.visible_to(membership)
        .order_by("agreement_id", "-created_at", "-id")
        .iterator(chunk_size=CHUNK_SIZE),
        lambda v: v.agreement_id,
    )
    for agreement in (
        Agreement.objects.visible_to(membership).order_by("id").iterator(chunk_size=CHUNK_SIZE)
    ):
        yield {
            "id": agreement.pk,
            "title": agreement.title,
            "category": agreement.category,
            "category_label": agreement.get_category_display(),
            "status": agreement.status,
            "status_label": agreement.get_status_display(),
            "version_in_force": agreement.version or None,
            "revisit_by": agreement.revisit_by,
            "created_at": agreement.created_at,
            "versions": [_version(reader, v, now) for v in versions.of(agreement.pk)],
        }


def _version(reader: Reader, version: AgreementVersion, now: datetime) -> Record:
    status = version.shown_status(now)
    return {
        "id": version.pk,
        "number": version.number,
        "kind": version.kind,
        "status": status,
        "status_label": str(AgreementVersion.Status(status).label),
        "text": version.text,
        # The note as this person may read it: `visible_to` blanks the one that came with a
        # wording from before they joined.
        "note": version.seen_note,  # type: ignore[attr-defined]
        "revisit_by": version.revisit_by,
        "pause_minutes": version.pause_minutes,
        "signal_phrases": version.signal_phrase_list,
        "grounding_practice": version.grounding_practice,
        "return_phrase": version.return_phrase,
        "proposed_by": reader.who(version.proposed_by_id),
        "created_at": version.created_at,
        "expires_at": version.expires_at,
        "responded_by": reader.who_if(version.responded_at, version.responded_by_id),
        "responded_at": version.responded_at,
        "decline_reason": version.decline_reason,
    }


def pauses(reader: Reader, membership: Membership) -> Iterator[Record]:
    for pause in (
        PauseSignal.objects.visible_to(membership)
        .order_by("started_at", "id")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        yield {
            "id": pause.pk,
            "by": reader.who(pause.sender_id),
            "phrase": pause.phrase,
            "started_at": pause.started_at,
            "returns_at": pause.returns_at,
            "extended_at": pause.extended_at,
            "ended_at": pause.ended_at,
            "end_reason": pause.end_reason or None,
            "end_reason_label": pause.get_end_reason_display(),
        }


def repairs(reader: Reader, membership: Membership) -> Iterator[Record]:
    for repair in (
        Repair.objects.visible_to(membership)
        .order_by("created_at", "id")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        yield {
            "id": repair.pk,
            "by": reader.who(repair.author_id),
            "acknowledgement": repair.acknowledgement,
            "apology": repair.apology,
            "plan": repair.plan,
            "follow_up_on": repair.follow_up_on,
            "response": repair.response,
            "responded_by": reader.who_if(repair.responded_at, repair.responded_by_id),
            "responded_at": repair.responded_at,
            "followed_up_at": repair.followed_up_at,
            "created_at": repair.created_at,
        }


def trigger_scripts(reader: Reader, membership: Membership) -> Iterator[Record]:
    """The person's own scripts, private ones included. The partner's are never exported, not
    even the ones they share: they describe the partner's own triggers, and stop showing in the
    app when the partner stops sharing them or leaves."""
    scripts = TriggerScript.objects.for_couple(membership.couple).by(reader.user)
    for script in scripts.order_by("created_at", "id").iterator(chunk_size=CHUNK_SIZE):
        yield {
            "id": script.pk,
            "when_i_notice": script.when_i_notice,
            "i_will": script.i_will,
            "shared_at": script.shared_at,
            "created_at": script.created_at,
        }


def saved_for_therapy(reader: Reader, membership: Membership) -> Iterator[Record]:
    """The person's own topics saved for therapy, with their notes; only ever their own."""
    topics = SavedTopic.objects.for_couple(membership.couple).by(reader.user)
    for topic in topics.order_by("created_at", "id").iterator(chunk_size=CHUNK_SIZE):
        yield {
            "id": topic.pk,
            "topic": topic.topic,
            "session": topic.session,
            "session_label": topic.get_session_display(),
            "note": topic.note,
            "created_at": topic.created_at,
            "discussed_at": topic.discussed_at,
        }


def vocabulary(reader: Reader, membership: Membership) -> Iterator[Record]:
    for phrase in (
        Phrase.objects.for_couple(membership.couple)
        .order_by("group", "position", "id")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        yield {
            "id": phrase.pk,
            "group": phrase.group,
            "group_label": phrase.get_group_display(),
            "text": phrase.text,
            "created_at": phrase.created_at,
            "retired_at": phrase.retired_at,
        }


def values(reader: Reader, membership: Membership) -> Iterator[Record]:
    for value in (
        SharedValue.objects.for_couple(membership.couple)
        .order_by("created_at", "id")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        yield {
            "id": value.pk,
            "name": value.name,
            "description": value.description,
            "created_at": value.created_at,
        }


def schedules(reader: Reader, membership: Membership) -> Iterator[Record]:
    """The couple's scheduled conversations, each with the person's own reminder choices."""
    turned_off: dict[int, set[int]] = {}
    for schedule_id, minutes in (
        ReminderOptOut.objects.for_couple(membership.couple)
        .filter(user=reader.user)
        .values_list("schedule_id", "offset_minutes")
    ):
        turned_off.setdefault(schedule_id, set()).add(minutes)
    for schedule in (
        Schedule.objects.for_couple(membership.couple)
        .order_by("created_at", "id")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        off = turned_off.get(schedule.pk, set())
        yield {
            "id": schedule.pk,
            "kind": schedule.kind,
            "title": schedule.title,
            "rrule": schedule.rrule,
            "starts_on": schedule.starts_on,
            "start_time": schedule.start_time,
            "duration_minutes": schedule.duration_minutes,
            "time_zone": schedule.time_zone,
            "paused_at": schedule.paused_at,
            "created_at": schedule.created_at,
            "reminders": [
                {
                    "minutes_before": minutes,
                    "label": label,
                    "emailed_to_you": minutes not in off,
                }
                for minutes, label in zip(schedule.offsets, schedule.reminder_labels, strict=True)
            ],
        }


def activity(reader: Reader, membership: Membership) -> Iterator[Record]:
    for entry in (
        ActivityEntry.objects.visible_to(membership)
        .order_by("created_at", "id")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        yield {
            "id": entry.pk,
            "by": reader.who(entry.actor_id),
            "message": entry.message,
            "created_at": entry.created_at,
        }


SectionReader = Callable[[Reader, Membership], Iterator[Record]]
READERS: dict[str, SectionReader] = {
    "checkins": checkins,
    "agreements": agreements,
    "pauses": pauses,
    "repairs": repairs,
    "trigger_scripts": trigger_scripts,
    "saved_for_therapy": saved_for_therapy,
    "vocabulary": vocabulary,
    "values": values,
    "schedules": schedules,
    "activity": activity,
}


def _records(reader: Reader, section: str) -> Iterator[Record]:
    if reader.membership is None:
        return iter(())
    return READERS[section](reader, reader.membership)


# JSON


def _json_value(value: object) -> object:
    if isinstance(value, Who):
        return value.role
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not part of the export")


def _dumps(value: object) -> str:
    return json.dumps(value, default=_json_value, ensure_ascii=False)


def json_export(reader: Reader) -> Iterator[bytes]:
    """The export as JSON (docs/export.md): one object whose lists are written record by
    record."""

    def parts() -> Iterator[str]:
        now = timezone.now()
        yield "{\n"
        yield f'"schema_version": {SCHEMA_VERSION},\n'
        yield f'"exported_at": {_dumps(now)},\n'
        yield f'"time_zone": {_dumps(reader.user.time_zone)},\n'
        yield f'"account": {_dumps(account(reader))},\n'
        yield f'"couple": {_dumps(couple(reader))}'
        for section in SECTIONS:
            yield f",\n{_dumps(section)}: ["
            for i, record in enumerate(_records(reader, section)):
                yield ("\n" if i == 0 else ",\n") + _dumps(record)
            yield "\n]"
        yield "\n}\n"

    return _in_pieces(parts())


# HTML

TEMPLATE = "privacy/export_document.html"


@cache
def page_style() -> tuple[str, str]:
    """The page's own stylesheet and its CSP hash: the file is read offline, so its style is
    inline, and the page's meta policy allows that one stylesheet and nothing else."""
    css = render_to_string(f"{TEMPLATE}#style").strip()
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return css, f"'sha256-{digest}'"


def html_export(reader: Reader) -> Iterator[bytes]:
    """The export as one HTML page that reads and prints well: times in the person's zone,
    every word escaped, no scripts and no links out."""

    def render(partial: str, context: dict[str, object]) -> str:
        with timezone.override(reader.user.tz):
            return get_template(f"{TEMPLATE}#{partial}").render(context).strip() + "\n"

    def parts() -> Iterator[str]:
        css, style_hash = page_style()
        yield render(
            "start",
            {
                "css": css,
                "style_hash": style_hash,
                "exported_at": timezone.now(),
                "time_zone": reader.user.time_zone,
                "account": account(reader),
                "couple": couple(reader),
                "sections": SECTIONS if reader.membership else {},
            },
        )
        if reader.membership is not None:
            for section, (title, empty) in SECTIONS.items():
                yield render("heading", {"section": section, "title": title})
                count = 0
                for record in _records(reader, section):
                    count += 1
                    yield render(section, {"record": record})
                if not count:
                    yield render("empty", {"empty": empty})
        yield render("end", {})

    return _in_pieces(parts())


def _in_pieces(parts: Iterable[str]) -> Iterator[bytes]:
    """`parts` encoded and gathered into pieces of about WRITE_SIZE bytes."""
    pending: list[bytes] = []
    size = 0
    for part in parts:
        data = part.encode()
        pending.append(data)
        size += len(data)
        if size >= WRITE_SIZE:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)
