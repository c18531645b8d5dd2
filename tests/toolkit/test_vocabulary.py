from __future__ import annotations

import pytest
from django.test import Client

from couples.models import Couple, User
from couples.services import create_couple
from toolkit.models import Phrase, PhraseGroup
from toolkit.services import move_phrase


def texts(couple: Couple, group: str) -> list[str]:
    return list(
        Phrase.objects.for_couple(couple).active().in_group(group).values_list("text", flat=True)
    )


def test_a_new_couple_starts_with_hearths_words(alice: User) -> None:
    couple = create_couple(user=alice, name="Ours", time_zone="UTC")
    assert "I feel overwhelmed" in texts(couple, PhraseGroup.FEEL)
    assert texts(couple, PhraseGroup.NEED)[0] == "I need a pause"
    assert "I appreciate your effort" in texts(couple, PhraseGroup.APPRECIATE)


def group_on_page(page: str, group: str) -> str:
    return page.split(f'aria-labelledby="group-{group}"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("partner", ["alice_client", "bob_client"])
def test_both_partners_see_the_words_grouped(
    couple: Couple, partner: str, request: pytest.FixtureRequest
) -> None:
    page = request.getfixturevalue(partner).get("/toolkit/words/").content.decode()
    feel, need = group_on_page(page, "feel"), group_on_page(page, "need")
    assert "I feel…" in feel
    assert "I feel overwhelmed" in feel
    assert "I need…" in need
    assert "I need a pause" in need
    assert "I need a pause" not in feel
    assert "I appreciate your effort" in group_on_page(page, "appreciate")


def test_either_partner_adds_a_phrase_at_the_end_of_its_group(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    alice_client.post("/toolkit/words/", {"group": "need", "text": "I need a walk"})
    assert texts(couple, "need")[-1] == "I need a walk"
    bob_client.post("/toolkit/words/", {"group": "need", "text": "I need a glass of water"})
    assert texts(couple, "need")[-2:] == ["I need a walk", "I need a glass of water"]


def test_an_empty_phrase_is_refused_with_a_message(couple: Couple, alice_client: Client) -> None:
    before = Phrase.objects.count()
    response = alice_client.post("/toolkit/words/", {"group": "feel", "text": "   "})
    assert "This field is required." in response.content.decode()
    assert Phrase.objects.count() == before


def test_an_oversized_phrase_is_refused_and_shown_again(
    couple: Couple, alice_client: Client
) -> None:
    long = "I feel " + "very " * 40
    response = alice_client.post("/toolkit/words/", {"group": "feel", "text": long})
    page = response.content.decode()
    assert "Ensure this value has at most 120 characters" in page
    assert long.strip() in page
    assert not Phrase.objects.filter(text__startswith="I feel very").exists()


def test_an_unknown_group_is_refused(couple: Couple, alice_client: Client) -> None:
    response = alice_client.post("/toolkit/words/", {"group": "blame", "text": "You always"})
    assert "Select a valid choice" in response.content.decode()
    assert not Phrase.objects.filter(text="You always").exists()


def test_a_partner_edits_a_phrase_and_moving_it_to_another_group_puts_it_last(
    couple: Couple, bob_client: Client
) -> None:
    phrase = Phrase.objects.get(couple=couple, text="I feel hopeful")
    bob_client.post(f"/toolkit/words/{phrase.pk}/", {"group": "need", "text": "I need hope"})
    assert texts(couple, "need")[-1] == "I need hope"
    assert "I feel hopeful" not in texts(couple, "feel")


def test_moving_a_phrase_up_and_down_reorders_its_group(
    couple: Couple, alice_client: Client
) -> None:
    first, second = texts(couple, "need")[:2]
    phrase = Phrase.objects.get(couple=couple, text=second)
    alice_client.post(f"/toolkit/words/{phrase.pk}/move/", {"direction": "up"})
    assert texts(couple, "need")[:2] == [second, first]
    alice_client.post(f"/toolkit/words/{phrase.pk}/move/", {"direction": "down"})
    assert texts(couple, "need")[:2] == [first, second]


def test_moving_the_first_phrase_up_changes_nothing(couple: Couple, alice_client: Client) -> None:
    before = texts(couple, "feel")
    phrase = Phrase.objects.get(couple=couple, text=before[0])
    response = alice_client.post(f"/toolkit/words/{phrase.pk}/move/", {"direction": "up"})
    assert response.status_code == 302
    assert texts(couple, "feel") == before


def test_a_retired_phrase_leaves_the_list_but_keeps_its_text_and_can_come_back(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    phrase = Phrase.objects.get(couple=couple, text="I need a hug")
    alice_client.post(f"/toolkit/words/{phrase.pk}/retire/")
    assert "I need a hug" not in texts(couple, "need")
    # Retiring never deletes: what points at the phrase still reads its words.
    phrase.refresh_from_db()
    assert phrase.text == "I need a hug"
    assert phrase.retired_at is not None
    page = bob_client.get("/toolkit/words/").content.decode()
    assert "Retired phrases" in page

    bob_client.post(f"/toolkit/words/{phrase.pk}/restore/")
    assert texts(couple, "need")[-1] == "I need a hug"


def test_moving_a_phrase_the_partner_just_retired_says_so(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    phrase = Phrase.objects.get(couple=couple, text="I need a hug")
    bob_client.post(f"/toolkit/words/{phrase.pk}/retire/")
    response = alice_client.post(
        f"/toolkit/words/{phrase.pk}/move/", {"direction": "up"}, follow=True
    )
    assert "“I need a hug” was retired meanwhile." in response.content.decode()


def test_the_vocabulary_queryset_serves_one_couples_active_phrases_in_order(
    couple: Couple, alice_client: Client, charlie: User
) -> None:
    effort, listened, time, patience, *rest = texts(couple, "appreciate")
    # In the couple's order, not by age: the fourth phrase moves up past the third.
    moved = Phrase.objects.get(couple=couple, text=patience)
    alice_client.post(f"/toolkit/words/{moved.pk}/move/", {"direction": "up"})
    retired = Phrase.objects.get(couple=couple, text=listened)
    alice_client.post(f"/toolkit/words/{retired.pk}/retire/")
    Phrase.objects.create(couple=charlie.membership.couple, group="appreciate", text="Charlie's")

    served = Phrase.objects.for_couple(couple).active().in_group(PhraseGroup.APPRECIATE)
    assert [p.text for p in served] == [effort, patience, time, *rest]


def test_moving_a_phrase_the_partner_just_put_in_another_group_changes_nothing(
    couple: Couple,
) -> None:
    phrase = Phrase.objects.get(couple=couple, text="I feel hopeful")
    Phrase.objects.filter(pk=phrase.pk).update(group="need")
    before = texts(couple, "feel"), texts(couple, "need")
    move_phrase(phrase=phrase, up=True)
    assert (texts(couple, "feel"), texts(couple, "need")) == before


def test_a_move_button_posting_something_else_changes_nothing_and_says_so(
    couple: Couple, alice_client: Client
) -> None:
    before = texts(couple, "need")
    phrase = Phrase.objects.get(couple=couple, text=before[0])
    response = alice_client.post(
        f"/toolkit/words/{phrase.pk}/move/", {"direction": "sideways"}, follow=True
    )
    assert "That didn&#x27;t work. Please try again." in response.content.decode()
    assert texts(couple, "need") == before
