"""Every answer Hearth gives carries its security headers, in production settings: each URL
pattern for a visitor and a member (plain, htmx, POST and unusual methods), the error pages
(an over-long address included), allauth's pages, the calendar feed, the unsubscribe page and a
static file. No browser or shared cache keeps a page about a person: the header survey walks
every URL pattern as a visitor, a member and another couple's member.

`pytest -n 0 -s tests/test_headers.py -k survey` prints the survey as a table."""

from __future__ import annotations

import functools
import os
import re
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponseBase
from django.test import Client
from django.urls import path

from config import settings as settings_module
from config import urls as project_urls
from couples.models import Couple, User
from schedules import services as schedule_services
from schedules.models import ReminderDelivery
from tests.support.hostile.world import Objects
from tests.support.routes import OBJECT_ARGS, World, every_route, sample_path

# What config/settings.py decides from DEBUG alone; the rest of a test run's settings stay.
SECURITY_SETTINGS = (
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
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
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD"):
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


def assert_hardened(response: HttpResponseBase, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, where
    assert "default-src 'self'" in csp, where
    assert "unsafe-inline" not in csp, where
    assert "unsafe-eval" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Strict-Transport-Security") == "max-age=31536000; includeSubDomains", where
    policy = headers.get("Permissions-Policy", "")
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in policy, (where, feature)
    for name, morsel in response.cookies.items():
        if morsel.value:
            assert morsel["secure"], (where, name)
    for name in ("sessionid", "csrftoken"):
        if response.cookies.get(name) and response.cookies[name].value:
            assert response.cookies[name]["httponly"], (where, name)
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


def answers_for(client: Client, path: str) -> Iterator[tuple[str, HttpResponseBase]]:
    yield f"GET {path}", client.get(path)
    yield f"htmx GET {path}", client.get(path, headers={"HX-Request": "true"})
    yield f"POST {path}", client.post(path)
    yield f"htmx POST {path}", client.post(path, headers={"HX-Request": "true"})
    for method in UNUSUAL_METHODS:
        yield f"{method} {path}", client.generic(method, path)


UNUSUAL_METHODS = ("PUT", "OPTIONS", "PROPFIND")


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


def broken_view(request: HttpRequest) -> NoReturn:
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
        "over-long address": (414, browser(alice).get("/toolkit/?q=" + "a" * 5000)),
    }
    for where, (status, response) in answers.items():
        assert response.status_code == status, where
        if where != "plain HTTP":
            assert_hardened(response, where)


@pytest.mark.parametrize("debug", [True, False])
def test_no_script_ever_reads_the_session_or_csrf_cookie(debug: bool) -> None:
    assert hearth_settings(debug)["SESSION_COOKIE_HTTPONLY"] is True
    assert hearth_settings(debug)["CSRF_COOKIE_HTTPONLY"] is True


def test_htmx_sends_the_csrf_token_from_the_page_and_no_script_reads_cookies() -> None:
    root = Path(settings_module.__file__).resolve().parent.parent
    assert (
        'data-hx-headers=\'{"X-CSRFToken": "{{ csrf_token }}"}\''
        in (root / "templates" / "base.html").read_text()
    )
    for script in (root / "static" / "js").glob("*.js"):
        assert "cookie" not in script.read_text().lower(), script.name


def test_hsts_preload_is_sent_only_when_the_deployer_asks_for_it(settings: Any) -> None:
    for name, value in hearth_settings(debug=False).items():
        setattr(settings, name, value)
    assert "preload" not in browser().get("/").headers["Strict-Transport-Security"]
    settings.SECURE_HSTS_PRELOAD = True
    assert browser().get("/").headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    os.environ["SECURE_HSTS_PRELOAD"] = "true"
    try:
        asked = runpy.run_path(str(settings_module.__file__))["SECURE_HSTS_PRELOAD"]
    finally:
        del os.environ["SECURE_HSTS_PRELOAD"]
    assert asked is True


# The header survey: who asks, and the Cache-Control each answer carries.
NO_STORE = "no-store, private"


def kept_as_it_says(name: str, signed_in: bool) -> bool:
    """Whether an answer of the URL named `name` may keep its own caching (config.settings)."""
    if name in django_settings.CACHEABLE_FOR_EVERYONE:
        return True
    return name in django_settings.CACHEABLE_PAGES and not signed_in


@pytest.mark.usefixtures("production")
def test_the_header_survey_finds_no_page_about_a_person_that_a_cache_may_keep(
    couple: Couple, alice: User, charlie: User
) -> None:
    people = {"anonymous": browser(), "member": browser(alice), "outsider": browser(charlie)}
    rows = []
    wrong = []
    things = Objects(couple, alice)  # each made once, however many URLs name it
    for route in every_route():
        kwargs = OBJECT_ARGS[route.name](things) if route.name in OBJECT_ARGS else {}
        url = sample_path(route, kwargs)
        row = [route.route or "/"]
        for who, client in people.items():
            seen = set()
            for where, response in (
                ("GET", client.get(url)),
                ("htmx GET", client.get(url, headers={"HX-Request": "true"})),
            ):
                cache = response.headers.get("Cache-Control", "(none)")
                seen.add(f"{response.status_code} {cache}")
                if cache != NO_STORE and not kept_as_it_says(route.name, who != "anonymous"):
                    wrong.append(f"{who} {where} {url} -> {response.status_code} {cache}")
            row.append(" / ".join(sorted(seen)))
        rows.append(row)
    static = {who: client.get("/static/css/hearth.css") for who, client in people.items()}
    rows.append(
        [
            "static/css/hearth.css",
            *(f"{r.status_code} {r['Cache-Control']}" for r in static.values()),
        ]
    )
    print("\n| URL pattern | anonymous | member | outsider |\n|---|---|---|---|")
    print("\n".join("| " + " | ".join(row) + " |" for row in rows))
    assert not wrong, "\n".join(wrong)
    assert all(r["Cache-Control"] == "max-age=60, public" for r in static.values())


@pytest.mark.usefixtures("production")
def test_the_landing_and_static_files_keep_their_caching_and_every_page_of_a_member_is_not_kept(
    alice: User,
) -> None:
    assert "Cache-Control" not in browser().get("/").headers
    assert browser(alice).get("/").headers["Cache-Control"] == NO_STORE
    assert browser(alice).get("/no/such/page/").headers["Cache-Control"] == NO_STORE
    assert browser().get("/no/such/page/").headers["Cache-Control"] == NO_STORE


def test_signing_in_sets_an_http_only_session_cookie_with_debug_on(alice: User) -> None:
    client = Client()
    client.post(
        "/accounts/login/", {"login": "alice@example.com", "password": "a calm evening walk"}
    )
    assert client.cookies["sessionid"]["httponly"]
