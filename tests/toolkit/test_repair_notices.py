"""A repair is new to the partner it was made to (a marker for them alone, cleared when they
open the repairs), and its follow-up date is told on the channel each partner chose for
repairs, once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client

from couples.models import Couple, User
from notices.models import Channel, NotificationPreference, Unread
from tests.support.notices import Capture
from tests.support.pages import main_content
from toolkit import services, tasks
from toolkit.models import Repair

SUBJECT = "Hearth: a follow-up is due"


def repair(couple: Couple, author: User, on: date = date(2026, 3, 4)) -> Repair:
    return services.record_repair(
        couple=couple,
        author=author,
        acknowledgement="bob-acknowledges",
        apology="bob-apology",
        plan="bob-plan",
        follow_up_on=on,
    )


def unread(client: Client) -> dict[str, int]:
    counts: dict[str, int] = client.get("/settings/").context["unread"]
    return counts


def author_view(client: Client, made: Repair) -> list[str]:
    """Everything Bob sees or downloads, without the per-request tokens."""
    pages = ["/", "/toolkit/repairs/", f"/toolkit/repairs/{made.pk}/", "/settings/"]
    seen = [
        re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", main_content(client.get(p)))
        for p in pages
    ]
    download = client.get("/settings/export/hearth.json")
    seen.append(b"".join(download.streaming_content).decode())  # type: ignore[attr-defined]
    return seen


def follow_ups(user: User) -> list[EmailMessage]:
    return [m for m in mail.outbox if user.email in m.to and m.subject == SUBJECT]


@time_machine.travel(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), tick=False)
def test_a_repair_is_new_to_the_partner_alone_until_they_open_the_repairs(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    made = repair(couple, bob)
    assert unread(alice_client)["repairs"] == 1
    assert unread(bob_client)["repairs"] == 0
    before = author_view(bob_client, made)

    alice_client.get("/toolkit/repairs/")
    assert unread(alice_client)["repairs"] == 0
    assert not Unread.objects.filter(reader=alice).exists()
    assert author_view(bob_client, made) == before


def test_the_repairs_own_page_clears_the_marker_too(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    made = repair(couple, bob)
    alice_client.get(f"/toolkit/repairs/{made.pk}/")
    assert unread(alice_client)["repairs"] == 0


def test_a_follow_up_is_told_once_on_its_date_in_the_couples_zone(
    couple: Couple, alice: User, bob: User, django_capture_on_commit_callbacks: Capture
) -> None:
    NotificationPreference.objects.filter(user__in=[alice, bob]).update(repair=Channel.EMAIL)
    made = repair(couple, bob, on=date(2026, 3, 4))
    # 23:30 UTC on 3 March is already 4 March in the couple's Berlin.
    with time_machine.travel(datetime(2026, 3, 3, 22, 30, tzinfo=UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.tell_follow_ups_due()
        assert mail.outbox == []
    with (
        time_machine.travel(datetime(2026, 3, 3, 23, 30, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.tell_follow_ups_due()
        tasks.tell_follow_ups_due()
    assert len(follow_ups(alice)) == 1
    assert len(follow_ups(bob)) == 1
    [email] = follow_ups(alice)
    assert f"/toolkit/repairs/{made.pk}/" in email.body
    for words in ("bob-acknowledges", "bob-apology", "bob-plan"):
        assert words not in email.body


def test_a_follow_up_marked_done_or_unwanted_is_not_told(
    couple: Couple, alice: User, bob: User, django_capture_on_commit_callbacks: Capture
) -> None:
    NotificationPreference.objects.filter(user=alice).update(repair=Channel.EMAIL)
    done = repair(couple, bob, on=date(2026, 3, 4))
    services.mark_followed_up(repair=done)
    repair(couple, bob, on=date(2026, 3, 4))  # Bob hears of repairs only inside Hearth
    with (
        time_machine.travel(datetime(2026, 3, 4, 12, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.tell_follow_ups_due()
    assert len(follow_ups(alice)) == 1
    assert follow_ups(bob) == []
