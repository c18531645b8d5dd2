"""Bob leaves and Fay joins Alice. The agreements in force carry over to Fay as the couple's
rules; the words Alice and Bob negotiated before she came (earlier versions, declined and
withdrawn proposals, agreements never in force or retired) and their past pauses stay theirs."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from agreements import services
from agreements.models import Agreement, AgreementVersion, PauseSignal
from couples.models import Couple, User
from tests.support.agreements import Post, Propose, agreed, make_past_pauses
from tests.support.pages import markup
from tests.support.people import join_as_new_partner

Status = AgreementVersion.Status


def fay_joins(alice_client: Client, bob_client: Client) -> tuple[User, Client]:
    bob_client.post("/couple/leave/")
    return join_as_new_partner(alice_client, "Fay")


def test_a_newcomer_reads_the_version_in_force_when_she_joined_and_all_that_came_after(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
    propose: Propose,
) -> None:
    phones = agreed(couple, bob, alice, versions=3)
    AgreementVersion.objects.filter(number=3).update(note="bob-why")
    declined = propose(phones, bob, "bob-declined-words")
    services.decline(agreement=phones, proposal_id=declined.pk, by=alice, reason="alice-reason")
    first = phones.versions.get(number=1)
    fay, fay_client = fay_joins(alice_client, bob_client)

    page = markup(fay_client.get(f"/agreements/{phones.pk}/"))
    assert "Version 3: our phones stay in the drawer" in page
    for earlier in ("Version 1:", "Version 2:", "bob-declined-words", "alice-reason", "bob-why"):
        assert earlier not in page, earlier
    compare = markup(fay_client.get(f"/agreements/{phones.pk}/compare/"))
    assert "Version 2" not in compare
    asked = markup(fay_client.get(f"/agreements/{phones.pk}/compare/", {"a": first.pk, "b": 0}))
    assert "Choose two versions from the lists." in asked
    assert "Version 1:" not in asked

    # What Fay and Alice agree to from now on is hers to read and compare.
    phones.refresh_from_db()
    mine = propose(phones, fay, "Version 3: our phones stay in the drawer during dinner. Also")
    services.accept(agreement=phones, proposal_id=mine.pk, by=alice)
    third = phones.versions.get(number=3)
    compared = markup(
        fay_client.get(f"/agreements/{phones.pk}/compare/", {"a": third.pk, "b": mine.pk})
    )
    assert "[added: </span> Also<" in compared
    # Alice made every earlier version with Bob and reads them all.
    page = markup(alice_client.get(f"/agreements/{phones.pk}/"))
    for earlier in ("Version 1:", "bob-declined-words", "alice-reason", "bob-why", "dinner. Also"):
        assert earlier in page, earlier


def test_an_agreement_never_in_force_or_retired_before_she_joined_is_not_hers(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
) -> None:
    proposal = services.create_agreement(
        couple=couple,
        by=bob,
        title="bob-title",
        category="home",
        terms=services.Terms(text="bob-text"),
    )
    services.decline(
        agreement=proposal.agreement, proposal_id=proposal.pk, by=alice, reason="not now"
    )
    retired = agreed(couple, alice, bob, title="alice-retired")
    retiring = services.propose_retirement(agreement=retired, by=bob, note="", base_version=1)
    services.accept(agreement=retired, proposal_id=retiring.pk, by=alice)
    kept = agreed(couple, alice, bob, title="In force")
    _fay, fay_client = fay_joins(alice_client, bob_client)

    listing = markup(fay_client.get("/agreements/"))
    assert "In force" in listing
    assert "bob-title" not in listing
    assert "alice-retired" not in listing
    for agreement in (proposal.agreement, retired):
        assert fay_client.get(f"/agreements/{agreement.pk}/").status_code == 404
        assert fay_client.get(f"/agreements/{agreement.pk}/compare/").status_code == 404
    assert fay_client.get(f"/agreements/{kept.pk}/").status_code == 200
    assert "bob-title" not in markup(fay_client.get("/couple/"))

    listing = markup(alice_client.get("/agreements/"))
    assert "bob-title" in listing
    assert "alice-retired" in listing
    assert "bob-title" in markup(alice_client.get("/couple/"))


def test_leaving_withdraws_ones_open_proposals_so_no_one_finds_them_waiting(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
    propose: Propose,
) -> None:
    phones = agreed(couple, alice, bob)
    bobs = propose(phones, bob, "bob-open-words")
    _fay, fay_client = fay_joins(alice_client, bob_client)

    bobs.refresh_from_db()
    assert bobs.status == Status.WITHDRAWN
    assert "Withdrawn on" in markup(alice_client.get(f"/agreements/{phones.pk}/"))
    assert "A former partner withdrew the proposal" in markup(alice_client.get("/couple/"))
    for path in ("/", "/agreements/", f"/agreements/{phones.pk}/"):
        assert "bob-open-words" not in markup(fay_client.get(path)), path
        assert "Waiting for your answer" not in markup(fay_client.get(path)), path
    # Nothing stands in the way of Fay's own proposal.
    fay_client.post(
        f"/agreements/{phones.pk}/propose/",
        {"text": "fay-words", "note": "", "revisit_by": "", "base_version": 1},
    )
    assert phones.versions.get(status=Status.OPEN).text == "fay-words"


def test_an_open_proposal_of_the_partner_who_stayed_waits_for_the_newcomer(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
    propose: Propose,
) -> None:
    phones = agreed(couple, alice, bob)
    alices = propose(phones, alice, "alice-open-words")
    fay, fay_client = fay_joins(alice_client, bob_client)

    page = markup(fay_client.get(f"/agreements/{phones.pk}/"))
    assert "alice-open-words" in page
    services.accept(agreement=phones, proposal_id=alices.pk, by=fay)
    assert Agreement.objects.get().current == alices


@pytest.mark.parametrize(("agreements", "versions"), [(1, 1), (30, 10)])
def test_a_newcomers_agreement_pages_cost_the_same_however_long_the_history(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
    agreements: int,
    versions: int,
    django_assert_num_queries: DjangoAssertNumQueries,
    propose: Propose,
) -> None:
    for n in range(agreements):
        agreement = agreed(couple, alice, bob, versions=versions, title=f"Agreement {n}")
        propose(agreement, alice, f"Proposal {n}")
    _fay, fay_client = fay_joins(alice_client, bob_client)
    current = agreement.versions.get(number=versions)
    proposal = agreement.versions.get(status=Status.OPEN)
    # The same queries as Bob's: what Fay may read is part of each, never another.
    # session, user, couple with both partners, agreements with their open proposals, the
    # pause banner
    with django_assert_num_queries(5):
        page = markup(fay_client.get("/agreements/"))
    assert page.count("Alice proposed a change") == agreements
    # session, user, couple with both partners, the agreement with its history, the pause
    # banner
    with django_assert_num_queries(5):
        page = markup(fay_client.get(f"/agreements/{agreement.pk}/"))
    assert f"Version {versions} by Alice" in page
    assert f"Version {versions - 1} by Alice" not in page
    with django_assert_num_queries(6):
        page = markup(
            fay_client.get(
                f"/agreements/{agreement.pk}/compare/", {"a": current.pk, "b": proposal.pk}
            )
        )
    assert "[added: </span>Proposal" in page


@pytest.mark.parametrize("past", [1, 30])
def test_past_pauses_from_before_she_joined_are_not_hers_to_look_back_on(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
    past: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    make_past_pauses(couple, bob, past)
    fay, fay_client = fay_joins(alice_client, bob_client)
    now = timezone.now()
    PauseSignal.objects.create(
        couple=couple,
        sender=fay,
        phrase="fay-pause",
        started_at=now,
        returns_at=now,
        ended_at=now,
        end_reason=PauseSignal.EndReason.SENDER,
    )
    # session, user, couple with both partners, the open pause and past pauses, the pause
    # protocol in force, the vocabulary's "I need…" phrases, the pause banner: as for anyone
    with django_assert_num_queries(7):
        page = markup(fay_client.get("/pause/", {"new": ""}))
    assert "fay-pause" in page
    assert "“Past pause" not in page
    assert f"Past pause {past - 1}" in markup(alice_client.get("/pause/", {"new": ""}))


def test_a_former_partners_pause_ends_when_someone_new_joins(
    couple: Couple, alice_client: Client, bob_client: Client, start: Post
) -> None:
    start(bob_client, phrase="own", own="bob-pause-words")
    bob_client.post("/couple/leave/")
    # Bob's pause ended as he left; Alice can still look back on it...
    assert "bob-pause-words" in markup(alice_client.get("/pause/", {"new": ""}))
    # ...or until she invites someone new: the pause was between her and Bob.
    fay, fay_client = join_as_new_partner(alice_client, "Fay")

    pause = PauseSignal.objects.get()
    assert pause.ended_at is not None
    for path in ("/", "/pause/", "/pause/banner/", "/checkins/this-week/"):
        assert "bob-pause-words" not in markup(fay_client.get(path, follow=True)), path
    assert "A former partner asked for a pause" not in markup(alice_client.get("/pause/"))
    start(fay_client, phrase="own", own="fay-pause-words")
    assert PauseSignal.objects.get(ended_at__isnull=True).sender == fay
