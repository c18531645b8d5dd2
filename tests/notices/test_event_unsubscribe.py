"""The emails about one event (an agreement awaits an answer, a proposal closed, a pause was asked
for, it is your turn in the check-in, a repair follow-up is due) each carry a one-click
unsubscribe (RFC 8058): its link stops that kind of email for that person alone, switching it
from email to "only inside Hearth", and leaves every other choice as it was."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail, signing
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from agreements import services as agreements
from couples.models import Couple, User
from notices import events, tasks
from notices.models import Channel, EventEmail, Kind, NotificationPreference
from tests.support.notices import Capture, propose, share
from tests.support.pages import Response
from toolkit import services as toolkit

# A Wednesday afternoon, the day of the repair's follow-up.
FOLLOW_UP_DAY = date(2026, 11, 25)


def a_proposal(couple: Couple, alice: User, bob: User) -> None:
    propose(couple, alice)


def an_expiry(couple: Couple, alice: User, bob: User) -> None:
    agreements.email_expiry(propose(couple, alice))


def a_pause(couple: Couple, alice: User, bob: User) -> None:
    agreements.start_pause(couple=couple, sender=alice, phrase="I need a moment", minutes=30)


def a_turn(couple: Couple, alice: User, bob: User) -> None:
    share(couple, alice)


def a_follow_up(couple: Couple, alice: User, bob: User) -> None:
    toolkit.record_repair(
        couple=couple,
        author=alice,
        acknowledgement="a",
        apology="b",
        plan="c",
        follow_up_on=FOLLOW_UP_DAY,
    )
    toolkit.tell_follow_ups_due(now=datetime(2026, 11, 25, 15, 0, tzinfo=UTC))


# Each event email, and what makes Bob receive it.
EVENTS: dict[str, Callable[[Couple, User, User], None]] = {
    "agreement-proposal": a_proposal,
    "agreement-expired": an_expiry,
    "pause": a_pause,
    "turn": a_turn,
    "repair-follow-up": a_follow_up,
}

EVERY_KIND = {kind.value: Channel.EMAIL for kind in Kind}


def hears_by_email(*users: User) -> None:
    NotificationPreference.objects.filter(user__in=users).update(**EVERY_KIND)


def event_email(letter: str, to: User) -> EmailMultiAlternatives:
    """The one email `letter` that went out to `to`."""
    row = EventEmail.objects.get(recipient=to, letter=letter)
    [message] = [
        m for m in mail.outbox if m.extra_headers.get("Message-ID") == row.stable_message_id
    ]
    assert isinstance(message, EmailMultiAlternatives)
    return message


def bob_gets(
    letter: str, couple: Couple, alice: User, bob: User, capture: Capture
) -> EmailMultiAlternatives:
    hears_by_email(alice, bob)
    with capture(execute=True):
        EVENTS[letter](couple, alice, bob)
    return event_email(letter, bob)


def link(message: EmailMessage) -> str:
    header: str = message.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<\S+>", header), header
    return header[1:-1]


def html_of(message: EmailMultiAlternatives) -> str:
    [html] = [str(content) for content, kind in message.alternatives if kind == "text/html"]
    return html


@pytest.mark.parametrize("letter", sorted(EVENTS))
def test_every_event_email_offers_one_click_unsubscribe_and_says_how_to_stop_it(
    letter: str,
    couple: Couple,
    alice: User,
    bob: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    message = bob_gets(letter, couple, alice, bob, django_capture_on_commit_callbacks)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = link(message)
    assert url.startswith(f"{settings.SITE_URL}/settings/event-email/unsubscribe/")
    assert url.endswith("/")
    assert f"Stop these emails:\n{url}\n" in str(message.body)
    assert f'<a href="{url}" style="color:#6b5d55;">Stop these emails</a>' in html_of(message)


def choices(user: User) -> dict[str, str]:
    return {kind: NotificationPreference.of(user).channel(kind) for kind in EVERY_KIND}


def path_of(url: str) -> str:
    return url.removeprefix(settings.SITE_URL)


def test_one_click_stops_that_kind_of_email_for_that_person_and_nothing_else(
    couple: Couple,
    alice: User,
    bob: User,
    django_capture_on_commit_callbacks: Capture,
    words: Callable[[Response | str], str],
) -> None:
    message = bob_gets("agreement-proposal", couple, alice, bob, django_capture_on_commit_callbacks)
    NotificationPreference.objects.filter(user=bob).update(pause=Channel.PUSH)
    alices = choices(alice)
    # A mail app posts without cookies or a CSRF token (RFC 8058).
    mail_app = Client(enforce_csrf_checks=True)
    response = mail_app.post(
        path_of(link(message)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Done: you won't get emails when an agreement awaits your answer." in words(response)
    assert choices(bob) == {
        **EVERY_KIND,
        Kind.AGREEMENT: Channel.HEARTH,
        Kind.PAUSE: Channel.PUSH,
    }
    assert choices(alice) == alices


def test_the_link_of_a_kind_heard_of_by_push_leaves_the_push(
    bob: User, couple: Couple, words: Callable[[Response | str], str]
) -> None:
    NotificationPreference.objects.filter(user=bob).update(pause=Channel.PUSH)
    path = f"/settings/event-email/unsubscribe/{events.unsubscribe_token(bob, Kind.PAUSE)}/"
    response = Client().post(path)
    assert response.status_code == 200
    assert (
        "These emails were already off: you don't get emails when your partner asks for a pause."
        in words(response)
    )
    assert NotificationPreference.of(bob).pause == Channel.PUSH


def test_opening_the_link_asks_first_and_changes_nothing(
    couple: Couple,
    alice: User,
    bob: User,
    bob_client: Client,
    django_capture_on_commit_callbacks: Capture,
    words: Callable[[Response | str], str],
) -> None:
    message = bob_gets("turn", couple, alice, bob, django_capture_on_commit_callbacks)
    path = path_of(link(message))
    before = choices(bob)
    page = Client().get(path)
    assert page.status_code == 200
    said = words(page)
    assert "Emails when it's your turn in the check-in" in said
    assert "Stop the emails that tell you when it's your turn in the check-in?" in said
    assert '<button type="submit">Stop these emails</button>' in page.content.decode()
    assert choices(bob) == before

    done = Client().post(path)
    assert "Done: you won't get emails when it's your turn in the check-in." in words(done)
    # The way back: the notifications section of the settings page.
    assert 'href="/settings/#notifications"' in done.content.decode()
    assert 'id="notifications"' in bob_client.get("/settings/").content.decode()
    again = Client().get(path)
    assert again.status_code == 200
    assert "These emails were already off" in words(again)
    assert choices(bob) == {**before, Kind.TURN: Channel.HEARTH}


def test_a_damaged_or_forged_link_says_so_and_changes_nothing(
    alice: User, bob: User, couple: Couple, words: Callable[[Response | str], str]
) -> None:
    hears_by_email(bob)
    token = events.unsubscribe_token(bob, Kind.AGREEMENT)
    bad = [
        token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        # Signed right, but for the "something new" email's links.
        signing.dumps([bob.pk, 1], salt="notices.unsubscribe", compress=False),
        "not-a-real-link",
    ]
    for forged in bad:
        response = Client().post(f"/settings/event-email/unsubscribe/{forged}/")
        assert response.status_code == 400, forged
        assert "This link isn't valid. Check that it was copied whole" in words(response)
    assert choices(bob) == EVERY_KIND


def test_one_persons_link_never_changes_anothers_choices(
    alice: User, bob: User, couple: Couple
) -> None:
    hears_by_email(alice, bob)
    alices = events.unsubscribe_token(alice, Kind.AGREEMENT)
    bobs = events.unsubscribe_token(bob, Kind.AGREEMENT)
    # Bob's key under Alice's signature.
    spliced = bobs.split(":", 1)[0] + ":" + alices.split(":", 1)[1]
    assert Client().post(f"/settings/event-email/unsubscribe/{spliced}/").status_code == 400
    assert choices(bob) == EVERY_KIND

    assert Client().post(f"/settings/event-email/unsubscribe/{alices}/").status_code == 200
    assert choices(bob) == EVERY_KIND
    assert choices(alice)[Kind.AGREEMENT] == Channel.HEARTH


def test_the_link_of_a_deleted_account_answers_calmly(
    bob: User, words: Callable[[Response | str], str]
) -> None:
    path = f"/settings/event-email/unsubscribe/{events.unsubscribe_token(bob, Kind.REPAIR)}/"
    bob.delete()
    for response in (Client().get(path), Client().post(path)):
        assert response.status_code == 404
        assert "The account this link was for no longer exists, so it gets no emails." in words(
            response
        )


def test_after_unsubscribing_a_waiting_email_of_that_kind_is_dropped_when_it_comes_to_be_sent(
    couple: Couple,
    alice: User,
    bob: User,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    hears_by_email(bob)
    # 10:00 in Bob's New York: inside his quiet hours, so both emails wait.
    NotificationPreference.objects.filter(user=bob).update(quiet_start=time(9), quiet_end=time(11))
    with django_capture_on_commit_callbacks(execute=True):
        propose(couple, alice)
        share(couple, alice)
    assert EventEmail.objects.filter(recipient=bob, sent_at__isnull=True).count() == 2
    path = f"/settings/event-email/unsubscribe/{events.unsubscribe_token(bob, Kind.AGREEMENT)}/"
    assert Client().post(path).status_code == 200

    clock.shift(timedelta(hours=1, minutes=1))
    tasks.send_due_event_emails()
    assert [m.subject for m in mail.outbox if bob.email in m.to] == [
        "Hearth: your turn in this week's check-in"
    ]
    assert EventEmail.objects.get(recipient=bob, letter="agreement-proposal").dropped_at


def test_the_page_costs_the_same_queries_however_much_waits(
    couple: Couple,
    alice: User,
    bob: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    path = f"/settings/event-email/unsubscribe/{events.unsubscribe_token(bob, Kind.AGREEMENT)}/"
    for size in (1, 20):
        hears_by_email(bob)
        EventEmail.objects.bulk_create(
            EventEmail(
                recipient=bob,
                couple=couple,
                kind=Kind.AGREEMENT,
                letter="agreement-proposal",
                thing_id=thing_id,
                created_at=timezone.now(),
            )
            for thing_id in range(size * 100, size * 100 + size)
        )
        # Is the account there, and does it hear of agreements by email.
        with django_assert_num_queries(2):
            assert Client().get(path).status_code == 200
        # Is the account there, and switch the kind from email.
        with django_assert_num_queries(2):
            assert Client().post(path).status_code == 200
        assert NotificationPreference.of(bob).agreement == Channel.HEARTH
