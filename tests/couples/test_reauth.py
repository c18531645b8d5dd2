"""Sensitive acts ask for the password again unless it was entered in the last few minutes:
changing email or password, turning two-factor on or off, leaving the space, deleting the
account. A new password ends the other sessions; the sessions page signs out everywhere else."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from couples.models import Couple, Membership, User
from tests.factories import PASSWORD
from tests.support.pages import Response
from tests.support.people import client_for

NEW_PASSWORD = "a slow sunday morning"
GRACE = timedelta(minutes=5)


@contextmanager
def later() -> Iterator[None]:
    """Just past the grace since the password was last entered."""
    with time_machine.travel(timezone.now() + GRACE + timedelta(seconds=5), tick=False):
        yield


def asks_for_password(response: Response, path: str) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location.startswith(
        f"/accounts/reauthenticate/?{urlencode({'next': path})}"
    )


def signed_in_for_real(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


# Each sensitive act: how to attempt it, and whether it happened.
Act = tuple[str, Callable[[Client], Response], Callable[[User], bool]]


SECRET = generate_totp_secret()


def with_totp(user: User) -> None:
    TOTP.activate(user, SECRET)


def sign_in(user: User) -> Client:
    """Through the login page with the password, and the code when two-factor is on."""
    client = signed_in_for_real(user)
    if Authenticator.objects.filter(user=user, type="totp").exists():
        counter = next(yield_hotp_counters_from_time())
        code = format_hotp_value(hotp_value(SECRET, counter))
        assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    return client


ACTS: dict[str, Act] = {
    "email change": (
        "/accounts/email/",
        lambda c: c.post("/accounts/email/", {"action_add": "", "email": "new@example.com"}),
        lambda u: EmailAddress.objects.filter(user=u, email="new@example.com").exists(),
    ),
    "password change": (
        "/accounts/password/change/",
        lambda c: c.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ),
        lambda u: User.objects.get(pk=u.pk).check_password(NEW_PASSWORD),
    ),
    "two-factor on": (
        "/accounts/2fa/totp/activate/",
        lambda c: c.get("/accounts/2fa/totp/activate/"),
        # The page that shows the secret to scan: reaching it is what re-authentication guards.
        lambda u: True,
    ),
    "two-factor off": (
        "/accounts/2fa/totp/deactivate/",
        lambda c: c.post("/accounts/2fa/totp/deactivate/"),
        lambda u: not Authenticator.objects.filter(user=u, type="totp").exists(),
    ),
    "leaving": (
        "/couple/leave/",
        lambda c: c.post("/couple/leave/", {"tell_partner": "email"}),
        lambda u: not Membership.objects.filter(user=u).exists(),
    ),
    "deleting": (
        "/settings/delete/",
        lambda c: c.post("/settings/delete/", {"confirm": "on"}),
        lambda u: not User.objects.filter(pk=u.pk).exists(),
    ),
}


@pytest.fixture
def acting(couple: Couple, alice: User, request: pytest.FixtureRequest) -> Act:
    act: Act = ACTS[request.param]
    if request.param == "two-factor off":
        with_totp(alice)
    return act


@pytest.mark.parametrize("acting", ACTS, indirect=True)
def test_a_stale_session_is_sent_to_enter_the_password_again(alice: User, acting: Act) -> None:
    path, attempt, happened = acting
    client = client_for(alice)
    with later():
        response = attempt(client)
    assert asks_for_password(response, path), (response.status_code, response.headers)
    if path != "/accounts/2fa/totp/activate/":
        assert not happened(alice)


@pytest.mark.parametrize("acting", ACTS, indirect=True)
def test_a_session_that_just_entered_the_password_proceeds(alice: User, acting: Act) -> None:
    path, attempt, happened = acting
    client = client_for(alice)
    with later():
        assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
        response = attempt(client)
        assert not asks_for_password(response, path)
        # Each act redirects once done, but for the page that shows the secret to scan.
        assert response.status_code == (200 if path == "/accounts/2fa/totp/activate/" else 302)
    assert happened(alice)


@pytest.mark.parametrize("acting", ACTS, indirect=True)
def test_signing_in_with_the_password_counts_as_entering_it(alice: User, acting: Act) -> None:
    path, attempt, happened = acting
    client = sign_in(alice)
    assert client.session["_auth_user_id"] == str(alice.pk)
    response = attempt(client)
    assert not asks_for_password(response, path), response.headers
    assert response.status_code in (200, 302)
    assert happened(alice)


def test_a_person_who_just_signed_in_exports_without_being_asked_again(
    couple: Couple, alice: User
) -> None:
    client = signed_in_for_real(alice)
    response = client.get("/settings/export/hearth.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")


def test_the_grace_of_signing_in_runs_out_like_any_other(couple: Couple, alice: User) -> None:
    client = signed_in_for_real(alice)
    with later():
        assert asks_for_password(client.get("/couple/leave/"), "/couple/leave/")
        assert asks_for_password(
            client.get("/settings/export/hearth.json"), "/settings/export/hearth.json"
        )


def test_a_session_signed_in_without_entering_the_password_lately_is_asked_too(
    couple: Couple, alice: User
) -> None:
    client = Client()
    client.force_login(alice)
    assert asks_for_password(client.get("/couple/leave/"), "/couple/leave/")
    assert asks_for_password(client.get("/settings/delete/"), "/settings/delete/")


def test_entering_the_password_carries_on_with_the_act_that_asked_for_it(
    couple: Couple, alice: User
) -> None:
    client = client_for(alice)
    with later():
        asked = client.post("/couple/leave/", {"tell_partner": "next_visit"})
        assert asks_for_password(asked, "/couple/leave/")
        assert Membership.objects.filter(user=alice).exists()
        response = client.post(asked.headers["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert not Membership.objects.filter(user=alice).exists()
    assert Membership.objects.get().partner_left_notice


def test_a_wrong_password_is_refused_and_nothing_happens(couple: Couple, alice: User) -> None:
    client = client_for(alice)
    with later():
        asked = client.post("/settings/delete/", {"confirm": "on"})
        response = client.post(asked.headers["Location"], {"password": "not it"})
    assert response.status_code == 200
    assert "Incorrect password." in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(alice: User) -> None:
    here, elsewhere = signed_in_for_real(alice), signed_in_for_real(alice)
    away = elsewhere.cookies["sessionid"].value
    assert elsewhere.get("/settings/").status_code == 200
    assert here.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=away).exists()
    assert elsewhere.get("/settings/").headers["Location"].startswith("/accounts/login/")
    assert here.get("/settings/").status_code == 200
    assert UserSession.objects.filter(user=alice).count() == 1


def test_the_sessions_page_lists_each_browser_and_signs_out_everywhere_else(
    alice: User, words: Callable[..., str]
) -> None:
    here, elsewhere = signed_in_for_real(alice), signed_in_for_real(alice)
    assert "Where you are signed in" in words(here.get("/settings/"))
    page = words(here.get("/accounts/sessions/"))
    assert page.count("This browser") == 1
    assert "Sign out everywhere else" in page

    here.post("/accounts/sessions/")

    assert elsewhere.get("/settings/").headers["Location"].startswith("/accounts/login/")
    assert here.get("/settings/").status_code == 200
    page = words(here.get("/accounts/sessions/"))
    assert "This is the only place you are signed in." in page


@pytest.mark.parametrize("browsers", [1, 20])
def test_the_sessions_page_adds_only_allauths_own_check_for_each_session(
    alice: User, browsers: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    here = signed_in_for_real(alice)
    for _ in range(browsers - 1):
        signed_in_for_real(alice)
    # allauth's page checks that each listed session still exists and still signs its person
    # in (three queries a session: its own design, which keeps the list true); Hearth's
    # template adds nothing per session.
    with django_assert_num_queries(SESSIONS_PAGE_QUERIES + PER_SESSION * browsers):
        assert here.get("/accounts/sessions/").status_code == 200


# The session, the user, the person's sessions, and their membership (for the menu).
SESSIONS_PAGE_QUERIES = 4
PER_SESSION = 3
