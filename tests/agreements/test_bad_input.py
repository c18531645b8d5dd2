"""Every refusal says why in words and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from agreements import services
from agreements.models import TEXT_MAX_LENGTH, Agreement, AgreementVersion
from core.models import ActivityEntry
from couples.models import Couple, User
from tests.support.agreements import Propose
from tests.support.pages import markup

Status = AgreementVersion.Status


def snapshot(agreement: Agreement) -> tuple[object, ...]:
    agreement.refresh_from_db()
    versions = list(agreement.versions.values_list("pk", "status", "text").order_by("pk"))
    return agreement.version, agreement.status, versions, ActivityEntry.objects.count()


NEW = {"title": "Phones", "category": "digital", "text": "No phones at dinner."}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": "   \n "}, "Write the agreement&#x27;s text."),
        ({"text": "x" * (TEXT_MAX_LENGTH + 1)}, "at most 5000 characters"),
        ({"title": ""}, "This field is required."),
        ({"title": "t" * 121}, "at most 120 characters"),
        ({"category": "secret-plans"}, "Choose a category from the list."),
    ],
)
def test_a_bad_new_agreement_is_refused_and_what_was_typed_is_kept(
    alice_client: Client, change: dict[str, str], message: str
) -> None:
    data = {**NEW, "note": "Let's try this", **change}
    response = alice_client.post("/agreements/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "Let&#x27;s try this" in page
    assert not Agreement.objects.exists()
    assert not ActivityEntry.objects.filter(message__contains="agreement").exists()


def test_a_change_with_empty_text_is_refused(phones: Agreement, alice_client: Client) -> None:
    before = snapshot(phones)
    response = alice_client.post(
        f"/agreements/{phones.pk}/propose/", {"text": "", "base_version": 1}
    )
    assert "This field is required." in response.content.decode()
    assert snapshot(phones) == before


def test_a_retired_agreement_cannot_change(
    phones: Agreement, alice: User, bob: User, alice_client: Client
) -> None:
    proposal = services.propose_retirement(agreement=phones, by=alice, note="", base_version=1)
    services.accept(agreement=phones, proposal_id=proposal.pk, by=bob)
    before = snapshot(phones)

    response = alice_client.get(f"/agreements/{phones.pk}/propose/", follow=True)
    assert "This agreement was retired, so it can no longer change." in markup(response)
    response = alice_client.post(
        f"/agreements/{phones.pk}/propose/", {"text": "Back again", "base_version": 1}, follow=True
    )
    assert "This agreement was retired, so it can no longer change." in markup(response)
    response = alice_client.post(
        f"/agreements/{phones.pk}/retire/", {"base_version": 1}, follow=True
    )
    assert "This agreement was retired" in markup(response)
    assert snapshot(phones) == before


def test_accepting_ones_own_proposal_is_refused(
    phones: Agreement, alice: User, alice_client: Client, propose: Propose
) -> None:
    proposal = propose(phones, alice, "No phones at all.")
    before = snapshot(phones)
    response = alice_client.post(
        f"/agreements/{phones.pk}/accept/", {"proposal": proposal.pk}, follow=True
    )
    assert "You proposed this, so you have already said yes." in markup(response)
    assert snapshot(phones) == before


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_answering_a_withdrawn_proposal_is_refused(
    phones: Agreement, alice: User, bob_client: Client, action: str, propose: Propose
) -> None:
    proposal = propose(phones, alice, "No phones at all.")
    services.withdraw(agreement=phones, proposal_id=proposal.pk, by=alice)
    before = snapshot(phones)
    response = bob_client.post(
        f"/agreements/{phones.pk}/{action}/",
        {"proposal": proposal.pk, "reason": "Not yet"},
        follow=True,
    )
    assert "That proposal is no longer open (withdrawn)" in markup(response)
    assert snapshot(phones) == before


def test_only_the_proposer_can_withdraw(
    phones: Agreement, alice: User, bob_client: Client, propose: Propose
) -> None:
    proposal = propose(phones, alice, "No phones at all.")
    before = snapshot(phones)
    response = bob_client.post(
        f"/agreements/{phones.pk}/withdraw/", {"proposal": proposal.pk}, follow=True
    )
    assert "Only the partner who proposed it can withdraw a proposal." in markup(response)
    assert snapshot(phones) == before


def test_declining_needs_a_reason(
    phones: Agreement, alice: User, bob_client: Client, propose: Propose
) -> None:
    proposal = propose(phones, alice, "No phones at all.")
    before = snapshot(phones)
    response = bob_client.post(
        f"/agreements/{phones.pk}/decline/", {"proposal": proposal.pk, "reason": ""}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert snapshot(phones) == before


def test_a_forged_proposal_id_is_refused(
    phones: Agreement, couple: Couple, alice: User, bob: User, bob_client: Client
) -> None:
    other = services.create_agreement(
        couple=couple, by=alice, title="Other", category="other", terms=services.Terms(text="x")
    )
    before = snapshot(phones)
    for forged in ("abc", "", "²", str(other.pk)):
        response = bob_client.post(
            f"/agreements/{phones.pk}/accept/", {"proposal": forged}, follow=True
        )
        assert "That proposal doesn't belong to this agreement." in markup(response)
    assert snapshot(phones) == before


def test_another_couples_agreement_is_not_found(
    phones: Agreement, alice: User, charlie_client: Client, propose: Propose
) -> None:
    proposal = propose(phones, alice, "No phones at all.")
    before = snapshot(phones)
    assert charlie_client.get(f"/agreements/{phones.pk}/").status_code == 404
    response = charlie_client.post(f"/agreements/{phones.pk}/accept/", {"proposal": proposal.pk})
    assert response.status_code == 404
    assert snapshot(phones) == before


def test_a_change_written_for_an_older_version_is_refused_and_the_text_kept(
    phones: Agreement, alice: User, bob: User, alice_client: Client, propose: Propose
) -> None:
    proposal = propose(phones, bob, "Version 2 words.")
    services.accept(agreement=phones, proposal_id=proposal.pk, by=alice)
    before = snapshot(phones)
    response = alice_client.post(
        f"/agreements/{phones.pk}/propose/",
        {"text": "Written while looking at 1", "base_version": 1},
    )
    page = markup(response)
    assert "While you were writing, version 2 was accepted." in page
    assert "Written while looking at 1" in page
    assert 'name="base_version" value="2"' in page
    assert snapshot(phones) == before


def test_accepting_a_proposal_based_on_an_older_version_is_refused(
    phones: Agreement, alice: User, bob: User, bob_client: Client
) -> None:
    # A proposal whose base is no longer current (written straight to the database: the
    # services never let one be opened).
    stale = phones.versions.create(
        text="Old idea",
        base_version=0,
        proposed_by=alice,
        expires_at=timezone.now() + timedelta(days=1),
    )
    before = snapshot(phones)
    response = bob_client.post(
        f"/agreements/{phones.pk}/accept/", {"proposal": stale.pk}, follow=True
    )
    assert "This proposal was written for an earlier version" in markup(response)
    assert snapshot(phones) == before


def test_a_declined_proposal_cannot_come_back_unchanged_within_7_days(
    phones: Agreement, alice: User, bob: User, alice_client: Client, propose: Propose
) -> None:
    proposal = propose(phones, alice, "No phones at all.")
    services.decline(agreement=phones, proposal_id=proposal.pk, by=bob, reason="Too strict")
    before = snapshot(phones)
    data = {"text": "No phones at all.", "base_version": 1}
    response = alice_client.post(f"/agreements/{phones.pk}/propose/", data)
    assert "declined this same proposal less than 7 days ago" in markup(response)
    assert snapshot(phones) == before

    # Changed words may be proposed at once; the same words once 7 days have passed.
    changed = {**data, "text": "No phones at all, mostly."}
    alice_client.post(f"/agreements/{phones.pk}/propose/", changed)
    waiting = phones.versions.get(status=Status.OPEN)
    assert (waiting.text, waiting.proposed_by) == ("No phones at all, mostly.", alice)
    services.withdraw(agreement=phones, proposal_id=waiting.pk, by=alice)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = alice_client.post(f"/agreements/{phones.pk}/propose/", data, follow=True)
    assert "Proposed. Your partner will find it waiting." in markup(response)
    assert phones.versions.get(status=Status.OPEN).text == "No phones at all."


def test_proposing_the_text_already_in_force_is_refused(
    phones: Agreement, alice_client: Client
) -> None:
    before = snapshot(phones)
    data = {"text": phones.current.text, "base_version": 1}  # type: ignore[union-attr]
    response = alice_client.post(f"/agreements/{phones.pk}/propose/", data)
    assert "That is the text already in force." in markup(response)
    assert snapshot(phones) == before


def test_a_second_proposal_while_mine_waits_is_refused(
    phones: Agreement, alice: User, alice_client: Client, propose: Propose
) -> None:
    propose(phones, alice, "No phones at all.")
    before = snapshot(phones)
    response = alice_client.get(f"/agreements/{phones.pk}/propose/", follow=True)
    assert "Your proposal is still waiting." in markup(response)
    assert snapshot(phones) == before
