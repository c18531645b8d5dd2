from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from couples.models import User
from tests.factories import PASSWORD
from tests.support.people import client_for


def test_logging_in_with_email_and_password(alice: User) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    assert "Hello, Alice" in client.get("/").content.decode()


def test_repeated_wrong_passwords_are_slowed_down(alice: User) -> None:
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"login": "alice@example.com", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_resetting_a_forgotten_password(alice: User) -> None:
    Client().post("/accounts/password/reset/", {"email": "alice@example.com"})
    body = mail.outbox[-1].body
    found = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", str(body))
    assert found, body
    path = found.group(1)
    client = Client()
    form_page = client.get(path, follow=True)
    new = "a brand new quiet morning"
    response = client.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/email/", "Email Addresses"),
        ("/accounts/password/change/", "Change Password"),
        ("/accounts/2fa/", "Two-Factor Authentication"),
        ("/accounts/sessions/", "Sessions"),
    ],
)
def test_account_pages_use_hearths_layout(alice: User, path: str, heading: str) -> None:
    page = client_for(alice).get(path).content.decode()
    assert heading in page
    assert 'aria-label="Account"' in page  # the account sub-navigation
    assert "css/hearth" in page  # Hearth's stylesheet, not allauth's bare pages


def test_ending_other_sessions(alice: User) -> None:
    other = Client()
    other.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    mine = Client()
    mine.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    assert "Sessions" in mine.get("/accounts/sessions/").content.decode()
    mine.post("/accounts/sessions/", {"action": "logout"})
    assert other.get("/settings/").headers["Location"] == "/accounts/login/?next=/settings/"
    assert "Your settings" in mine.get("/settings/").content.decode()
