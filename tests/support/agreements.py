"""Agreements and pause test data: agreements written straight to the database, past pauses,
and the pause banner's poll as a browser sends it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from agreements import services
from agreements.limits import PROPOSAL_LIFETIME
from agreements.models import Agreement, AgreementVersion, Category, PauseSignal
from couples.models import Couple, User
from tests.support.pages import Response

# The shapes of the agreements conftest's fixtures.
Propose = Callable[..., AgreementVersion]
AtTheSameInstant = Callable[..., list[str]]
Post = Callable[..., Response]

PHRASES = services.PauseDefaults().signal_phrases


def agreed(
    couple: Couple,
    proposer: User,
    accepter: User,
    *,
    versions: int = 1,
    title: str = "Phones at dinner",
    category: str = Category.DIGITAL,
    revisit_by: date | None = None,
) -> Agreement:
    """An agreement with `versions` accepted versions, written straight to the database (the
    services are tested on their own); version n reads "Version n: ..."."""
    agreement = Agreement.objects.create(couple=couple, title=title, category=category)
    start = timezone.now() - timedelta(days=versions)
    for n in range(1, versions + 1):
        at = start + timedelta(hours=n)
        version = AgreementVersion.objects.create(
            agreement=agreement,
            text=f"Version {n}: our phones stay in the drawer during dinner.",
            base_version=n - 1,
            number=n,
            status=AgreementVersion.Status.ACCEPTED,
            proposed_by=proposer,
            responded_by=accepter,
            created_at=at,
            expires_at=at + PROPOSAL_LIFETIME,
            responded_at=at,
            revisit_by=revisit_by,
            **(
                {"pause_minutes": 30, "signal_phrases": "I need a pause", "return_phrase": "Back"}
                if category == Category.PAUSE
                else {}
            ),
        )
    agreement.current, agreement.version = version, versions
    agreement.status, agreement.revisit_by = Agreement.Status.ACTIVE, revisit_by
    agreement.save()
    return agreement


def poll(client: Client, version: str = "", shown: str = "") -> Response:
    """The pause banner's poll, as an open page sends it (htmx) with the version it last saw."""
    query = {"v": version, "p": shown} if version else {}
    return client.get("/pause/banner/", query, HTTP_HX_REQUEST="true")


def version_in(response: Response) -> str:
    """The version a banner carries, for the page's next poll."""
    match = re.search(r"/pause/banner/\?v=([^&\"]+)", response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


def make_past_pauses(couple: Couple, sender: User, count: int) -> None:
    start = timezone.now() - timedelta(days=count + 1)
    PauseSignal.objects.bulk_create(
        PauseSignal(
            couple=couple,
            sender=sender,
            phrase=f"Past pause {i}",
            started_at=start + timedelta(days=i),
            returns_at=start + timedelta(days=i, minutes=30),
            ended_at=start + timedelta(days=i, minutes=35),
            end_reason=PauseSignal.EndReason.READY,
        )
        for i in range(count)
    )
