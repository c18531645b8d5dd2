"""An empty agreements page offers Hearth's starter agreements, each one tap from its form."""

from __future__ import annotations

from django.test import Client
from pytest_django import DjangoAssertNumQueries

from agreements.models import Category
from agreements.starters import STARTERS
from couples.models import Couple, User
from tests.support.agreements import agreed
from tests.support.pages import markup, visible_words


def test_a_couple_without_agreements_is_offered_the_starters(
    couple: Couple, alice_client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # session, user, couple with both partners, the agreements, the pause banner: as with some
    with django_assert_num_queries(5):
        page = markup(alice_client.get("/agreements/"))
    assert "Nothing here yet" not in page
    for starter in STARTERS:
        assert f'href="/agreements/new/?starter={starter.slug}"' in page
    form = visible_words(alice_client.get(f"/agreements/new/?starter={STARTERS[0].slug}"))
    assert str(STARTERS[0].text) in form
    assert "Propose" in form


def test_an_empty_category_offers_its_starter_beside_the_couples_agreements(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    agreed(couple, alice, bob, category=Category.DIGITAL)
    page = visible_words(alice_client.get("/agreements/"))
    assert "Phones at dinner" in page
    home = next(s for s in STARTERS if s.category == Category.HOME)
    assert f"Nothing here yet. Start from “{home.title}”" in page
    assert f'href="/agreements/new/?starter={home.slug}"' in markup(
        alice_client.get("/agreements/")
    )


def test_another_couple_and_a_visitor_see_no_list(
    couple: Couple, alice: User, bob: User, charlie_client: Client, client: Client
) -> None:
    agreed(couple, alice, bob)
    assert "Phones at dinner" not in visible_words(charlie_client.get("/agreements/"))
    assert client.get("/agreements/").headers["Location"].startswith("/accounts/login/")
