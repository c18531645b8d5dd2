"""What the check-ins add to a person's export (`core.registry`): the weeks they find in their
history, and the erasure of their entries nobody else ever read when they delete their
account."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q

from checkins.models import CheckIn, Entry, Reflection
from core.registry import CHUNK_SIZE, Children, ExportReader, Record, eraser, export_section
from couples.models import Membership, User


@export_section("checkins")
def checkins(reader: ExportReader, membership: Membership) -> Iterator[Record]:
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
    in_week = Children(
        entries.select_related("checkin")
        .order_by("checkin__week_start", "checkin_id", "id")
        .iterator(chunk_size=CHUNK_SIZE),
        lambda e: (e.checkin.week_start, e.checkin_id),
    )
    on_entry = Children(
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


def _entry(reader: ExportReader, entry: Entry, reflections: list[Reflection]) -> Record:
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


@eraser
def erase_private_entries(user: User) -> None:
    """Entries never revealed (drafts, and shares the partner never saw). Revealed ones stay
    with the partner, their author set to NULL."""
    Entry.objects.filter(author=user, revealed_at__isnull=True).delete()
