"""The whole consent lifecycle through the pages, as two partners use it, with the text in
force checked at every step. CI runs it on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from agreements import tasks
from agreements.models import Agreement, AgreementVersion
from core.models import ActivityEntry
from couples.models import Couple
from tests.support.pages import markup

Status = AgreementVersion.Status


def in_force(agreement: Agreement) -> str | None:
    agreement.refresh_from_db()
    return agreement.current.text if agreement.current else None


def open_proposal(agreement: Agreement) -> AgreementVersion:
    return agreement.versions.get(status=Status.OPEN)


def page(client: Client, path: str) -> str:
    return markup(client.get(path))


def propose(client: Client, agreement: Agreement, words: str, **extra: object) -> None:
    """Propose as the form does: based on the version in force, answering the open proposal."""
    agreement.refresh_from_db()
    answering = agreement.versions.filter(status=Status.OPEN).first()
    data = {
        "text": words,
        "base_version": agreement.version,
        "counters": answering.pk if answering else "",
        "note": "",
        **extra,
    }
    response = client.post(f"/agreements/{agreement.pk}/propose/", data)
    assert response.status_code == 302, response.content.decode()
    # A refusal of the page redirects too: the proposal itself must be there, waiting.
    assert open_proposal(agreement).text == words


# Real commits, so the emails queued on commit go out at each step.
@pytest.mark.django_db(transaction=True)
def test_the_whole_consent_lifecycle(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    # Alice proposes a new agreement: nothing is in force until Bob says yes.
    response = alice_client.post(
        "/agreements/new/",
        {
            "title": "Phones at dinner",
            "category": "digital",
            "text": "No phones at dinner.",
            "base_version": 0,
        },
    )
    agreement = Agreement.objects.get(couple=couple)
    assert response.headers["Location"] == f"/agreements/{agreement.pk}/"
    assert in_force(agreement) is None
    assert agreement.status == Agreement.Status.PROPOSED
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert "Phones" not in mail.outbox[0].subject
    assert "Waiting for your answer" in page(bob_client, "/agreements/")

    # Bob counter-proposes; Alice's proposal is answered, Bob's now waits for Alice.
    propose(bob_client, agreement, "No phones at dinner, except when on call.")
    assert in_force(agreement) is None
    proposer = open_proposal(agreement).proposed_by
    assert proposer is not None
    assert proposer.display_name == "Bob"
    assert mail.outbox[-1].to == ["alice@example.com"]

    # Alice accepts: version 1 is in force.
    proposal = open_proposal(agreement)
    alice_client.post(f"/agreements/{agreement.pk}/accept/", {"proposal": proposal.pk})
    assert in_force(agreement) == "No phones at dinner, except when on call."
    assert agreement.status == Agreement.Status.ACTIVE
    assert agreement.version == 1
    assert "No phones at dinner, except when on call." in page(
        bob_client, f"/agreements/{agreement.pk}/"
    )

    # Alice proposes a change, Bob declines with a reason: version 1 stays in force.
    propose(alice_client, agreement, "No phones at any meal.")
    proposal = open_proposal(agreement)
    bob_client.post(
        f"/agreements/{agreement.pk}/decline/",
        {"proposal": proposal.pk, "reason": "Breakfast is when I read the news."},
    )
    assert in_force(agreement) == "No phones at dinner, except when on call."
    assert "Breakfast is when I read the news." in page(
        alice_client, f"/agreements/{agreement.pk}/"
    )

    # Alice proposes again and withdraws it: nothing changes.
    propose(alice_client, agreement, "No phones at dinner or lunch.")
    proposal = open_proposal(agreement)
    alice_client.post(f"/agreements/{agreement.pk}/withdraw/", {"proposal": proposal.pk})
    assert in_force(agreement) == "No phones at dinner, except when on call."
    assert not agreement.versions.filter(status=Status.OPEN).exists()

    # Bob proposes a change that nobody answers: after 14 days it expires.
    propose(bob_client, agreement, "No phones at dinner, ever.")
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        tasks.expire_proposals.delay()
    assert agreement.versions.get(text="No phones at dinner, ever.").status == Status.EXPIRED
    assert in_force(agreement) == "No phones at dinner, except when on call."

    # Bob proposes retiring it; it stays in force until Alice accepts, then it is retired.
    bob_client.post(
        f"/agreements/{agreement.pk}/retire/", {"base_version": 1, "note": "We don't need it."}
    )
    assert in_force(agreement) == "No phones at dinner, except when on call."
    assert agreement.status == Agreement.Status.ACTIVE
    proposal = open_proposal(agreement)
    response = alice_client.post(
        f"/agreements/{agreement.pk}/accept/", {"proposal": proposal.pk}, follow=True
    )
    assert "Retired. It stays here, with its history." in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.RETIRED
    assert in_force(agreement) == "No phones at dinner, except when on call."

    history = page(alice_client, f"/agreements/{agreement.pk}/")
    assert "Version 1 by Bob" in history
    assert "Declined by Bob" in history
    assert "Withdrawn on" in history
    assert "Expired after 14 days" in history
    assert "Retired" in page(alice_client, "/agreements/")

    activity = [
        f"{e.actor.display_name if e.actor else ''} {e.message}"
        for e in ActivityEntry.objects.filter(couple=couple).order_by("id")
    ]
    assert activity[-11:] == [
        "Alice proposed a new agreement: “Phones at dinner”",
        "Bob answered with a counter-proposal for “Phones at dinner”",
        "Alice accepted the proposal for “Phones at dinner”; it is now in force",
        "Alice proposed a change to “Phones at dinner”",
        "Bob declined the proposal for “Phones at dinner”",
        "Alice proposed a change to “Phones at dinner”",
        "Alice withdrew the proposal for “Phones at dinner”",
        "Bob proposed a change to “Phones at dinner”",
        "Bob had a proposal for “Phones at dinner” expire after 14 days",
        "Bob proposed retiring “Phones at dinner”",
        "Alice agreed to retire “Phones at dinner”",
    ]
    assert "Alice agreed to retire" in page(bob_client, "/couple/")
