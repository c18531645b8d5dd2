from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from agreements import services
from agreements.models import Agreement, AgreementVersion, Category
from couples.models import Couple, User
from tests.agreements.conftest import agreed


def text(response: object) -> str:
    return " ".join(response.content.decode().split())  # type: ignore[attr-defined]


def propose(agreement: Agreement, by: User, words: str) -> AgreementVersion:
    return services.propose_change(
        agreement=agreement, by=by, terms=services.Terms(text=words), base_version=agreement.version
    )


def test_the_list_puts_what_awaits_my_answer_first_and_groups_by_category(
    couple: Couple, alice: User, bob: User, bob_client: Client, alice_client: Client
) -> None:
    agreed(couple, alice, bob, title="Phones at dinner", category=Category.DIGITAL)
    chores = agreed(couple, alice, bob, title="Sunday chores", category=Category.HOME)
    propose(chores, alice, "Chores on Saturday.")

    page = text(bob_client.get("/agreements/"))
    waiting = page.index("Waiting for your answer")
    assert waiting < page.index("Topics for home") < page.index("Digital and social media")
    assert "Sunday chores</a>: Alice proposed a change" in page
    # The proposer is not asked to answer their own proposal.
    assert "Waiting for your answer" not in text(alice_client.get("/agreements/"))


def test_the_detail_page_shows_the_text_in_force_the_proposal_and_the_history(
    phones: Agreement, alice: User, bob_client: Client
) -> None:
    propose(phones, alice, "Version 2: our phones stay in the hallway during dinner.")
    page = text(bob_client.get(f"/agreements/{phones.pk}/"))
    assert "What you agree to now" in page
    assert "Version 1: our phones stay in the drawer during dinner." in page
    assert "Proposed change" in page
    assert "[removed: </span>drawer <" in page
    assert "[added: </span>hallway <" in page
    assert "Version 1 by Alice" in page
    assert "Accepted by Bob" in page


def test_new_starts_from_a_starter_in_hearths_words(alice_client: Client) -> None:
    picker = text(alice_client.get("/agreements/new/"))
    assert "How we pause and come back" in picker
    assert "Device-free times" in picker
    form = text(alice_client.get("/agreements/new/", {"starter": "device-free"}))
    assert 'value="Device-free times"' in form
    assert "Our phones stay out of reach during dinner" in form
    assert "Pause terms" not in form
    pause_form = text(alice_client.get("/agreements/new/", {"starter": "pause-protocol"}))
    assert "Pause terms" in pause_form
    assert 'value="30"' in pause_form


def test_a_former_partners_writing_is_shown_as_theirs_without_their_name(
    phones: Agreement, alice_client: Client, bob_client: Client
) -> None:
    bob_client.post("/couple/leave/")
    page = text(alice_client.get(f"/agreements/{phones.pk}/"))
    assert "Accepted by A former partner" in page
    assert "Bob" not in page


def test_the_home_page_lists_due_revisits_and_what_awaits_me(
    couple: Couple, alice: User, bob: User, bob_client: Client
) -> None:
    today = timezone.localdate(timezone=couple.tz)
    agreed(couple, alice, bob, title="Due today", revisit_by=today)
    agreed(couple, alice, bob, title="Due next month", revisit_by=today + timedelta(days=30))
    waiting = agreed(couple, alice, bob, title="Screens in bed")
    propose(waiting, alice, "No screens in bed after ten.")

    page = text(bob_client.get("/"))
    assert "Time to look at together again:</p> <ul> <li><a" in page
    assert "Due today</a>" in page
    assert "Due next month" not in page
    assert "Waiting for your answer:</p> <ul> <li><a" in page
    assert "Screens in bed</a>" in page


def test_due_for_revisit_follows_the_couples_calendar(
    couple: Couple, alice: User, bob: User
) -> None:
    agreement = agreed(couple, alice, bob, revisit_by=date(2026, 3, 1))
    assert not Agreement.objects.due_for_revisit(couple, date(2026, 2, 28)).exists()
    assert list(Agreement.objects.due_for_revisit(couple, date(2026, 3, 1))) == [agreement]
    agreement.status = Agreement.Status.RETIRED
    agreement.save()
    assert not Agreement.objects.due_for_revisit(couple, date(2026, 3, 2)).exists()


def test_the_email_preference_is_on_by_default_and_can_be_turned_off(
    bob: User, bob_client: Client
) -> None:
    assert 'name="proposal_emails" checked' in bob_client.get("/settings/").content.decode()
    bob_client.post("/agreements/email-preference/", {})
    assert 'name="proposal_emails" checked' not in bob_client.get("/settings/").content.decode()
    bob_client.post("/agreements/email-preference/", {"proposal_emails": "on"})
    assert 'name="proposal_emails" checked' in bob_client.get("/settings/").content.decode()


