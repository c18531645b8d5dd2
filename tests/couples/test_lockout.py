"""Wrong passwords slow down whoever sends them, never the person whose address they name:
they are counted per address and network (config/accounts.py, SECURITY.md)."""

from __future__ import annotations

from django.test import Client

from couples.models import User
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def from_network(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_the_owner_signs_in_while_someone_elsewhere_fails_with_her_address(alice: User) -> None:
    elsewhere = from_network("203.0.113.7")
    for _ in range(6):
        elsewhere.post(LOGIN, {"login": alice.email, "password": "a guess"})
    refused = elsewhere.post(LOGIN, {"login": alice.email, "password": PASSWORD})
    assert "Too many failed login attempts" in refused.content.decode()

    at_home = from_network("198.51.100.20")
    response = at_home.post(LOGIN, {"login": alice.email, "password": PASSWORD})

    assert response.status_code == 302
    assert at_home.session["_auth_user_id"] == str(alice.pk)


def test_wrong_passwords_from_one_network_are_slowed_down_for_every_address(
    alice: User, bob: User
) -> None:
    guesser = from_network("203.0.113.7")
    for i in range(10):
        guesser.post(LOGIN, {"login": f"someone{i}@example.com", "password": "a guess"})
    response = guesser.post(LOGIN, {"login": bob.email, "password": "a guess"})
    assert "Too many failed login attempts" in response.content.decode()


def test_behind_a_proxy_the_visitors_own_address_is_counted(alice: User, settings: object) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    proxy = "10.0.0.2"
    guesser = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    for _ in range(6):
        guesser.post(LOGIN, {"login": alice.email, "password": "a guess"})
    owner = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    response = owner.post(LOGIN, {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 302
