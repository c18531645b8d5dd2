"""The home's first card names this week's one next step for each partner, through a week
written on the pages; below it only what needs the reader now."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from checkins.models import CheckIn, Reflection
from couples import services as couple_services
from couples.models import Couple, User
from tests.factories import UserFactory
from tests.support.checkins import URL, WEEK, week_of, write
from tests.support.pages import HOME_QUERIES, visible_words
from tests.support.people import client_for

# Alone, the home also asks whether an invitation is open.
HOME_QUERIES_ALONE = 10


def first_card(client: Client) -> tuple[str, str]:
    """The home's first card: its step and its words."""
    page = client.get("/").content.decode()
    main = page.split("<main", 1)[1]
    card = re.search(
        r'<article class="card card-now" id="this-week" data-step="(\w+)">(.*?)</article>',
        main,
        re.S,
    )
    assert card is not None
    # It is the first card of the page.
    assert main.index('id="this-week"') < main.find("<article") + 60
    return card[1], visible_words(card[2])


def share(client: Client, who: str) -> None:
    client.get(URL)
    write(client, action="share", small_win=f"{who} win", challenge=f"{who} challenge")


def own_entry_of_partner(client: Client, author: User) -> int:
    checkin = CheckIn.objects.get()
    return checkin.entries.get(author=author).pk


def test_a_week_goes_step_by_step_on_each_partners_home(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    assert first_card(alice_client) == (
        "write",
        "This week Write yours One small win and one remaining challenge. Only you see it until you share. Write yours",
    )
    alice_client.get(URL)
    write(alice_client, small_win="a draft")
    assert first_card(alice_client)[0] == "write"
    # A draft is nobody else's business: Bob is still asked to write his.
    assert first_card(bob_client)[0] == "write"
    share(alice_client, "Alice")
    kind, words = first_card(alice_client)
    assert (kind, words.split(" You shared")[0]) == ("waiting", "This week Waiting for Bob")
    kind, words = first_card(bob_client)
    assert (kind, "Alice shared — your turn" in words) == ("your_turn", True)
    share(bob_client, "Bob")
    assert first_card(alice_client)[0] == first_card(bob_client)[0] == "read_together"
    assert "You've both shared: read together" in first_card(alice_client)[1]

    bobs = own_entry_of_partner(alice_client, bob)
    alices = own_entry_of_partner(bob_client, alice)
    alice_client.post(f"{URL}entries/{bobs}/reflect/", {"heard": "you felt alone"})
    assert first_card(alice_client)[0] == "awaiting_yes"
    kind, words = first_card(bob_client)
    assert (kind, "Alice is waiting for your “yes, that's it”" in words) == ("answer", True)
    reflection = Reflection.objects.get(entry_id=bobs)
    bob_client.post(f"{URL}reflections/{reflection.pk}/answer/", {"answer": "not_quite"})
    assert first_card(alice_client)[0] == "listen_again"
    assert first_card(bob_client)[0] == "listen"
    alice_client.post(f"{URL}entries/{bobs}/reflect/", {"heard": "you felt unheard"})
    again = Reflection.objects.filter(entry_id=bobs).last()
    assert again is not None
    bob_client.post(f"{URL}reflections/{again.pk}/answer/", {"answer": "yes"})
    assert first_card(alice_client)[0] == "partner_listening"
    assert first_card(bob_client)[0] == "listen"
    bob_client.post(f"{URL}entries/{alices}/reflect/", {"heard": "you were tired"})
    alice_client.post(
        f"{URL}reflections/{Reflection.objects.get(entry_id=alices).pk}/answer/", {"answer": "yes"}
    )
    assert first_card(alice_client)[0] == first_card(bob_client)[0] == "propose_step"
    alice_client.post(f"{URL}next-step/", {"next_step": "a walk on Sunday"})
    assert first_card(alice_client)[0] == "step_proposed"
    assert first_card(bob_client)[0] == "agree_step"
    checkin = CheckIn.objects.get()
    assert checkin.next_step_at is not None
    bob_client.post(f"{URL}next-step/agree/", {"proposed_at": checkin.next_step_at.isoformat()})
    for client in (alice_client, bob_client):
        kind, words = first_card(client)
        assert (kind, "Done — well done, both of you" in words) == ("done", True)
    assert 'href="/checkins/2026-W48/"' in alice_client.get("/").content.decode()


def test_someone_alone_is_asked_to_invite_their_partner(db: None) -> None:
    dana = UserFactory.create(display_name="Dana")
    couple_services.create_couple(user=dana, name="Waiting room", time_zone="UTC")
    client = client_for(dana)
    kind, words = first_card(client)
    assert kind == "no_partner"
    assert "Invite your partner" in words
    page = client.get("/").content.decode()
    assert '<ol class="steps">' in page


def test_someone_whose_invitation_is_open_is_told_it_waits_not_asked_again(
    db: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    dana = UserFactory.create(display_name="Dana")
    couple = couple_services.create_couple(user=dana, name="Waiting room", time_zone="UTC")
    client = client_for(dana)
    client.get("/")
    with django_assert_num_queries(HOME_QUERIES_ALONE):
        client.get("/")
    couple_services.invite_partner(couple=couple, inviter=dana, email="sam@example.com")
    kind, words = first_card(client)
    assert kind == "no_partner"
    assert words.startswith("This week Your invitation is open Waiting for sam@example.com")
    assert "See the invitation" in words
    assert "Invite your partner" not in words
    # Asking whether one is open costs the same query the home spends on it alone.
    with django_assert_num_queries(HOME_QUERIES_ALONE):
        client.get("/")


def test_the_getting_started_walk_steps_aside_after_the_first_days(
    couple: Couple, alice_client: Client
) -> None:
    assert "Getting started" in alice_client.get("/").content.decode()
    couple.created_at = timezone.now() - timedelta(days=40)
    couple.save()
    assert "Getting started" not in alice_client.get("/").content.decode()


def test_the_walk_marks_the_partner_invited_once_they_joined(
    couple: Couple, alice_client: Client
) -> None:
    steps = (
        alice_client.get("/").content.decode().split('<ol class="steps">', 1)[1].split("</ol>")[0]
    )
    assert re.search(r'<li class="done">\s*<a href="/couple/">Invite your partner', steps)


def test_a_former_partners_week_is_nobodys_progress(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    share(bob_client, "Bob")
    couple_services.leave_couple(user=bob)
    kind, words = first_card(alice_client)
    assert kind == "no_partner"
    assert "Bob" not in words


def test_an_outsiders_home_says_nothing_of_another_couples_week(
    couple: Couple, alice_client: Client, charlie_client: Client
) -> None:
    share(alice_client, "Alice")
    page = charlie_client.get("/").content.decode()
    assert "Alice" not in visible_words(page)
    assert charlie_client.get(URL + "status/").status_code == 404


def test_an_anonymous_visitor_gets_the_landing_page() -> None:
    page = Client().get("/").content.decode()
    assert 'id="this-week"' not in page
    assert "Create an account" in page


@pytest.mark.parametrize("weeks", [1, 20])
def test_the_home_spends_at_most_two_queries_more_with_any_history(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    weeks: int,
) -> None:
    for ago in range(1, weeks + 1):
        week_of(couple, alice, bob, weeks_ago=ago, step="a step")
    share(alice_client, "Alice")
    share(bob_client, "Bob")
    # Before this work the home spent 7.
    assert HOME_QUERIES <= 7 + 2
    with django_assert_num_queries(HOME_QUERIES):
        assert alice_client.get("/").status_code == 200
    assert WEEK in alice_client.get("/").content.decode()
