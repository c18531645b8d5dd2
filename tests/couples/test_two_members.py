"""A couple has at most two members, and only people with a confirmed email join one: rules the
services and the database keep themselves, whatever page or task calls them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction

from core.errors import RefusedError
from couples import services
from couples.models import Couple, Membership, User
from tests.factories import UserFactory, pair


def invite(couple: Couple, inviter: User) -> str:
    return services.invite_partner(couple=couple, inviter=inviter)[1]


def test_the_service_refuses_an_unverified_person_with_the_words_the_page_shows(
    alice: User,
) -> None:
    couple = pair(alice)
    token = invite(couple, alice)
    with pytest.raises(RefusedError) as refused:
        services.accept_invitation(token=token, user=UserFactory.create(verified=False))
    assert str(refused.value) == (
        "Please confirm your email address first, then open this link again."
    )
    assert couple.memberships.count() == 1


def test_the_partners_of_a_couple_hold_its_two_seats(couple: Couple, alice: User) -> None:
    assert sorted(couple.memberships.values_list("seat", flat=True)) == [1, 2]
    assert Membership.free_seat(couple) is None
    assert Membership.free_seat(pair(UserFactory.create())) == 2


@pytest.mark.parametrize("seat", [1, 2, 3, 0])
def test_the_database_refuses_a_third_member_written_past_the_services(
    couple: Couple, seat: int
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(couple=couple, user=UserFactory.create(), seat=seat)
    assert couple.memberships.count() == 2


def test_a_newcomer_takes_the_seat_a_partner_who_left_freed(
    couple: Couple, alice: User, bob: User
) -> None:
    services.leave_couple(user=alice)
    newcomer = UserFactory.create()
    services.accept_invitation(token=invite(couple, bob), user=newcomer)
    assert dict(couple.memberships.values_list("user__display_name", "seat")) == {
        "Bob": 2,
        newcomer.display_name: 1,
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_people_accepting_one_link_at_once_make_a_couple_of_two(
    alice: User, at_once: Callable[..., list[object]], attempt: int
) -> None:
    couple = pair(alice)
    token = invite(couple, alice)
    people = [UserFactory.create() for _ in range(3)]

    outcomes = at_once(
        *(
            lambda person=person: services.accept_invitation(token=token, user=person)
            for person in people
        )
    )

    assert [o for o in outcomes if isinstance(o, Couple)] == [couple], outcomes
    assert all(isinstance(o, (Couple, RefusedError)) for o in outcomes), outcomes
    assert couple.memberships.count() == 2
    assert sorted(couple.memberships.values_list("seat", flat=True)) == [1, 2]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_joining_while_starting_ones_own_space_at_once_leaves_one_in_one_space(
    alice: User, at_once: Callable[..., list[object]], attempt: int
) -> None:
    couple = pair(alice)
    token = invite(couple, alice)
    dana = UserFactory.create()

    outcomes = at_once(
        lambda: services.accept_invitation(token=token, user=dana),
        lambda: services.create_couple(user=dana, name="Dana's place", time_zone="UTC"),
    )

    assert sum(isinstance(o, Couple) for o in outcomes) == 1, outcomes
    refused = next(o for o in outcomes if not isinstance(o, Couple))
    assert isinstance(refused, RefusedError), outcomes
    assert "share a space" in str(refused)
    assert Membership.objects.filter(user=dana).count() == 1
