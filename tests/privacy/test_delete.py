"""Deleting an account: what the person kept private is erased, row by row; what they shared
stays with the partner as a former partner's; every session of theirs ends; the partner is told
once; reminders to them stop; an empty space goes; the address can sign up again.

Bob's words carry a "bob-" marker, so no page can show one unnoticed."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from agreements import services as agreements
from agreements.models import (
    Agreement,
    AgreementVersion,
    Category,
    PauseSignal,
)
from checkins.models import CheckIn, Entry, Reflection, current_week
from core.models import ActivityEntry
from couples.models import Couple, Invitation, Membership, User
from notices.models import NotificationPreference, Unread
from schedules import tasks as schedule_tasks
from schedules.models import CalendarFeed, ReminderDelivery, ReminderOptOut, Schedule
from tests.factories import PASSWORD
from tests.support.pages import Response
from tests.support.people import join_as_new_partner
from toolkit.models import Repair, SavedTopic, TriggerScript


def signed_in_for_real(user: User) -> Client:
    """A second browser of `user`'s, signed in through the login page as a person does."""
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return client


def last_week(couple: Couple) -> CheckIn:
    return CheckIn.objects.get(couple=couple, week_start=current_week(couple) - timedelta(weeks=1))


@pytest.fixture
def other_browser(bob: User) -> Client:
    """Bob signed in on a second device too (before he turned two-factor on)."""
    return signed_in_for_real(bob)


@pytest.fixture
def lived_in(couple: Couple, alice: User, bob: User, other_browser: Client) -> Couple:
    """Alice and Bob's space with something of every kind in it. Bob's words are marked "bob-",
    except the wording of the agreement in force: the couple's rule, which carries over to
    whoever joins."""
    now = timezone.now()
    # Last week both shared and it opened; Bob said what he heard in Alice's challenge and
    # proposed the step they closed the week with.
    week = CheckIn.objects.create(
        couple=couple,
        week_start=current_week(couple) - timedelta(weeks=1),
        revealed_at=now,
        next_step="bob-step",
        next_step_by=bob,
        next_step_at=now,
        closed_at=now,
    )
    alices = Entry.objects.create(
        checkin=week, author=alice, small_win="alice-win", challenge="alice-challenge",
        shared_at=now, revealed_at=now,
    )  # fmt: skip
    Entry.objects.create(
        checkin=week, author=bob, small_win="bob-revealed-win", challenge="bob-revealed-c",
        shared_at=now, revealed_at=now,
    )  # fmt: skip
    Reflection.objects.create(entry=alices, listener=bob, heard="bob-heard", answer="yes")
    # This week Bob shared, Alice has not: Bob's entry is unrevealed. And a draft of Alice's.
    this_week = CheckIn.objects.create(couple=couple, week_start=current_week(couple))
    Entry.objects.create(
        checkin=this_week, author=bob, small_win="bob-unrevealed", challenge="bob-unrevealed-c",
        shared_at=now,
    )  # fmt: skip
    Entry.objects.create(checkin=this_week, author=alice, small_win="alice-draft")
    # An agreement Bob proposed and Alice accepted, then a change of Bob's still open.
    proposal = agreements.create_agreement(
        couple=couple, by=bob, title="Evenings", category=Category.HOME,
        terms=agreements.Terms(text="We keep our evenings calm."),
    )  # fmt: skip
    agreements.accept(agreement=proposal.agreement, proposal_id=proposal.pk, by=alice)
    agreements.propose_change(
        agreement=proposal.agreement, by=bob, base_version=1,
        terms=agreements.Terms(text="bob-open-change"),
    )  # fmt: skip
    # A pause Bob asked for and ended, a repair of his, his private toolkit.
    pause = PauseSignal.objects.create(
        couple=couple, sender=bob, phrase="bob-pause", started_at=now - timedelta(hours=2),
        returns_at=now - timedelta(hours=1), ended_at=now - timedelta(hours=1),
        end_reason=PauseSignal.EndReason.SENDER,
    )  # fmt: skip
    assert pause.pk
    Repair.objects.create(
        couple=couple, author=bob, acknowledgement="bob-ack", apology="bob-sorry",
        plan="bob-plan", follow_up_on=timezone.localdate(),
    )  # fmt: skip
    TriggerScript.objects.create(couple=couple, author=bob, when_i_notice="bob-private", i_will="x")
    TriggerScript.objects.create(
        couple=couple, author=bob, when_i_notice="bob-shared", i_will="y", shared_at=now
    )
    SavedTopic.objects.create(couple=couple, author=bob, topic="bob-topic", note="bob-note")
    # His reminder choices, a reminder queued for him, his calendar feed and email choices.
    schedule = Schedule.objects.for_couple(couple).get()
    ReminderOptOut.objects.create(schedule=schedule, user=bob, offset_minutes=1440)
    ReminderDelivery.objects.create(
        schedule=schedule, occurrence_start=now + timedelta(hours=1), recipient=bob,
        offset_minutes=60,
    )  # fmt: skip
    CalendarFeed.objects.create(user=bob, token="bob-feed")
    NotificationPreference.objects.filter(user=bob).update(pause="email", quiet_start="22:00")
    Unread.objects.create(reader=bob, couple=couple, area="checkins", kind="entry", thing_id=1)
    Authenticator.objects.create(user=bob, type=Authenticator.Type.TOTP, data={"secret": "s"})
    Invitation.objects.create(
        couple=couple, invited_by=alice, email=bob.email, token_hash="h", expires_at=now,
        accepted_at=now, accepted_by=bob,
    )  # fmt: skip
    return couple


