"""What the toolkit adds to a person's export (`core.registry`): repairs, their own trigger
scripts and topics saved for therapy, the couple's shared words and values; and the erasure of
their scripts and topics when they delete their account."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q

from core.registry import CHUNK_SIZE, ExportReader, Record, eraser, export_section
from couples.models import Membership, User
from toolkit.models import Phrase, Repair, SavedTopic, SharedValue, TriggerScript


@export_section("repairs")
def repairs(reader: ExportReader, membership: Membership) -> Iterator[Record]:
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


@export_section("trigger_scripts")
def trigger_scripts(reader: ExportReader, membership: Membership) -> Iterator[Record]:
    """The person's own scripts, private ones included. The partner's are never exported, not
    even the ones they share: they describe the partner's own triggers, and stop showing in the
    app when the partner stops sharing them or leaves."""
    scripts = TriggerScript.objects.visible_to(membership).by(reader.user)
    for script in scripts.order_by("created_at", "id").iterator(chunk_size=CHUNK_SIZE):
        yield {
            "id": script.pk,
            "when_i_notice": script.when_i_notice,
            "i_will": script.i_will,
            "shared_at": script.shared_at,
            "created_at": script.created_at,
        }


@export_section("saved_for_therapy")
def saved_for_therapy(reader: ExportReader, membership: Membership) -> Iterator[Record]:
    """The person's own topics saved for therapy, with their notes; only ever their own."""
    topics = SavedTopic.objects.visible_to(membership)
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


@export_section("vocabulary")
def vocabulary(reader: ExportReader, membership: Membership) -> Iterator[Record]:
    for phrase in (
        Phrase.objects.visible_to(membership)
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


@export_section("values")
def values(reader: ExportReader, membership: Membership) -> Iterator[Record]:
    # The couple's own values and the reader's picks; a pick of the partner's waiting for the
    # reader's yes is theirs, not a shared record.
    for value in (
        SharedValue.objects.visible_to(membership)
        .filter(Q(agreed_at__isnull=False) | Q(proposed_by_id=membership.user_id))
        .order_by("created_at", "id")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        yield {
            "id": value.pk,
            "name": value.name,
            "description": value.description,
            "created_at": value.created_at,
        }


@eraser
def erase_private_notes(user: User) -> None:
    """Trigger scripts and topics saved for therapy, shared or not: they describe the person."""
    TriggerScript.objects.filter(author=user).delete()
    SavedTopic.objects.filter(author=user).delete()
