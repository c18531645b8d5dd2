"""Two partners acting at the same instant, in two threads with their own database
connections. On PostgreSQL they race for the agreement's row lock; SQLite (IMMEDIATE
transactions) serialises them. Either way exactly one wins and nothing is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from agreements import services
from agreements.models import Agreement, AgreementVersion
from couples.models import Couple, User
from couples.services import RefusedError
from tests.agreements.conftest import agreed

Status = AgreementVersion.Status


def at_the_same_instant(*actions: Callable[[], object]) -> list[str]:
    """Run each action in its own thread, released together; "ok" or the refusal for each."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = [""] * len(actions)

    def run(i: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait()
            action()
            outcomes[i] = "ok"
        except RefusedError as e:
            outcomes[i] = str(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(outcomes), outcomes
    return outcomes


def proposal_by(
    agreement: Agreement, user: User, text: str, counters: int | None = None
) -> AgreementVersion:
    return services.propose_change(
        agreement=agreement,
        by=user,
        terms=services.Terms(text=text),
        base_version=agreement.version,
        counters=counters,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_accepting_and_counter_proposing_at_once_lets_exactly_one_win(
    couple: Couple, alice: User, bob: User, attempt: int
) -> None:
    agreement = agreed(couple, alice, bob)
    proposal = proposal_by(agreement, alice, "Phones in the drawer at every meal.")

    outcomes = at_the_same_instant(
        lambda: services.accept(agreement=agreement, proposal_id=proposal.pk, by=bob),
        lambda: proposal_by(
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
    couple: Couple, alice: User, bob: User
) -> None:
    agreement = agreed(couple, alice, bob)

    outcomes = at_the_same_instant(
        lambda: proposal_by(agreement, alice, "Alice's words."),
        lambda: proposal_by(agreement, bob, "Bob's words."),
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
def test_a_double_submitted_accept_accepts_once(couple: Couple, alice: User, bob: User) -> None:
    agreement = agreed(couple, alice, bob)
    proposal = proposal_by(agreement, alice, "Phones in the drawer at every meal.")

    def accept() -> None:
        services.accept(agreement=agreement, proposal_id=proposal.pk, by=bob)

    outcomes = at_the_same_instant(accept, accept)

    assert sorted(outcomes)[-1] == "ok"
    assert "no longer open (accepted)" in sorted(outcomes)[0]
    agreement.refresh_from_db()
    assert agreement.version == 2
    assert agreement.versions.filter(status=Status.ACCEPTED).count() == 2
    assert couple.activity.filter(message__startswith="accepted").count() == 1