def bobs_private_rows(bob_id: int) -> dict[str, int]:
    """Rows private to Bob, by table."""
    of_bob: dict[type[models.Model], models.Q] = {
        Entry: models.Q(author_id=bob_id, revealed_at__isnull=True),
        TriggerScript: models.Q(author_id=bob_id),
        SavedTopic: models.Q(author_id=bob_id),
        ReminderOptOut: models.Q(user_id=bob_id),
        ReminderDelivery: models.Q(recipient_id=bob_id),
        CalendarFeed: models.Q(user_id=bob_id),
        NotificationPreference: models.Q(user_id=bob_id),
        Unread: models.Q(reader_id=bob_id),
        Authenticator: models.Q(user_id=bob_id),
        UserSession: models.Q(user_id=bob_id),
        Invitation: models.Q(accepted_by_id=bob_id),
        Membership: models.Q(user_id=bob_id),
        User: models.Q(pk=bob_id),
    }
    rows = {model.__name__: model._default_manager.filter(q).count() for model, q in of_bob.items()}
    rows["EmailAddress"] = EmailAddress.objects.filter(user_id=bob_id).count()
    return rows


SHARED = (CheckIn, Entry, Reflection, Agreement, AgreementVersion, PauseSignal, Repair)


def shared_rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SHARED}


def delete(client: Client, **data: str) -> Response:
    return client.post("/settings/delete/", {"confirm": "on", **data})


def test_deleting_erases_every_private_row_and_keeps_every_shared_one(
    lived_in: Couple, bob: User, bob_client: Client
) -> None:
    before = bobs_private_rows(bob.pk)
    assert all(before.values()), before
    shared_before = shared_rows()

    response = delete(bob_client)

    assert response.status_code == 302
    assert bobs_private_rows(bob.pk) == dict.fromkeys(before, 0)
    # Only Bob's one unrevealed entry went; every shared row stayed, no longer naming him.
    assert shared_rows() == {**shared_before, "Entry": shared_before["Entry"] - 1}
    assert not Entry.objects.filter(small_win="bob-unrevealed").exists()
    assert Entry.objects.get(small_win="bob-revealed-win").author is None
    assert Reflection.objects.get(heard="bob-heard").listener is None
    assert AgreementVersion.objects.get(text="We keep our evenings calm.").proposed_by is None
    assert PauseSignal.objects.get(phrase="bob-pause").sender is None
    assert Repair.objects.get().author is None
    assert CheckIn.objects.get(next_step="bob-step").next_step_by is None
    assert not ActivityEntry.objects.filter(actor_id=bob.pk).exists()


def test_the_partner_reads_what_was_shared_as_a_former_partners(
    lived_in: Couple, alice_client: Client, bob_client: Client, words: Callable[..., str]
) -> None:
    delete(bob_client)
    week = words(alice_client.get(f"/checkins/{last_week(lived_in).label}/"))
    assert "A former partner" in week
    assert "bob-revealed-win" in week
    assert "What I heard is bob-heard" in week
    assert "Bob" not in week
    evenings = Agreement.objects.get(title="Evenings")
    agreement = words(alice_client.get(f"/agreements/{evenings.pk}/"))
    assert "Version 1 by A former partner" in agreement
    assert "We keep our evenings calm." in agreement
    assert "bob-open-change" in agreement  # withdrawn, and kept in the history
    assert "Withdrawn" in agreement
    repair = words(alice_client.get(f"/toolkit/repairs/{Repair.objects.get().pk}/"))
    assert "By a former partner" in repair
    couple_page = words(alice_client.get("/couple/"))
    assert "A former partner left the space" in couple_page
    assert "Bob ·" not in couple_page
    this_week = words(alice_client.get(f"/checkins/{current_week(lived_in):%G-W%V}/"))
    assert "bob-unrevealed" not in this_week


def test_every_session_of_the_person_ends_at_once(
    lived_in: Couple, bob_client: Client, other_browser: Client
) -> None:
    other = other_browser
    other_key = other.cookies["sessionid"].value
    assert other.get("/settings/").status_code == 200

    delete(bob_client)

    assert not Session.objects.filter(session_key=other_key).exists()
    assert not UserSession.objects.exists()
    assert "Your account is deleted." in bob_client.get("/").content.decode()
    for client in (other, bob_client):
        response = client.get("/settings/")
        assert response.headers["Location"].startswith("/accounts/login/")


