"""Every answer Hearth gives carries its security headers, in production settings: each URL
pattern for a visitor and a member (plain, htmx and POST), the error pages, allauth's pages,
the calendar feed, the unsubscribe page and a static file."""

from __future__ import annotations

import functools
import os
import re
import runpy
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from config import settings as settings_module
from config import urls as project_urls
from couples.models import Couple, User
from schedules import services as schedule_services
from schedules.models import ReminderDelivery
from tests.support.routes import OBJECT_ARGS, World, every_route, sample_path

# What config/settings.py decides from DEBUG alone; the rest of a test run's settings stay.
SECURITY_SETTINGS = (
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REFERRER_POLICY",
    "SECURE_CSP",
    "PERMISSIONS_POLICY",
    "X_FRAME_OPTIONS",
    "MIDDLEWARE",
)
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort")


@functools.cache
def hearth_settings(debug: bool) -> dict[str, Any]:
    """config/settings.py as it reads in an environment with DEBUG on or off."""
    saved = dict(os.environ)
    os.environ.update({"DEBUG": str(debug).lower(), "SECRET_KEY": "x" * 50})
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        os.environ.pop(name, None)
    try:
        module = runpy.run_path(str(settings_module.__file__))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {name: module[name] for name in SECURITY_SETTINGS}


@pytest.fixture
def production(settings: Any) -> None:
    for name, value in hearth_settings(debug=False).items():
        setattr(settings, name, value)


def browser(user: User | None = None, **kwargs: Any) -> Client:
    """A browser reaching Hearth over HTTPS through the proxy, as in production."""
    client = Client(raise_request_exception=False, HTTP_X_FORWARDED_PROTO="https", **kwargs)
    if user is not None:
        client.force_login(user)
    return client


def assert_hardened(response: HttpResponse, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, where
    assert "default-src 'self'" in csp, where
    assert "unsafe-inline" not in csp, where
    assert "unsafe-eval" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    ), where
    policy = headers.get("Permissions-Policy", "")
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in policy, (where, feature)
    for name, morsel in response.cookies.items():
        if morsel.value:
            assert morsel["secure"], (where, name)
    if response.cookies.get("sessionid") and response.cookies["sessionid"].value:
        assert response.cookies["sessionid"]["httponly"], where
    if headers.get("Content-Type", "").startswith("text/html"):
        assert_scripts_carry_the_nonce(response.getvalue().decode(), csp, where)


def assert_scripts_carry_the_nonce(page: str, csp: str, where: str) -> None:
    """With no 'unsafe-inline', an inline script runs only with this answer's nonce (scripts from
    Hearth's own files run by 'self'; JSON data blocks never run), and inline styles and event
    handlers would be dropped by the browser, so a page has none."""
    nonce = re.search(r"'nonce-([^']+)'", csp)
    for tag in re.findall(r"<script\b[^>]*>", page):
        if " src=" not in tag and 'type="application/json"' not in tag:
            assert nonce, (where, tag)
            assert f'nonce="{nonce[1]}"' in tag, (where, tag)
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", page), where


def answers_for(client: Client, path: str) -> Iterator[tuple[str, HttpResponse]]:
    yield f"GET {path}", client.get(path)
    yield f"htmx GET {path}", client.get(path, headers={"HX-Request": "true"})
    yield f"POST {path}", client.post(path)
    yield f"htmx POST {path}", client.post(path, headers={"HX-Request": "true"})


@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("route", every_route(), ids=lambda r: r.route)
def test_every_url_answers_with_the_security_headers(
    route: Any, couple: Couple, alice: User
) -> None:
    kwargs = OBJECT_ARGS[route.name](World(couple, alice)) if route.name in OBJECT_ARGS else {}
    url = sample_path(route, kwargs)
    for client in (browser(), browser(alice)):
        for where, response in answers_for(client, url):
            assert response.status_code != 500, where
            assert_hardened(response, where)


@pytest.mark.usefixtures("production")
def test_the_calendar_feed_and_the_unsubscribe_page_carry_the_headers(
    couple: Couple, alice: User
) -> None:
    feed = schedule_services.reset_calendar_feed(user=alice)
    schedule = couple.schedules.get()
    delivery = ReminderDelivery(schedule=schedule, recipient=alice, offset_minutes=60)
    token = schedule_services.unsubscribe_token(delivery)
    client = browser()
    calendar = client.get(f"/calendar/{feed.token}.ics")
    assert calendar.status_code == 200
    assert_hardened(calendar, "calendar feed")
    for answer in (
        client.get(f"/schedule/unsubscribe/{token}/"),
        client.post(f"/schedule/unsubscribe/{token}/"),
    ):
        assert answer.status_code == 200
        assert_hardened(answer, "unsubscribe")


@pytest.mark.usefixtures("production")
def test_allauth_pages_and_a_static_file_carry_the_headers(alice: User) -> None:
    client = browser()
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        response = client.get(url)
        assert response.status_code == 200
        assert_hardened(response, url)
    signed_in = client.post(
        "/accounts/login/", {"login": "alice@example.com", "password": "a calm evening walk"}
    )
    assert signed_in.status_code == 302
    assert_hardened(signed_in, "signing in")
    # Changing the password first asks for it again: the page asking carries the headers too.
    for url in ("/accounts/email/", "/accounts/password/change/", "/accounts/sessions/"):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert_hardened(response, url)
    stylesheet = client.get("/static/css/hearth.css")
    assert stylesheet.status_code == 200
    assert_hardened(stylesheet, "a static file")


def broken_view(request: object) -> None:
    raise RuntimeError("broken")


urlpatterns = [path("broken/", broken_view), *project_urls.urlpatterns]


@pytest.mark.urls("tests.test_headers")
@pytest.mark.usefixtures("production")
def test_error_pages_carry_the_headers(couple: Couple, alice: User) -> None:
    strict = browser(alice, enforce_csrf_checks=True)
    answers = {
        "not found": (404, browser().get("/no/such/page/")),
        "server error": (500, browser().get("/broken/")),
        "missing CSRF token": (
            403,
            strict.post("/couple/leave/", headers={"referer": "https://testserver/couple/"}),
        ),
        "unknown host": (400, browser().get("/", headers={"host": "evil.example"})),
        "wrong method": (405, browser(alice).delete("/toolkit/")),
        "plain HTTP": (301, Client().get("/toolkit/")),
    }
    for where, (status, response) in answers.items():
        assert response.status_code == status, where
        if where != "plain HTTP":
            assert_hardened(response, where)


@pytest.mark.parametrize("debug", [True, False])
def test_no_script_ever_reads_the_session_cookie(debug: bool) -> None:
    assert hearth_settings(debug)["SESSION_COOKIE_HTTPONLY"] is True


def test_signing_in_sets_an_http_only_session_cookie_with_debug_on(alice: User) -> None:
    client = Client()
    client.post(
        "/accounts/login/", {"login": "alice@example.com", "password": "a calm evening walk"}
    )
    assert client.cookies["sessionid"]["httponly"]
