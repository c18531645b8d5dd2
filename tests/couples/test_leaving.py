from __future__ import annotations

from django.test import Client

from couples import services
from couples.models import ActivityEntry, Couple, Membership, User
from tests.conftest import client_for
from tests.factories import UserFactory


def test_leaving_ends_access_at_once_and_the_partner_keeps_the_space(
    couple: Couple, alice_client: Client, bob_client: Client, bob: User
) -> None:
    assert bob_client.get("/couple/leave/").status_code == 200
    response = bob_client.post("/couple/leave/", follow=True)
    assert "You have left Alice &amp; Bob." in response.content.decode()

    for path in ("/couple/", "/couple/leave/", "/couple/invite/"):
        assert bob_client.get(path).headers.get("Location") == "/", path
    assert "Welcome home" not in bob_client.get("/").content.decode()
    assert not Membership.objects.filter(user=bob).exists()

    page = " ".join(alice_client.get("/couple/").content.decode().split())
    assert "A former partner left the space" in page
    assert Couple.objects.filter(pk=couple.pk).exists()


def test_the_last_person_leaving_deletes_the_space(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    bob_client.post("/couple/leave/")
    alice_client.post("/couple/leave/")
    assert not Couple.objects.exists()
    assert not ActivityEntry.objects.exists()


def test_someone_who_left_can_start_a_new_space(couple: Couple, bob_client: Client) -> None:
    bob_client.post("/couple/leave/")
    bob_client.post("/couple/new/", {"name": "Fresh start", "time_zone": "America/New_York"})
    assert Couple.objects.filter(name="Fresh start").exists()


def test_a_member_cannot_create_a_second_space(couple: Couple, alice_client: Client) -> None:
    response = alice_client.post("/couple/new/", {"name": "Another", "time_zone": "UTC"})
    assert response.headers["Location"] == "/couple/"
    assert not Couple.objects.filter(name="Another").exists()


def test_creating_a_space_re_shows_what_was_typed_when_invalid(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    response = client.post("/couple/new/", {"name": "Ours", "time_zone": "Not/AZone"})
    assert response.status_code == 200
    assert 'value="Ours"' in response.content.decode()
    assert not Couple.objects.exists()


def test_a_new_partner_reads_the_activity_from_when_they_joined(
    couple: Couple, alice: User, alice_client: Client, bob_client: Client
) -> None:
    alice_client.post("/couple/", {"name": "Before Fay", "time_zone": "Europe/Berlin"})
    bob_client.post("/couple/leave/")
    _invitation, token = services.invite_partner(couple=couple, inviter=alice)
    fay = UserFactory(display_name="Fay")
    client_for(fay).post(f"/join/{token}/")

    fays = " ".join(client_for(fay).get("/couple/").content.decode().split())
    assert "Fay joined the space" in fays
    assert "updated the space" not in fays
    assert "left the space" not in fays
    alices = " ".join(alice_client.get("/couple/").content.decode().split())
    assert "Alice updated the space" in alices
    assert "A former partner left the space" in alices
