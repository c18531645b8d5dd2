"""What the agreements add to a person's export (`core.registry`): their email choices, the
agreements with every version they may read, and the pauses they may look back on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone

from agreements.models import (
    Agreement,
    AgreementVersion,
    PauseSignal,
)
from core.registry import CHUNK_SIZE, Children, ExportReader, Record, export_section
from couples.models import Membership


@export_section("agreements")
def agreements(reader: ExportReader, membership: Membership) -> Iterator[Record]:
    """The agreements the person finds, each with every version they may read, newest first,
    and who proposed and who answered each."""
    now = timezone.now()
    versions = Children(
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


def _version(reader: ExportReader, version: AgreementVersion, now: datetime) -> Record:
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


@export_section("pauses")
def pauses(reader: ExportReader, membership: Membership) -> Iterator[Record]:
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
