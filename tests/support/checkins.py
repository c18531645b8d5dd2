"""Check-in test data: week 48 of 2026, entries posted as the form posts them, weeks both
partners shared, and the statuses a page shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import TypedDict, Unpack

from django.apps import apps
from django.test import Client
from django.utils import timezone

from checkins.models import CheckIn, Entry, Prompt, current_week
from couples.models import Couple, User
from tests.support.pages import Response

# A Wednesday: week 48 of 2026 in every zone the tests use.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WEEK = "2026-W48"
URL = f"/checkins/{WEEK}/"
HTMX = {"HX-Request": "true"}


class EntryFields(TypedDict, total=False):
    """The words of an entry as its form names them."""

    small_win: str
    challenge: str
    appreciation: str
    help_wanted: str


def write(
    client: Client,
    week: str = WEEK,
    *,
    action: str = "save",
    htmx: bool = False,
    follow: bool = False,
    **fields: Unpack[EntryFields],
) -> Response:
    """Post an entry as the form does: every field, with the Save or Share button."""
    data = {"small_win": "", "challenge": "", "appreciation": "", "help_wanted": "", **fields}
    data[action] = ""
    headers = HTMX if htmx else {}
    return client.post(f"/checkins/{week}/entry/", data, follow=follow, headers=headers)


def week_of(
    couple: Couple,
    alice: User,
    bob: User,
    *,
    weeks_ago: int,
    step: str = "",
    resolved: bool = False,
) -> CheckIn:
    """A week both partners shared, `weeks_ago` weeks before this one; closed with `step`."""
    now = timezone.now()
    checkin = CheckIn.objects.create(
        couple=couple,
        week_start=current_week(couple) - timedelta(weeks=weeks_ago),
        revealed_at=now,
        next_step=step,
        next_step_by=alice if step else None,
        next_step_at=now if step else None,
        closed_at=now if step else None,
    )
    for person in (alice, bob):
        Entry.objects.create(
            checkin=checkin,
            author=person,
            small_win=f"{person.display_name}'s win",
            challenge=f"{person.display_name}'s challenge",
            shared_at=now,
            revealed_at=now,
            challenge_resolved_at=now if resolved else None,
        )
    return checkin


def statuses(response: Response) -> dict[str, str]:
    """The statuses a response shows or swaps in, by element id (own-status, partner-status)."""
    found = re.findall(
        r'<(strong|span) id="(own-status|partner-status)"[^>]*>(.*?)</\1>',
        response.content.decode(),
        re.S,
    )
    return {key: " ".join(re.sub(r"<[^>]+>", " ", inner).split()) for _tag, key, inner in found}


def ensure_library() -> None:
    """Hearth's prompt library as its migration seeds it. A test with real transactions (a
    browser test, a concurrency test) empties the database behind it, seeded rows and all, so
    one that needs the library after such a test seeds it again."""
    if not Prompt.objects.filter(couple__isnull=True).exists():
        import_module("checkins.migrations.0006_hearth_prompt_library").seed(apps, None)
