"""Two partners acting at the same instant, in two threads with their own database
connections. On PostgreSQL they race for the agreement's row lock; SQLite (IMMEDIATE
transactions) serialises them. Either way exactly one wins and nothing is lost."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from agreements import services
from agreements.models import AgreementVersion
from couples.models import Couple, User
from tests.support.agreements import AtTheSameInstant, Propose, agreed

Status = AgreementVersion.Status


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_accepting_and_counter_proposing_at_once_lets_exactly_one_win(
    couple: Couple,
    alice: User,
    bob: User,
    propose: Propose,
    at_the_same_instant: AtTheSameInstant,
    attempt: int,
) -> None:
    agreement = agreed(couple, alice, bob)
    proposal = propose(agreement, alice, "Phones in the drawer at every meal.")

    outcomes = at_the_same_instant(
        lambda: services.accept(agreement=agreement, proposal_id=proposal.pk, by=bob),
        lambda: propose(
            agreement, bob, "Phones in the drawer at dinner and breakfast.", proposal.pk
        ),
    )

    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    agreement.refresh_from_db()
    proposal.refresh_from_db()
    versions = agreement.versions.all()
    if outcomes[0] == "ok":
        assert proposal.status == Status.ACCEPTED
        assert agreement.version == 2
        assert agreement.current == proposal
        assert not versions.filter(status=Status.OPEN).exists()
        assert "version 2 was accepted" in outcomes[1]
    else:
        assert proposal.status == Status.COUNTERED
        assert agreement.version == 1
        counter = versions.get(status=Status.OPEN)
        assert counter.text == "Phones in the drawer at dinner and breakfast."
        assert counter.proposed_by == bob
        assert "no longer open" in outcomes[0]
    # Nothing lost: version 1, Alice's proposal and at most one counter-proposal are all kept.
    assert versions.count() == 2 + (outcomes[1] == "ok")
    assert versions.filter(status=Status.ACCEPTED).count() == agreement.version


@pytest.mark.django_db(transaction=True)
def test_two_partners_proposing_at_once_leaves_one_open_proposal(
    couple: Couple, alice: User, bob: User, propose: Propose, at_the_same_instant: AtTheSameInstant
) -> None:
    agreement = agreed(couple, alice, bob)

    outcomes = at_the_same_instant(
        lambda: propose(agreement, alice, "Alice's words."),
        lambda: propose(agreement, bob, "Bob's words."),
    )

    assert outcomes.count("ok") == 1, outcomes
    refusal = next(o for o in outcomes if o != "ok")
    assert "Your partner proposed a change a moment ago" in refusal
    winner = "Alice's words." if outcomes[0] == "ok" else "Bob's words."
    assert agreement.versions.get(status=Status.OPEN).text == winner
    assert agreement.versions.count() == 2
    agreement.refresh_from_db()
    assert agreement.version == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_accept_accepts_once(
    couple: Couple, alice: User, bob: User, propose: Propose, at_the_same_instant: AtTheSameInstant
) -> None:
    agreement = agreed(couple, alice, bob)
    proposal = propose(agreement, alice, "Phones in the drawer at every meal.")

    def accept() -> None:
        services.accept(agreement=agreement, proposal_id=proposal.pk, by=bob)

    outcomes = at_the_same_instant(accept, accept)

    assert sorted(outcomes)[-1] == "ok"
    assert "no longer open (accepted)" in sorted(outcomes)[0]
    agreement.refresh_from_db()
    assert agreement.version == 2
    assert agreement.versions.filter(status=Status.ACCEPTED).count() == 2
    assert couple.activity.filter(message__startswith="accepted").count() == 1


def test_the_database_lets_only_one_open_proposal_in_even_past_the_services_check(
    couple: Couple, alice: User, bob: User, propose: Propose
) -> None:
    """What the loser of a true race would meet if the row lock ever let two through: a second
    open proposal written past the service is refused by the database, and the first stays
    open."""
    agreement = agreed(couple, alice, bob)
    first = propose(agreement, alice, "Alice's words.")

    second = AgreementVersion(
        agreement=agreement,
        text="Bob's words.",
        base_version=agreement.version,
        proposed_by=bob,
        created_at=first.created_at,
        expires_at=first.expires_at,
    )
    # PostgreSQL names the constraint; SQLite names the column its partial index covers.
    refused = r"one_open_proposal_per_agreement|failed: agreements_agreementversion\.agreement_id$"
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        second.save()
    assert [v.text for v in agreement.versions.filter(status=Status.OPEN)] == ["Alice's words."]
    assert not agreement.versions.filter(text="Bob's words.").exists()
