from __future__ import annotations

import pytest
from django.test import Client

from tests.support.privacy import enter_password_again


@pytest.fixture
def signed_in_again(alice_client: Client, bob_client: Client) -> tuple[Client, Client]:
    """Alice and Bob, each having just entered their password again."""
    for client in (alice_client, bob_client):
        enter_password_again(client)
    return alice_client, bob_client
