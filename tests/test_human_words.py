"""Machine values never reach a person: every page a seeded couple opens, the readable export,
the calendar feed and the emails they receive name weeks by their dates, a schedule's rule in a
sentence and a time zone by its city, never "2026-W49", "FREQ=WEEKLY;BYDAY=SU" or
"America/New_York". The rule itself is shown only in the schedule form's advanced section."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from agreements.models import PauseSignal
from core import emails
from notices.models import NoticeEmail
from notices.services import notice_message
from schedules.models import ReminderDelivery
from schedules.services import reminder_message
from tests.support.hostile.crawl import query_names, read_page
from tests.support.hostile.world import People, build, pages
from tests.support.pages import visible_words
from tests.support.privacy import HTML_URL

MACHINE_WORDS = {
    "an ISO week": re.compile(r"\b\d{4}-W\d\d\b|\bW\d\d\b|\bWeek \d{1,2}\b"),
    "an RRULE": re.compile(r"FREQ=|BYDAY=|RRULE"),
    "a zone identifier": re.compile(
        r"\b(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific"
        r"|Etc|US)/\w+"
    ),
}
# The schedule form's advanced section, the one place its rule is written as a rule.
ADVANCED = re.compile(r"<details[^>]*>\s*<summary>Advanced.*?</details>", re.DOTALL)

pytestmark = pytest.mark.django_db


def machine_words(text: str) -> list[str]:
    return [
        f"{kind}: {m[0]!r}"
        for kind, pattern in MACHINE_WORDS.items()
        for m in [pattern.search(text)]
        if m
    ]


def crawl(people: People, who: str) -> dict[str, str]:
    """What `who` reads on every page they reach, and on the pages those link to with a query."""
    client = people.client(who)
    queue = [path for _name, path in pages(people)]
    seen: dict[str, str] = {}
    # One page per path and set of query names: a shuffle's seed or a page number leads on
    # to the same kind of page without end.
    kinds: set[tuple[str, frozenset[str]]] = set()
    while queue:
        path = queue.pop(0)
        kind = (urlsplit(path).path, frozenset(query_names(path)))
        if kind in kinds:
            continue
        kinds.add(kind)
        response = client.get(path, follow=True)
        client = people.still(who, client)
        seen[path] = ""
        if "html" not in response.get("Content-Type", "") or response.streaming:
            continue
        body = response.content.decode()
        seen[path] = visible_words(ADVANCED.sub(" ", body))
        queue += [link for link in read_page(path, body).links if urlsplit(link).query]
    return seen


@pytest.mark.parametrize("state", ["calm", "paused"])
def test_no_page_shows_a_week_number_a_rule_or_a_zone_identifier(state: str) -> None:
    people = build(state)
    found = {
        f"{who} {path}": words
        for who in ("alice", "bob")
        for path, text in crawl(people, who).items()
        if (words := machine_words(text))
    }
    assert found == {}


def test_the_readable_export_and_the_calendar_feed_speak_in_words() -> None:
    people = build("calm")
    client = people.client("alice")
    export = b"".join(client.get(HTML_URL).streaming_content).decode()  # type: ignore[attr-defined]
    assert "Week of" in export
    assert machine_words(visible_words(export)) == []
    feed = Client().get(f"/calendar/{people.keys['calendar_feed']['token']}.ics")
    assert feed.status_code == 200
    said = [
        line
        for line in feed.content.decode().splitlines()
        if line.startswith(("SUMMARY", "DESCRIPTION", "X-WR-CALNAME"))
    ]
    assert said
    assert machine_words("\n".join(said)) == []


def test_no_email_shows_a_week_number_a_rule_or_a_zone_identifier(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        people = build("paused")
    schedule = people.couple.schedules.get()
    (start,) = schedule.next_occurrences(after=timezone.now() + timedelta(days=1), count=1)
    sent = list(mail.outbox)
    for person in (people.alice, people.bob):
        delivery = ReminderDelivery(
            schedule=schedule, occurrence_start=start, recipient=person, offset_minutes=60
        )
        sent.append(reminder_message(delivery))
    sent.append(
        notice_message(NoticeEmail(recipient=people.bob), Counter({"entry": 1, "proposal": 1}))
    )
    pause = PauseSignal.objects.get(couple=people.couple, ended_at__isnull=True)
    sent.append(
        emails.make_message("pause", people.bob.email, {"pause": pause, "recipient": people.bob})
    )
    assert len(sent) >= 5
    for message in sent:
        parts = [str(message.subject), str(message.body)]
        parts += [visible_words(str(html)) for html, _type in getattr(message, "alternatives", [])]
        assert machine_words("\n".join(parts)) == [], message.subject
