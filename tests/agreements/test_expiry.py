from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from agreements import tasks
from agreements.models import Agreement, AgreementVersion
from couples.models import Couple, User
from notices.services import KINDS
from tests.support.agreements import AtTheSameInstant, Propose, agreed

Status = AgreementVersion.Status
LATER = timedelta(days=14, minutes=1)


@pytest.mark.django_db(transaction=True)
def test_the_expiry_task_run_twice_at_once_expires_each_proposal_once(
    couple: Couple, alice: User, bob: User, propose: Propose, at_the_same_instant: AtTheSameInstant
) -> None:
    first = propose(agreed(couple, alice, bob, title="Phones"), alice, "No phones at all.")
    second = propose(agreed(couple, alice, bob, title="Chores"), bob, "Chores on Sunday.")
    mail.outbox.clear()

    with time_machine.travel(timezone.now() + LATER):
        at_the_same_instant(tasks.expire_proposals.delay, tasks.expire_proposals.delay)

    for proposal in (first, second):
        proposal.refresh_from_db()
        assert proposal.status == Status.EXPIRED
    assert couple.activity.filter(message__contains="expire after 14 days").count() == 2
    recipients = sorted(to for m in mail.outbox for to in m.to)
    assert recipients == ["alice@example.com"] * 2 + ["bob@example.com"] * 2
    assert all(m.subject == "An update in Hearth" for m in mail.outbox)
    assert all("closed after 14 days without an answer" in m.body for m in mail.outbox)


def test_running_the_task_again_changes_nothing(
    couple: Couple, alice: User, bob: User, phones: Agreement, propose: Propose
) -> None:
    proposal = propose(phones, alice, "No phones at all.")
    with time_machine.travel(timezone.now() + LATER):
        tasks.expire_proposals.delay()
        tasks.expire_proposals.delay()
    proposal.refresh_from_db()
    assert proposal.status == Status.EXPIRED
    assert couple.activity.filter(message__contains="expire").count() == 1


def test_an_overdue_proposal_shows_as_expired_and_cannot_be_accepted_before_the_task_runs(
    couple: Couple, alice: User, phones: Agreement, bob_client: Client, propose: Propose
) -> None:
    proposal = propose(phones, alice, "No phones at all.")
    with time_machine.travel(timezone.now() + LATER):
        page = bob_client.get(f"/agreements/{phones.pk}/").content.decode()
        assert "Expired after 14 days" in page
        assert "/accept/" not in page
        assert "Waiting for your answer" not in bob_client.get("/agreements/").content.decode()
        response = bob_client.post(
            f"/agreements/{phones.pk}/accept/", {"proposal": proposal.pk}, follow=True
        )
    assert "That proposal is no longer open (expired)" in response.content.decode()
    phones.refresh_from_db()
    assert phones.version == 1


def test_a_new_proposal_after_an_overdue_one_expires_the_old_one(
    couple: Couple, alice: User, bob: User, phones: Agreement, propose: Propose
) -> None:
    old = propose(phones, alice, "No phones at all.")
    with time_machine.travel(timezone.now() + LATER):
        new = propose(phones, bob, "Phones in the hallway.")
    old.refresh_from_db()
    assert (old.status, new.status) == (Status.EXPIRED, Status.OPEN)


@pytest.mark.django_db(transaction=True)
def test_a_partner_who_turned_emails_off_gets_none(
    couple: Couple, alice: User, bob: User, bob_client: Client, propose: Propose
) -> None:
    choices = {f"notify-{kind}": "hearth" for kind in KINDS}
    bob_client.post("/settings/notifications/", choices)
    phones = agreed(couple, alice, bob)
    mail.outbox.clear()
    propose(phones, alice, "No phones at all.")
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + LATER):
        tasks.expire_proposals.delay()
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_beat_runs_the_expiry_task_regularly(settings: Settings) -> None:
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["expire-agreement-proposals"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] <= 60 * 60


def test_the_email_about_a_waiting_proposal_is_neutral_and_links_to_it(
    couple: Couple,
    alice: User,
    bob: User,
    phones: Agreement,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    propose: Propose,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        propose(phones, alice, "No phones at all, not even for the weather.")
    [message] = mail.outbox
    assert message.to == ["bob@example.com"]
    assert message.subject == "Something in Hearth awaits your answer"
    assert f"/agreements/{phones.pk}/" in message.body
    assert "phones" not in message.body.lower()
    assert "it stays open for 14 days" in message.body
    assert isinstance(message, mail.EmailMultiAlternatives)
    assert "it stays open for 14 days" in str(message.alternatives[0].content)  # type: ignore[attr-defined]  # django-stubs: plain tuples
