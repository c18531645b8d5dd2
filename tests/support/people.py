"""Alice and Bob (a couple) and Charlie (always the outsider, a member of another couple), as
the fixtures build them, and the browsers they sign in with."""

from __future__ import annotations

import re
import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from django.test import Client

from couples.models import Couple, Membership, User
from tests.factories import PASSWORD, CoupleFactory, UserFactory, pair


def make_alice() -> User:
    return UserFactory.create(
        email="alice@example.com", display_name="Alice", time_zone="Europe/Berlin"
    )


def make_bob() -> User:
    return UserFactory.create(
        email="bob@example.com", display_name="Bob", time_zone="America/New_York"
    )


def make_couple(alice: User, bob: User) -> Couple:
    return pair(alice, bob, couple=CoupleFactory.create(name="Alice & Bob"))


def make_charlie() -> User:
    """Always the outsider: a member of another couple."""
    user = UserFactory.create(email="charlie@example.com", display_name="Charlie")
    pair(user, couple=CoupleFactory.create(name="Charlie's place"))
    return user


def client_for(user: User) -> Client:
    """A browser `user` has just signed in with, having entered their password a moment ago:
    within the few minutes' grace, sensitive acts do not ask for it again (tests/couples/
    test_reauth.py travels past the grace, or signs in without it, to see them ask)."""
    client = Client()
    client.force_login(user)
    password_entered_now(client, user)
    return client


def reenter_password(client: Client) -> None:
    """The person in `client` re-enters their password on allauth's page, as a browser would
    when a sensitive act asks for it."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def password_entered_now(client: Client, user: User) -> None:
    """Record in `client`'s session that `user` entered their password just now, as allauth's
    re-authentication page records it."""
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


def join_as_new_partner(inviter: Client, name: str) -> tuple[User, Client]:
    """`inviter` makes an invitation link on the couple page; a new person opens it and joins
    through the join page."""
    inviter.post("/couple/invite/", {"email": ""})
    join_path = re.search(r"/join/[\w-]+/", inviter.get("/couple/").content.decode())
    assert join_path, "no invitation link on the couple page"
    newcomer = UserFactory.create(display_name=name)
    client = client_for(newcomer)
    assert client.post(join_path.group(0)).status_code == 302
    assert Membership.objects.filter(user=newcomer).exists()
    return newcomer, client
