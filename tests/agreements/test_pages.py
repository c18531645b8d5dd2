from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from agreements import services
from agreements.models import Agreement, AgreementVersion, Category, PauseSignal
from couples.models import Couple, User
from notices.services import KINDS
from tests.factories import UserFactory, pair
from tests.support.agreements import Propose, agreed
from tests.support.pages import markup


def test_the_list_puts_what_awaits_my_answer_first_and_groups_by_category(
    couple: Couple,
    alice: User,
    bob: User,
    bob_client: Client,
    alice_client: Client,
    propose: Propose,
) -> None:
    agreed(couple, alice, bob, title="Phones at dinner", category=Category.DIGITAL)
    chores = agreed(couple, alice, bob, title="Sunday chores", category=Category.HOME)
    propose(chores, alice, "Chores on Saturday.")

    page = markup(bob_client.get("/agreements/"))
    waiting = page.index("Waiting for your answer")
    assert waiting < page.index("Topics for home") < page.index("Digital and social media")
    assert "Sunday chores</a>: Alice proposed a change" in page
    # The proposer is not asked to answer their own proposal.
    assert "Waiting for your answer" not in markup(alice_client.get("/agreements/"))


def test_the_detail_page_shows_the_text_in_force_the_proposal_and_the_history(
    phones: Agreement, alice: User, bob_client: Client, propose: Propose
) -> None:
    propose(phones, alice, "Version 2: our phones stay in the hallway during dinner.")
    page = markup(bob_client.get(f"/agreements/{phones.pk}/"))
    assert "What you agree to now" in page
    assert "Version 1: our phones stay in the drawer during dinner." in page
    assert "Proposed change" in page
    assert "[removed: </span>drawer<" in page
    assert "[added: </span>hallway<" in page
    assert "Version 1 by Alice" in page
    assert "Accepted by Bob" in page


def test_new_starts_from_a_starter_in_hearths_words(alice_client: Client) -> None:
    picker = markup(alice_client.get("/agreements/new/"))
    assert "How we pause and come back" in picker
    assert "Device-free times" in picker
    form = markup(alice_client.get("/agreements/new/", {"starter": "device-free"}))
    assert 'value="Device-free times"' in form
    assert "Our phones stay out of reach during dinner" in form
    assert "Pause terms" not in form
    pause_form = markup(alice_client.get("/agreements/new/", {"starter": "pause-protocol"}))
    assert "Pause terms" in pause_form
    assert 'value="30"' in pause_form


def test_a_former_partners_writing_is_shown_as_theirs_without_their_name(
    phones: Agreement, alice_client: Client, bob_client: Client
) -> None:
    bob_client.post("/couple/leave/")
    page = markup(alice_client.get(f"/agreements/{phones.pk}/"))
    assert "Accepted by A former partner" in page
    assert "Bob" not in page


def test_the_home_lists_what_awaits_my_answer_and_leaves_revisits_to_the_check_in(
    couple: Couple, alice: User, bob: User, bob_client: Client, propose: Propose
) -> None:
    today = timezone.localdate(timezone=couple.tz)
    agreed(couple, alice, bob, title="Due today", revisit_by=today)
    waiting = agreed(couple, alice, bob, title="Screens in bed")
    propose(waiting, alice, "No screens in bed after ten.")

    page = markup(bob_client.get("/"))
    assert "<h3>An agreement awaits your answer</h3>" in page
    assert "Screens in bed</a>" in page
    # A revisit is for both of them at the check-in, on its agenda.
    assert "Due today" not in page


def test_the_home_lists_an_agreement_awaiting_me_once_and_never_my_own_proposal(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
    propose: Propose,
) -> None:
    today = timezone.localdate(timezone=couple.tz)
    both = agreed(couple, alice, bob, title="Due and changing", revisit_by=today)
    propose(both, alice, "New words.")
    agreed(couple, alice, bob, title="Quiet one")

    for_bob = markup(bob_client.get("/"))
    assert for_bob.count("Due and changing</a>") == 1
    for_alice = markup(alice_client.get("/"))
    assert "awaits your answer" not in for_alice
    assert "Due and changing" not in for_alice
    assert "Quiet one" not in for_alice + for_bob