@pytest.mark.parametrize("agreements", [1, 30])
def test_list_queries_do_not_grow(
    couple: Couple,
    alice: User,
    bob: User,
    bob_client: Client,
    agreements: int,
    django_assert_num_queries,
) -> None:
    for n in range(agreements):
        agreement = agreed(couple, alice, bob, versions=10, title=f"Agreement {n}")
        propose(agreement, alice, f"Proposal {n}")
    # session, user, couple, open proposals, agreements, partners, the pause banner
    with django_assert_num_queries(7):
        page = text(bob_client.get("/agreements/"))
    assert page.count("Alice proposed a change") == agreements


@pytest.mark.parametrize(("agreements", "versions"), [(1, 1), (1, 10), (30, 10)])
def test_detail_and_compare_queries_do_not_grow(
    couple: Couple,
    alice: User,
    bob: User,
    bob_client: Client,
    agreements: int,
    versions: int,
    django_assert_num_queries,
) -> None:
    for _ in range(agreements):
        agreement = agreed(couple, alice, bob, versions=versions)
    proposal = propose(agreement, alice, "One more change.")
    # session, user, couple, agreement, history, partners, the pause banner
    with django_assert_num_queries(7):
        page = text(bob_client.get(f"/agreements/{agreement.pk}/"))
    assert f"Version {versions} by Alice" in page
    first = agreement.versions.get(number=1)
    with django_assert_num_queries(7):
        page = text(
            bob_client.get(
                f"/agreements/{agreement.pk}/compare/", {"a": first.pk, "b": proposal.pk}
            )
        )
    assert "[added: </span>One more change.<" in page


def test_the_pause_protocol_in_force_gives_the_pause_defaults(
    couple: Couple, alice: User, bob: User
) -> None:
    assert AgreementVersion.objects.accepted_pause_protocol(couple) is None
    agreement = services.create_agreement(
        couple=couple,
        by=alice,
        title="How we pause",
        category=Category.PAUSE,
        terms=services.Terms(
            text="We pause kindly.",
            pause_minutes=45,
            signal_phrases="I need a pause\n\nToo much right now\n",
            grounding_practice="Breathe slowly.",
            return_phrase="I'm ready to come back",
        ),
    ).agreement
    assert AgreementVersion.objects.accepted_pause_protocol(couple) is None
    proposal = agreement.versions.get()
    services.accept(agreement=agreement, proposal_id=proposal.pk, by=bob)

    protocol = AgreementVersion.objects.accepted_pause_protocol(couple)
    assert protocol is not None
    assert protocol.pause_minutes == 45
    assert protocol.signal_phrase_list == ["I need a pause", "Too much right now"]
    assert (protocol.grounding_practice, protocol.return_phrase) == (
        "Breathe slowly.",
        "I'm ready to come back",
    )
    # A proposed change is not in force until accepted.
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        services.propose_change(
            agreement=agreement,
            by=bob,
            terms=services.Terms(
                text="We pause kindly.",
                pause_minutes=60,
                signal_phrases="Pause",
                return_phrase="Back",
            ),
            base_version=1,
        )
    assert AgreementVersion.objects.accepted_pause_protocol(couple) == protocol


@pytest.mark.parametrize(
    ("minutes", "accepted"), [("19", False), ("20", True), ("1440", True), ("1441", False)]
)
def test_pause_terms_are_between_20_minutes_and_24_hours(
    couple: Couple, alice_client: Client, minutes: str, accepted: bool
) -> None:
    response = alice_client.post(
        "/agreements/new/",
        {
            "title": "How we pause",
            "category": "pause",
            "text": "We pause kindly.",
            "pause_minutes": minutes,
            "signal_phrases": "I need a pause",
            "return_phrase": "Back",
        },
    )
    assert Agreement.objects.filter(couple=couple).exists() == accepted
    if not accepted:
        assert 'value="We pause kindly."' not in response.content.decode()
        assert "We pause kindly." in response.content.decode()


def test_the_admin_lists_and_opens_agreements(phones: Agreement) -> None:
    staff = User.objects.create_superuser("admin@example.com", "a calm evening walk")
    client = Client()
    client.force_login(staff)
    assert "Phones at dinner" in client.get("/admin/agreements/agreement/").content.decode()
    assert client.get(f"/admin/agreements/agreement/{phones.pk}/change/").status_code == 200
    assert client.get("/admin/agreements/agreementversion/").status_code == 200
    assert client.get("/admin/agreements/emailpreference/").status_code == 200
