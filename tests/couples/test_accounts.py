from __future__ import annotations

import re

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.http import HttpResponse, HttpResponseBase
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
        ("/accounts/email/", "Your email addresses"),
        ("/accounts/password/change/", "Change your password"),
        ("/accounts/2fa/", "Two-factor sign-in"),
        ("/accounts/sessions/", "Where you are signed in"),
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


def words_of(response: HttpResponseBase) -> str:
    assert isinstance(response, HttpResponse)
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/accounts/signup/", "Create your account"),
        ("/accounts/login/", "Welcome back"),
        ("/accounts/password/reset/", "Forgot your password?"),
        ("/accounts/password/reset/done/", "Check your email"),
        ("/accounts/password/reset/key/1-set-wrong/", "This link has expired"),
        ("/accounts/confirm-email/wrong/", "This link has expired or was already used."),
    ],
)
def test_the_pages_before_signing_in_speak_hearths_words(db: None, path: str, said: str) -> None:
    page = words_of(Client().get(path, follow=True))
    assert said in page
    for library_words in ("Sign Up", "Then please", "Please contact us", "Bad Token"):
        assert library_words not in page


def test_the_two_factor_pages_speak_hearths_words_once_it_is_on(alice: User) -> None:
    TOTP.activate(alice, generate_totp_secret())
    RecoveryCodes.activate(alice)
    client = client_for(alice)
    assert "On: signing in asks for a code from your app." in words_of(client.get("/accounts/2fa/"))
    codes = words_of(client.get("/accounts/2fa/recovery-codes/"))
    assert "10 of 10 left." in codes
    deactivate = words_of(client.get("/accounts/2fa/totp/deactivate/"))
    assert "Turn off two-factor sign-in?" in deactivate

    signing_in = Client()
    signing_in.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert "One more step" in words_of(signing_in.get("/accounts/2fa/authenticate/"))
