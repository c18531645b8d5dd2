"""The week's next step for one reader (`checkins.ritual.next_step`), state by state."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checkins.ritual import Heard, Kind, Proposer, Step, WeekFacts, next_step

SHARED = WeekFacts(
    partner="Sam", own_started=True, own_shared=True, partner_shared=True, revealed=True
)
HEARD = replace(SHARED, i_heard=Heard.CONFIRMED, they_heard=Heard.CONFIRMED)


@pytest.mark.parametrize(
    ("facts", "kind", "title"),
    [
        (WeekFacts(partner=""), Kind.NO_PARTNER, "Invite your partner"),
        (WeekFacts(partner="", own_started=True), Kind.NO_PARTNER, "Invite your partner"),
        (WeekFacts(partner="Sam"), Kind.WRITE, "Write yours"),
        (WeekFacts(partner="Sam", own_started=True), Kind.WRITE, "Write yours"),
        (WeekFacts(partner="Sam", partner_shared=True), Kind.YOUR_TURN, "Sam shared — your turn"),
        (
            WeekFacts(partner="Sam", own_started=True, own_shared=True),
            Kind.WAITING,
            "Waiting for Sam",
        ),
        (
            SHARED,
            Kind.READ_TOGETHER,
            "You've both shared: read together",
        ),
        (
            replace(SHARED, they_heard=Heard.WAITING),
            Kind.ANSWER,
            "Sam is waiting for your “yes, that's it”",
        ),
        (
            replace(SHARED, they_heard=Heard.CONFIRMED),
            Kind.LISTEN,
            "Say what you heard",
        ),
        (
            replace(SHARED, i_heard=Heard.NOT_QUITE),
            Kind.LISTEN_AGAIN,
            "Say what you heard, once more",
        ),
        (
            replace(SHARED, i_heard=Heard.WAITING),
            Kind.AWAITING_YES,
            "What you heard is with Sam",
        ),
        (
            replace(SHARED, i_heard=Heard.CONFIRMED),
            Kind.PARTNER_LISTENING,
            "Sam is saying what they heard",
        ),
        (HEARD, Kind.PROPOSE_STEP, "Agree a small step"),
        (
            replace(HEARD, proposer=Proposer.PARTNER),
            Kind.AGREE_STEP,
            "Agree a small step",
        ),
        (
            replace(HEARD, proposer=Proposer.READER),
            Kind.STEP_PROPOSED,
            "Your small step is with Sam",
        ),
        (
            replace(HEARD, proposer=Proposer.PARTNER, closed=True),
            Kind.DONE,
            "Done — well done, both of you",
        ),
        # A partner who left after the week closed: the week is still done.
        (replace(HEARD, partner="", closed=True), Kind.DONE, "Done — well done, both of you"),
    ],
)
def test_each_state_names_its_one_next_step(facts: WeekFacts, kind: Kind, title: str) -> None:
    step = next_step(facts)
    assert (step.kind, step.title) == (kind, title)
    assert step.button


def test_a_week_revealed_before_the_partner_joined_asks_them_both_to_share_again() -> None:
    joined = WeekFacts(partner="Fay", own_started=True, own_shared=True, revealed=True)
    assert next_step(joined).kind == Kind.WAITING
    newcomer = WeekFacts(partner="Erin", partner_shared=True, revealed=True)
    assert next_step(newcomer).kind == Kind.YOUR_TURN


def test_an_answer_the_partner_waits_for_comes_before_ones_own_listening() -> None:
    facts = replace(SHARED, they_heard=Heard.WAITING, i_heard=Heard.NOT_QUITE)
    assert next_step(facts).kind == Kind.ANSWER


def test_no_step_ever_says_the_partner_has_seen_or_read_anything() -> None:
    for kind in Kind:
        step = Step(kind=kind, partner="Sam")
        words = f"{step.title} {step.lede} {step.button}".lower()
        assert "seen" not in words
        assert " read your" not in words


@pytest.mark.parametrize(
    ("answer", "heard"),
    [
        (None, Heard.NOTHING),
        ("", Heard.WAITING),
        ("yes", Heard.CONFIRMED),
        ("not_quite", Heard.NOT_QUITE),
    ],
)
def test_a_latest_answer_reads_as_where_listening_stands(answer: str | None, heard: Heard) -> None:
    assert Heard.of(answer) == heard