def test_due_for_revisit_follows_the_couples_calendar(
    couple: Couple, alice: User, bob: User
) -> None:
    agreement = agreed(couple, alice, bob, revisit_by=date(2026, 3, 1))
    assert not Agreement.objects.due_for_revisit(couple, date(2026, 2, 28)).exists()
    assert list(Agreement.objects.due_for_revisit(couple, date(2026, 3, 1))) == [agreement]
    agreement.status = Agreement.Status.RETIRED
    agreement.save()
    assert not Agreement.objects.due_for_revisit(couple, date(2026, 3, 2)).exists()


def test_the_agreement_email_can_be_turned_off_and_on_in_settings(
    bob: User, bob_client: Client
) -> None:
    def chosen() -> list[str]:
        page = markup(bob_client.get("/settings/"))
        return re.findall(r'name="notify-agreement" value="(\w+)"[^>]*checked', page)

    assert chosen() == ["email"]
    choices = {f"notify-{kind}": "hearth" for kind in KINDS}
    bob_client.post("/settings/notifications/", choices)
    assert chosen() == ["hearth"]
    bob_client.post("/settings/notifications/", {**choices, "notify-agreement": "email"})
    assert chosen() == ["email"]


@pytest.mark.parametrize("agreements", [1, 30])
def test_list_queries_do_not_grow(
    couple: Couple,
    alice: User,
    bob: User,
    bob_client: Client,
    agreements: int,
    django_assert_num_queries: DjangoAssertNumQueries,
    propose: Propose,
) -> None:
    for n in range(agreements):
        agreement = agreed(couple, alice, bob, versions=10, title=f"Agreement {n}")
        propose(agreement, alice, f"Proposal {n}")
    # session, user, the reader's new markers here cleared, couple with both partners,
    # agreements with their open proposals, the pause banner
    with django_assert_num_queries(6):
        page = markup(bob_client.get("/agreements/"))
    assert page.count("Alice proposed a change") == agreements


