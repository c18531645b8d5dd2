"""Values chosen together: nothing is pre-filled as the couple's own. Each partner picks from
Hearth's suggestions (or writes one); a value both pick becomes theirs."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from core.models import ActivityEntry
from couples.models import Couple, User
from couples.services import leave_couple
from tests.support.pages import markup, visible_words
from tests.support.people import join_as_new_partner
from toolkit.models import SharedValue

URL = "/toolkit/values/"


def ours(couple: Couple) -> list[str]:
    return list(couple.values.ours().values_list("name", flat=True))


def pick(client: Client, name: str, description: str = "") -> str:
    return visible_words(client.post(URL, {"name": name, "description": description}, follow=True))


def section(page: str, heading: str) -> str:
    """The words of a page from `heading` to the next section's heading."""
    after = page.split(heading, 1)[1]
    for end in ("Your partner picked", "You picked", "Suggestions", "Pick one in your own words"):
        if end != heading and end in after:
            after = after.split(end, 1)[0]
    return after


def test_a_new_couple_starts_with_no_values_and_is_offered_suggestions(
    couple: Couple, bob_client: Client
) -> None:
    assert not SharedValue.objects.exists()
    home = visible_words(bob_client.get("/"))
    assert "Choose your values together" in home
    assert "Choose our values" in home
    page = visible_words(bob_client.get(URL))
    assert "None yet." in section(page, "Yours, together")
    for suggestion in ("Respect", "Curiosity", "Generosity", "Honesty"):
        assert suggestion in section(page, "Suggestions")


def test_a_value_one_picks_becomes_ours_when_the_other_picks_it_too(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    page = pick(alice_client, "Curiosity")
    assert "Picked. It becomes yours when your partner picks it too." in page
    assert "Curiosity" in section(page, "You picked")
    assert "Curiosity" not in section(page, "Suggestions")
    assert ours(couple) == []
    assert "<strong>Curiosity</strong>" not in markup(bob_client.get("/"))

    bobs = visible_words(bob_client.get(URL))
    assert "Curiosity Yes, ours" in section(bobs, "Your partner picked")
    page = pick(bob_client, "Curiosity")
    assert "“Curiosity” is one of your values." in page
    assert ours(couple) == ["Curiosity"]
    assert "<strong>Curiosity</strong>" in markup(alice_client.get("/"))
    assert SharedValue.objects.count() == 1
    log = [
        (e.actor.display_name if e.actor else None, e.message) for e in ActivityEntry.objects.all()
    ]
    assert log[:2] == [
        ("Bob", "agreed to the value “Curiosity”"),
        ("Alice", "proposed the value “Curiosity”"),
    ]


def test_both_writing_the_same_value_makes_it_ours_once(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    pick(alice_client, "Play", "Laugh every week")
    pick(alice_client, "play")
    pick(bob_client, "PLAY")
    assert ours(couple) == ["Play"]
    assert couple.values.get().description == "Laugh every week"


def test_either_partner_changes_and_removes_our_values_and_the_log_says_so(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    for name in ("Play", "Honesty"):
        pick(alice_client, name)
        pick(bob_client, name)
    play = SharedValue.objects.get(name="Play")
    bob_client.post(f"{URL}{play.pk}/", {"name": "Playfulness", "description": ""})
    honesty = SharedValue.objects.get(name="Honesty")
    alice_client.post(f"{URL}{honesty.pk}/remove/")
    assert ours(couple) == ["Playfulness"]
    page = visible_words(alice_client.get("/couple/"))
    assert "Bob renamed the value “Play” to “Playfulness”" in page
    assert "Alice removed the value “Honesty”" in page


def test_the_partner_may_say_not_for_us_and_one_takes_back_ones_own_pick(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    pick(alice_client, "Courage")
    pick(alice_client, "Trust")
    courage, trust = SharedValue.objects.order_by("id")
    bob_client.post(f"{URL}{courage.pk}/remove/")
    alice_client.post(f"{URL}{trust.pk}/remove/")
    assert not SharedValue.objects.exists()


def test_an_empty_or_oversized_value_is_refused(couple: Couple, alice_client: Client) -> None:
    response = alice_client.post(URL, {"name": "", "description": "kept"})
    page = response.content.decode()
    assert "This field is required." in page
    assert "kept" in page
    response = alice_client.post(URL, {"name": "v" * 61})
    assert "at most 60 characters" in response.content.decode()
    assert not SharedValue.objects.exists()
    assert not ActivityEntry.objects.exists()


def test_a_former_partners_picks_never_show_to_the_next_partner(
    couple: Couple, bob: User, alice_client: Client, bob_client: Client
) -> None:
    pick(bob_client, "Trust")
    pick(alice_client, "Kindness")
    pick(alice_client, "Patience")
    pick(bob_client, "Patience")
    leave_couple(user=bob)
    dana, dana_client = join_as_new_partner(alice_client, "Dana")
    page = visible_words(dana_client.get(URL))
    assert "Trust" in section(page, "Suggestions")
    assert "Your partner picked" in page
    assert "Kindness" in section(page, "Your partner picked")
    assert "Patience" in section(page, "Yours, together")
    assert "Trust" not in visible_words(alice_client.get(URL)).split("Suggestions")[0]
    # Dana picking what Bob once picked starts a proposal of her own.
    pick(dana_client, "Trust")
    assert SharedValue.objects.get(name="Trust").proposed_by == dana


def test_another_couple_cannot_touch_a_pick_and_a_visitor_is_sent_to_log_in(
    couple: Couple, alice_client: Client, charlie_client: Client, client: Client
) -> None:
    pick(alice_client, "Trust")
    trust = SharedValue.objects.get()
    assert charlie_client.post(f"{URL}{trust.pk}/remove/").status_code == 404
    assert charlie_client.get(f"{URL}{trust.pk}/").status_code == 404
    assert "Trust" not in section(visible_words(charlie_client.get(URL)), "Yours, together")
    assert "Your partner picked" not in visible_words(charlie_client.get(URL))
    assert client.get(URL).headers["Location"].startswith("/accounts/login/")
    assert SharedValue.objects.filter(pk=trust.pk).exists()


@pytest.mark.parametrize("count", [1, 20])
def test_the_values_page_queries_do_not_grow_with_picks(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    count: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for i in range(count):
        SharedValue.objects.create(couple=couple, name=f"ours {i}")
        SharedValue.objects.create(couple=couple, name=f"bob {i}", proposed_by=bob, agreed_at=None)
        SharedValue.objects.create(
            couple=couple, name=f"mine {i}", proposed_by=alice, agreed_at=None
        )
    # session, user, couple with both partners, the values with the picks, the pause banner
    with django_assert_num_queries(5):
        page = visible_words(alice_client.get(URL))
    assert f"bob {count - 1}" in section(page, "Your partner picked")
    assert f"mine {count - 1}" in section(page, "You picked")


def test_picks_both_made_at_the_same_moment_become_ours_at_the_next_pick(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    for person in (alice, bob):
        SharedValue.objects.create(couple=couple, name="Trust", proposed_by=person, agreed_at=None)
    pick(alice_client, "Trust")
    assert ours(couple) == ["Trust"]
    assert SharedValue.objects.count() == 1