def test_the_partner_is_emailed_once_with_a_neutral_subject(
    lived_in: Couple,
    alice: User,
    bob_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        delete(bob_client)
    assert [m.to for m in mail.outbox] == [[alice.email]]
    message = mail.outbox[0]
    assert message.subject == "A change in your space on Hearth"
    assert "closed their Hearth account" in message.body
    assert "Bob" not in message.body


def test_no_reminder_reaches_the_person_after_deleting(
    lived_in: Couple,
    alice: User,
    bob: User,
    bob_client: Client,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    schedule = Schedule.objects.for_couple(lived_in).get()
    queued = ReminderDelivery.objects.get(recipient=bob)
    delete(bob_client)
    # The message already queued for Bob's reminder finds nothing to send.
    schedule_tasks.send_reminder(queued.pk)
    assert mail.outbox == []
    # The next real dispatch reminds Alice alone.
    reminder_at = schedule.first_reminder_after(timezone.now())
    assert reminder_at is not None
    with (
        time_machine.travel(reminder_at + timedelta(seconds=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        schedule_tasks.dispatch_reminders()
    assert mail.outbox
    assert {address for m in mail.outbox for address in m.to} == {alice.email}


def test_a_space_left_with_nobody_is_deleted_with_everything_in_it(
    charlie: User, charlie_client: Client
) -> None:
    couple = Couple.objects.get()
    TriggerScript.objects.create(couple=couple, author=charlie, when_i_notice="c", i_will="d")
    CheckIn.objects.create(couple=couple, week_start=current_week(couple))
    delete(charlie_client)
    assert not Couple.objects.exists()
    for model in (CheckIn, Schedule, TriggerScript, ActivityEntry, Membership, User):
        assert not model.objects.exists(), model.__name__


def test_the_address_can_sign_up_again(lived_in: Couple, bob_client: Client) -> None:
    delete(bob_client)
    response = Client().post(
        "/accounts/signup/",
        {
            "email": "bob@example.com",
            "password1": "a new calm morning",
            "password2": "a new calm morning",
            "display_name": "Bob again",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert User.objects.get(email="bob@example.com").display_name == "Bob again"


def test_someone_who_joins_afterwards_reads_none_of_the_deleted_persons_words(
    lived_in: Couple, alice_client: Client, bob_client: Client
) -> None:
    delete(bob_client)
    _fay, fay_client = join_as_new_partner(alice_client, "Fay")
    evenings = Agreement.objects.get(title="Evenings")
    paths = [
        "/",
        "/couple/",
        "/checkins/",
        "/checkins/this-week/",
        f"/checkins/{last_week(lived_in).label}/",
        "/agreements/",
        f"/agreements/{evenings.pk}/",
        "/toolkit/",
        "/pause/",
        "/schedule/",
        "/checkins/?q=bob",
    ]
    for path in paths:
        page = fay_client.get(path, follow=True).content.decode().replace("q=bob", "")
        page = page.replace('value="bob"', "")
        assert not re.search(r"bob-", page), path


def test_without_the_box_ticked_nothing_is_deleted(
    lived_in: Couple, bob: User, bob_client: Client, words: Callable[..., str]
) -> None:
    response = bob_client.post("/settings/delete/", {})
    assert response.status_code == 200
    assert "Tick the box to confirm. Nothing has been deleted." in words(response)
    assert User.objects.filter(pk=bob.pk).exists()


def test_the_page_says_what_is_erased_and_what_stays(
    lived_in: Couple, bob_client: Client, words: Callable[..., str]
) -> None:
    page = words(bob_client.get("/settings/delete/"))
    assert "What is erased" in page
    assert "Your trigger scripts and your topics saved for therapy" in page
    assert "What stays with your partner" in page
    assert "shown as written by “a former partner”" in page
    assert "Delete your account" in words(bob_client.get("/settings/"))


def test_an_anonymous_visitor_is_sent_to_log_in(db: None) -> None:
    response = Client().get("/settings/delete/")
    assert response.headers["Location"] == "/accounts/login/?next=/settings/delete/"


def test_the_page_answers_in_the_same_queries_whatever_was_written(
    lived_in: Couple,
    bob: User,
    bob_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    counts = []
    for size in (1, 20):
        TriggerScript.objects.filter(author=bob).delete()
        for n in range(size):
            TriggerScript.objects.create(
                couple=lived_in, author=bob, when_i_notice=f"bob-{n}", i_will="x"
            )
        with django_assert_num_queries(QUERIES) as captured:
            assert bob_client.get("/settings/delete/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# The session, the user, allauth's three questions about two-factor while it checks that the
# password was entered lately, the membership with its couple, and the pause banner.
QUERIES = 7
