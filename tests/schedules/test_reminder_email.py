"""The reminder email: neutral subject, each partner's own time, an .ics invitation, and a
one-click unsubscribe that turns off that one reminder for that one person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from icalendar import Calendar
from pytest_django import DjangoCaptureOnCommitCallbacks

from couples.models import User
from schedules import services
from schedules.models import ReminderDelivery, ReminderOptOut, Schedule

START = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)  # Sunday 19:00 in Berlin, 14:00 in New York


@pytest.fixture
def send(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> Callable[[datetime], None]:
    def run(now: datetime) -> None:
        with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
            services.dispatch_due(now=now)

    return run


@pytest.fixture
def emails(schedule: Schedule, send: Callable[[datetime], None]) -> dict[str, mail.EmailMessage]:
    send(START - timedelta(hours=1))
    return {m.to[0]: m for m in mail.outbox}


def test_the_subject_is_neutral_and_in_the_recipients_time(
    emails: dict[str, mail.EmailMessage],
) -> None:
    assert (
        emails["alice@example.com"].subject == "Reminder: your check-in on Sun 8 Mar 2026 at 19:00"
    )
    assert emails["bob@example.com"].subject == "Reminder: your check-in on Sun 8 Mar 2026 at 14:00"
    assert all("Our Sunday talk" not in m.subject for m in emails.values())


def test_the_body_shows_local_time_home_time_when_it_differs_and_the_link(
    emails: dict[str, mail.EmailMessage],
) -> None:
    alice, bob = emails["alice@example.com"], emails["bob@example.com"]
    assert "Sun 8 Mar 2026 at 19:00 your time in Berlin (GMT+1), for 60" in alice.body
    assert "at home" not in alice.body
    assert (
        "at 14:00 your time in New York (GMT-4), which is 19:00 at home in Berlin (GMT+1)"
        in bob.body
    )
    assert "http://127.0.0.1:8000/checkins/this-week/" in bob.body
    assert isinstance(bob, mail.EmailMultiAlternatives)
    html = bob.alternatives[0].content  # type: ignore[attr-defined]  # django-stubs: plain tuples
    assert 'href="http://127.0.0.1:8000/checkins/this-week/"' in html
    assert "14:00" in html


def test_the_invitation_is_a_calendar_event_with_a_stable_uid(
    schedule: Schedule, emails: dict[str, mail.EmailMessage], send: Callable[[datetime], None]
) -> None:
    attachment = emails["bob@example.com"].attachments[0]
    assert (attachment.filename, attachment.mimetype) == ("invitation.ics", "text/calendar")
    cal = Calendar.from_ical(attachment.content)
    [event] = cal.walk("VEVENT")
    assert event["UID"] == schedule.uid(START)
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTSTART").tzinfo.key == "Europe/Berlin"
    assert event.decoded("DTEND") == START + timedelta(hours=1)
    assert str(event["SUMMARY"]) == "Hearth: check-in"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert "Our Sunday talk" not in attachment.content

    # Next week's 24-hour reminder carries another occurrence, with another UID; the same
    # occurrence always carries the same one.
    mail.outbox.clear()
    send(START + timedelta(days=6))
    later = Calendar.from_ical(mail.outbox[0].attachments[0].content).walk("VEVENT")[0]
    assert later["UID"] == schedule.uid(START + timedelta(days=7)) != event["UID"]


def test_the_headers_offer_one_click_unsubscribe_and_the_message_id_is_kept(
    emails: dict[str, mail.EmailMessage],
) -> None:
    message = emails["alice@example.com"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"]
    assert url.startswith("<http://127.0.0.1:8000/schedule/unsubscribe/")
    assert url.endswith("/>")
    delivery = ReminderDelivery.objects.get(recipient__email="alice@example.com", status="sent")
    assert delivery.message_id == message.extra_headers["Message-ID"]
    assert message.message()["Message-ID"] == delivery.message_id


def unsubscribe_path(message: mail.EmailMessage) -> str:
    header: str = message.extra_headers["List-Unsubscribe"]
    return header.strip("<>").removeprefix("http://127.0.0.1:8000")


def test_one_click_turns_off_that_reminder_for_that_person_only(
    schedule: Schedule,
    emails: dict[str, mail.EmailMessage],
    alice: User,
    send: Callable[[datetime], None],
) -> None:
    path = unsubscribe_path(emails["alice@example.com"])
    mail_app = Client(enforce_csrf_checks=True)
    response = mail_app.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "you won't get the “1 hour before” reminder" in response.content.decode()
    assert list(ReminderOptOut.objects.values_list("user__email", "offset_minutes")) == [
        ("alice@example.com", 60)
    ]

    mail.outbox.clear()
    send(START + timedelta(days=6))  # next week's 24-hour reminders
    send(START + timedelta(days=6, hours=23))  # and its 1-hour reminders
    sent = set(
        ReminderDelivery.objects.filter(status="sent", occurrence_start__gt=START).values_list(
            "recipient__email", "offset_minutes"
        )
    )
    assert sent == {("alice@example.com", 1440), ("bob@example.com", 1440), ("bob@example.com", 60)}


def test_the_link_works_once_and_then_says_it_is_already_off(
    emails: dict[str, mail.EmailMessage],
) -> None:
    path = unsubscribe_path(emails["bob@example.com"])
    Client().post(path)
    response = Client().post(path)
    assert "This reminder was already off." in response.content.decode()
    assert ReminderOptOut.objects.count() == 1


def test_opening_the_link_asks_before_turning_anything_off(
    emails: dict[str, mail.EmailMessage],
) -> None:
    response = Client().get(unsubscribe_path(emails["bob@example.com"]))
    assert response.status_code == 200
    assert "Turn this reminder off" in response.content.decode()
    assert ReminderOptOut.objects.count() == 0
    Client().post(unsubscribe_path(emails["bob@example.com"]))
    response = Client().get(unsubscribe_path(emails["bob@example.com"]))
    assert "This reminder was already off." in response.content.decode()


def test_a_tampered_link_is_refused(emails: dict[str, mail.EmailMessage]) -> None:
    path = unsubscribe_path(emails["bob@example.com"])
    token = path.split("/")[-2]
    forged = signing.dumps([1, 1, 60], salt="something else")
    for bad in (token[:-2] + ("aa" if not token.endswith("aa") else "bb"), forged):
        response = Client().post(f"/schedule/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert "Check that it was copied whole" in response.content.decode()
    assert ReminderOptOut.objects.count() == 0


def test_the_link_of_a_deleted_schedule_says_so(
    schedule: Schedule, emails: dict[str, mail.EmailMessage], alice: User
) -> None:
    services.delete_schedule(schedule=schedule, by=alice)
    response = Client().post(unsubscribe_path(emails["bob@example.com"]))
    assert response.status_code == 404
    assert "no longer exists" in response.content.decode()