@pytest.mark.parametrize(("agreements", "versions"), [(1, 1), (1, 10), (30, 10)])
def test_detail_and_compare_queries_do_not_grow(
    couple: Couple,
    alice: User,
    bob: User,
    bob_client: Client,
    agreements: int,
    versions: int,
    django_assert_num_queries: DjangoAssertNumQueries,
    propose: Propose,
) -> None:
    for _ in range(agreements):
        agreement = agreed(couple, alice, bob, versions=versions)
    proposal = propose(agreement, alice, "One more change.")
    # session, user, the reader's new markers here cleared, couple with both partners, the
    # agreement with its history, the pause banner
    with django_assert_num_queries(6):
        page = markup(bob_client.get(f"/agreements/{agreement.pk}/"))
    assert f"Version {versions} by Alice" in page
    first = agreement.versions.get(number=1)
    with django_assert_num_queries(6):
        page = markup(
            bob_client.get(
                f"/agreements/{agreement.pk}/compare/", {"a": first.pk, "b": proposal.pk}
            )
        )
    assert "[added: </span>One more change<" in page


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
    ("minutes", "refusal"),
    [
        ("19", "Ensure this value is greater than or equal to 20."),
        ("20", None),
        ("1440", None),
        ("1441", "Ensure this value is less than or equal to 1440."),
    ],
)
def test_pause_terms_are_between_20_minutes_and_24_hours(
    couple: Couple, alice_client: Client, minutes: str, refusal: str | None
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
    stored = Agreement.objects.filter(couple=couple).first()
    if refusal is None:
        assert stored is not None
        assert stored.versions.get().pause_minutes == int(minutes)
    else:
        assert stored is None
        assert refusal in markup(response)
        # What was typed is kept in the text box, ready to correct.
        textarea = re.compile(r'<textarea [^>]*id="id_text">\s*We pause kindly\.</textarea>')
        assert textarea.search(response.content.decode())


def test_the_admin_lists_and_opens_agreements(phones: Agreement) -> None:
    staff = User.objects.create_superuser("admin@example.com", "a calm evening walk")
    client = Client()
    client.force_login(staff)
    assert "Phones at dinner" in markup(client.get("/admin/agreements/agreement/"))
    opened = markup(client.get(f"/admin/agreements/agreement/{phones.pk}/change/"))
    assert 'value="Phones at dinner"' in opened
    assert "Agreement versions" in opened
    # The versions list names each version's agreement.
    assert "Phones at dinner (Accepted)" in markup(
        client.get("/admin/agreements/agreementversion/")
    )
    assert client.get("/admin/notices/notificationpreference/").status_code == 200


def test_compare_shows_the_last_two_accepted_versions_until_two_are_chosen(
    couple: Couple, alice: User, bob: User, bob_client: Client
) -> None:
    agreement = agreed(couple, alice, bob, versions=3)
    first, _second, third = agreement.versions.order_by("number")
    page = markup(bob_client.get(f"/agreements/{agreement.pk}/compare/"))
    assert "From Version 2 by Alice" in page
    assert "to Version 3 by Alice" in page
    # Chosen the wrong way round, they are still shown older first.
    page = markup(
        bob_client.get(f"/agreements/{agreement.pk}/compare/", {"a": third.pk, "b": first.pk})
    )
    assert "From Version 1 by Alice" in page
    assert "to Version 3 by Alice" in page
    assert "[removed: </span>1<" in page
    assert "[added: </span>3<" in page


def test_compare_refuses_versions_not_in_this_history_and_shows_the_latest_two(
    couple: Couple, alice: User, bob: User, bob_client: Client
) -> None:
    agreement = agreed(couple, alice, bob, versions=2)
    other = agreed(couple, alice, bob, title="Other").versions.get()
    first = agreement.versions.get(number=1)
    choices: list[dict[str, int | str]] = [
        {"a": first.pk, "b": other.pk},
        {"a": "x", "b": first.pk},
        {"a": first.pk},
    ]
    for choice in choices:
        page = markup(bob_client.get(f"/agreements/{agreement.pk}/compare/", choice))
        assert "Choose two versions from the lists." in page
        assert "From Version 1 by Alice" in page
        assert "to Version 2 by Alice" in page


def test_new_starts_from_a_blank_page_of_the_chosen_category(alice_client: Client) -> None:
    form = alice_client.get("/agreements/new/", {"category": "pause"})
    assert form.context["form"]["category"].value() == "pause"
    assert "Pause terms" in markup(form)
    # An unknown starter with a known category still starts that category's blank page.
    form = alice_client.get("/agreements/new/", {"starter": "nope", "category": "home"})
    assert form.context["form"]["category"].value() == "home"
    assert form.context["form"]["text"].value() is None
    # Nothing known chosen: the examples are offered again.
    picker = markup(alice_client.get("/agreements/new/", {"starter": "nope", "category": "x"}))
    assert "Start from an example" in picker


def test_lists_hold_only_the_couples_own_agreements_proposals_and_pauses(
    couple: Couple, alice: User, bob: User, charlie: User, bob_client: Client, propose: Propose
) -> None:
    ours = agreed(couple, alice, bob, title="Ours")
    propose(ours, alice, "Our proposal.")
    theirs_couple = charlie.membership.couple
    partner = UserFactory.create(display_name="Dana")
    pair(partner, couple=theirs_couple)
    theirs = agreed(theirs_couple, charlie, partner, title="Charlie's own")
    propose(theirs, charlie, "Their proposal.")
    services.start_pause(couple=theirs_couple, sender=charlie, phrase="Their pause", minutes=30)

    assert list(Agreement.objects.for_couple(couple)) == [ours]
    assert [v.agreement for v in AgreementVersion.objects.for_couple(couple)] == [ours, ours]
    assert not PauseSignal.objects.for_couple(couple).exists()
    for path in ("/agreements/", "/", "/pause/"):
        page = markup(bob_client.get(path))
        assert "Charlie" not in page
        assert "Their p" not in page
