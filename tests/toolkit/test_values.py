from __future__ import annotations

from django.test import Client

from core.models import ActivityEntry
from couples.models import Couple
from toolkit.models import SharedValue


def names(couple: Couple) -> list[str]:
    return list(couple.values.values_list("name", flat=True))


def test_a_new_couple_starts_with_four_suggested_values_on_its_home_page(
    couple: Couple, bob_client: Client
) -> None:
    assert names(couple) == ["Respect", "Curiosity", "Generosity", "Honesty"]
    page = bob_client.get("/").content.decode()
    assert "Our values" in page
    assert "<strong>Curiosity</strong>" in page
    assert 'href="/toolkit/"' in page


def test_either_partner_adds_changes_and_removes_values_and_the_log_says_so(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    alice_client.post("/toolkit/values/", {"name": "Play", "description": "Laugh every week"})
    assert names(couple)[-1] == "Play"
    assert "Laugh every week" in bob_client.get("/").content.decode()

    play = SharedValue.objects.get(name="Play")
    bob_client.post(f"/toolkit/values/{play.pk}/", {"name": "Playfulness", "description": ""})
    honesty = SharedValue.objects.get(couple=couple, name="Honesty")
    bob_client.post(f"/toolkit/values/{honesty.pk}/", {"name": "Honesty", "description": "Kind"})
    alice_client.post(f"/toolkit/values/{honesty.pk}/remove/")
    assert names(couple) == ["Respect", "Curiosity", "Generosity", "Playfulness"]

    log = [
        (e.actor.display_name if e.actor else None, e.message)
        for e in ActivityEntry.objects.filter(couple=couple)
    ]
    assert log[:4] == [
        ("Alice", "removed the value “Honesty”"),
        ("Bob", "updated the value “Honesty”"),
        ("Bob", "renamed the value “Play” to “Playfulness”"),
        ("Alice", "added the value “Play”"),
    ]
    page = " ".join(alice_client.get("/couple/").content.decode().split())
    assert "Bob renamed the value “Play” to “Playfulness”" in page


def test_an_empty_or_oversized_value_is_refused(couple: Couple, alice_client: Client) -> None:
    response = alice_client.post("/toolkit/values/", {"name": "", "description": "kept"})
    page = response.content.decode()
    assert "This field is required." in page
    assert "kept" in page
    response = alice_client.post("/toolkit/values/", {"name": "v" * 61})
    assert "at most 60 characters" in response.content.decode()
    assert len(names(couple)) == 4
    assert not ActivityEntry.objects.filter(message__startswith="added").exists()
