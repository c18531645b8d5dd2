from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from agreements import services as agreements
from agreements.models import AgreementVersion, Category, PauseSignal
from checkins.models import CheckIn, current_week
from core.activity import log
from core.models import ActivityEntry
from couples import services
from couples.models import Couple, Membership, User
from schedules import tasks as schedule_tasks
from schedules.models import ReminderDelivery, ReminderOptOut, Schedule
from tests.factories import UserFactory
from tests.support.people import client_for

Words = Callable[..., str]


@pytest.fixture
def capture(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> DjangoCaptureOnCommitCallbacks:
    return django_capture_on_commit_callbacks


@pytest.fixture
def queries(django_assert_num_queries: DjangoAssertNumQueries) -> DjangoAssertNumQueries:
    return django_assert_num_queries


def test_leaving_ends_access_at_once_and_the_partner_keeps_the_space(
    couple: Couple, alice_client: Client, bob_client: Client, bob: User
) -> None:
    assert bob_client.get("/couple/leave/").status_code == 200
    response = bob_client.post("/couple/leave/", follow=True)
    assert "You have left Alice &amp; Bob." in response.content.decode()

    for path in ("/couple/", "/couple/leave/", "/couple/invite/"):
        assert bob_client.get(path).headers.get("Location") == "/", path
    assert "Welcome home" not in bob_client.get("/").content.decode()
    assert not Membership.objects.filter(user=bob).exists()

    page = " ".join(alice_client.get("/couple/").content.decode().split())
    assert "A former partner left the space" in page
    assert Couple.objects.filter(pk=couple.pk).exists()


def test_the_last_person_leaving_deletes_the_space(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    bob_client.post("/couple/leave/")
    alice_client.post("/couple/leave/")
    assert not Couple.objects.exists()
    assert not ActivityEntry.objects.exists()


def test_someone_who_left_can_start_a_new_space(couple: Couple, bob_client: Client) -> None:
    bob_client.post("/couple/leave/")
    bob_client.post("/couple/new/", {"name": "Fresh start", "time_zone": "America/New_York"})
    assert Couple.objects.filter(name="Fresh start").exists()


def test_a_member_cannot_create_a_second_space(couple: Couple, alice_client: Client) -> None:
    response = alice_client.post("/couple/new/", {"name": "Another", "time_zone": "UTC"})
    assert response.headers["Location"] == "/couple/"
    assert not Couple.objects.filter(name="Another").exists()


def test_creating_a_space_re_shows_what_was_typed_when_invalid(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    response = client.post("/couple/new/", {"name": "Ours", "time_zone": "Not/AZone"})
    assert response.status_code == 200
    assert 'value="Ours"' in response.content.decode()
    assert not Couple.objects.exists()


def test_a_new_partner_reads_the_activity_from_when_they_joined(
    couple: Couple, alice: User, alice_client: Client, bob_client: Client
) -> None:
    alice_client.post("/couple/", {"name": "Before Fay", "time_zone": "Europe/Berlin"})
    bob_client.post("/couple/leave/")
    _invitation, token = services.invite_partner(couple=couple, inviter=alice)
    fay = UserFactory.create(display_name="Fay")
    client_for(fay).post(f"/join/{token}/")

    fays = " ".join(client_for(fay).get("/couple/").content.decode().split())
    assert "Fay joined the space" in fays
    assert "updated the space" not in fays
    assert "left the space" not in fays
    alices = " ".join(alice_client.get("/couple/").content.decode().split())
    assert "Alice updated the space" in alices
    assert "A former partner left the space" in alices


# What leaving closes, and how the partner who stays is told.


def test_leaving_withdraws_the_leavers_open_proposals_and_their_step(
    couple: Couple, alice: User, bob: User, bob_client: Client
) -> None:
    proposal = agreements.create_agreement(
        couple=couple, by=bob, title="Evenings", category=Category.HOME,
        terms=agreements.Terms(text="Phones away after nine."),
    )  # fmt: skip
    now = timezone.now()
    week = CheckIn.objects.create(
        couple=couple, week_start=current_week(couple), revealed_at=now,
        next_step="A walk on Sunday", next_step_by=bob, next_step_at=now,
    )  # fmt: skip
    bob_client.post("/couple/leave/", {"tell_partner": "email"})
    proposal.refresh_from_db()
    week.refresh_from_db()
    assert proposal.status == AgreementVersion.Status.WITHDRAWN
    assert (week.next_step, week.next_step_by, week.closed_at) == ("", None, None)


def test_leaving_ends_the_pause_the_leaver_asked_for(
    couple: Couple, bob: User, alice_client: Client, bob_client: Client, words: Words
) -> None:
    bob_client.post("/pause/", {"phrase": "own", "own_words": "I need a breather", "minutes": 30})
    assert "asked for a pause" in words(alice_client.get("/pause/"))
    bob_client.post("/couple/leave/", {"tell_partner": "email"})
    pause = PauseSignal.objects.get()
    assert pause.ended_at is not None
    assert pause.end_reason == PauseSignal.EndReason.SENDER
    assert "asked for a pause" not in words(alice_client.get("/pause/"))


def test_reminders_to_the_leaver_stop_at_once(
    couple: Couple,
    alice: User,
    bob: User,
    bob_client: Client,
    capture: DjangoCaptureOnCommitCallbacks,
) -> None:
    schedule = Schedule.objects.for_couple(couple).get()
    reminder_at = schedule.first_reminder_after(timezone.now())
    assert reminder_at is not None
    occurrence = schedule.next_occurrences(after=reminder_at, count=1)[0]
    queued = ReminderDelivery.objects.create(
        schedule=schedule, occurrence_start=occurrence, recipient=bob, offset_minutes=60
    )
    ReminderOptOut.objects.create(schedule=schedule, user=bob, offset_minutes=1440)

    bob_client.post("/couple/leave/", {"tell_partner": "next_visit"})

    queued.refresh_from_db()
    assert queued.status == ReminderDelivery.Status.SKIPPED
    assert not ReminderOptOut.objects.filter(user=bob).exists()
    schedule_tasks.send_reminder(queued.pk)
    with time_machine.travel(reminder_at + timedelta(seconds=1), tick=False), capture(execute=True):
        schedule_tasks.dispatch_reminders()
    assert {address for m in mail.outbox for address in m.to} == {alice.email}


def test_the_partner_is_emailed_once_now_when_the_leaver_chooses_email(
    couple: Couple, alice: User, alice_client: Client, bob_client: Client, capture: DjangoCaptureOnCommitCallbacks,
    words: Words,
) -> None:  # fmt: skip
    with capture(execute=True):
        bob_client.post("/couple/leave/", {"tell_partner": "email"})
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert mail.outbox[0].subject == "A change in your space on Hearth"
    assert "has left it" in mail.outbox[0].body
    assert "Bob" not in mail.outbox[0].body
    assert "Your partner has left the space." not in words(alice_client.get("/"))
    assert not Membership.objects.get(user=alice).partner_left_notice


def test_the_partner_is_told_once_on_their_next_visit_when_the_leaver_chooses_so(
    couple: Couple,
    alice_client: Client,
    bob_client: Client,
    capture: DjangoCaptureOnCommitCallbacks,
    words: Words,
) -> None:
    with capture(execute=True):
        bob_client.post("/couple/leave/", {"tell_partner": "next_visit"})
    assert mail.outbox == []
    assert "Your partner has left the space." in words(alice_client.get("/checkins/"))
    for path in ("/checkins/", "/", "/couple/"):
        assert "Your partner has left the space." not in words(alice_client.get(path)), path


def test_the_leave_page_offers_both_ways_with_email_chosen(
    couple: Couple, bob_client: Client, words: Words
) -> None:
    page = bob_client.get("/couple/leave/").content.decode()
    assert re.search(r'value="email"[^>]*checked', page)
    assert "Tell them the next time they open Hearth" in words(page)
    assert "ends a pause you asked for" in words(page)


@pytest.mark.parametrize("entries", [1, 20])
def test_the_leave_page_answers_in_the_same_queries_whatever_happened_before(
    couple: Couple, bob: User, bob_client: Client, entries: int, queries: DjangoAssertNumQueries
) -> None:
    for n in range(entries):
        log(couple=couple, actor=bob, message=f"did thing {n}")
    # The session, the user, allauth's three questions about two-factor while it checks that
    # the password was entered lately, the membership with its couple, the pause banner.
    with queries(7):
        assert bob_client.get("/couple/leave/").status_code == 200


def test_the_partner_is_told_on_the_page_after_a_redirect_and_not_by_a_poll(
    couple: Couple, alice_client: Client, bob_client: Client, words: Words
) -> None:
    bob_client.post("/couple/leave/", {"tell_partner": "next_visit"})
    # No pause is open: the banner's poll answers "nothing changed".
    poll = alice_client.get("/pause/banner/", {"v": "0"}, HTTP_HX_REQUEST="true")
    assert poll.status_code == 204
    redirected = alice_client.get("/checkins/this-week/")
    assert redirected.status_code == 302
    page = alice_client.get(redirected.headers["Location"])
    assert "Your partner has left the space." in words(page)
    assert "Your partner has left the space." not in words(alice_client.get("/"))
