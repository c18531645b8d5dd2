"""Hearth runs as several processes: two gunicorn workers, the Celery worker and beat. What one
of them changes, every other one sees on its next request: who is signed in, whether a pause is
on, how many wrong passwords were tried. Each test drives two real server processes (A and B)
on the test database, as a browser does whose requests reach different workers."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from agreements import tasks
from couples.models import Couple, User
from tests.factories import PASSWORD, UserFactory
from tests.support.servers import Answer, Visitor

pytestmark = pytest.mark.usefixtures("transactional_db")


def with_real_password(user: User) -> None:
    """The servers check passwords with Hearth's own hasher, not the tests' fast one."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "processtestsalt")
    user.save(update_fields=["password"])


def log_in(browser: Visitor, server: str, user: User, password: str = PASSWORD) -> Answer:
    return browser.post(server, "/accounts/login/", {"login": user.email, "password": password})


def stamp_of(answer_body: str) -> str:
    match = re.search(r"/pause/banner/\?v=([^&\"]+)", answer_body)
    assert match, answer_body
    return match.group(1)


def shown_pause(answer_body: str) -> str:
    match = re.search(r"/pause/banner/\?v=[^&\"]+&amp;p=(\d+)", answer_body)
    assert match, answer_body
    return match.group(1)


def test_a_log_out_through_one_process_is_refused_by_the_other_at_once(
    servers: tuple[str, str], alice: User
) -> None:
    a, b = servers
    browser = Visitor.signed_in(alice)
    assert browser.get(b, "/settings/").status == 200
    old_cookie = browser.copy()

    assert browser.post(a, "/accounts/logout/").status == 302

    for server in (b, a):
        answer = old_cookie.get(server, "/settings/")
        assert answer.status == 302
        assert answer.location.startswith("/accounts/login/")


def test_signing_out_other_sessions_through_one_process_ends_them_in_the_other(
    servers: tuple[str, str], alice: User
) -> None:
    a, b = servers
    with_real_password(alice)
    laptop, phone = Visitor(), Visitor()
    assert log_in(laptop, a, alice).status == 302
    assert log_in(phone, b, alice).status == 302
    assert phone.get(b, "/settings/").status == 200

    assert laptop.post(a, "/accounts/sessions/", {"action": "logout"}).status == 302

    answer = phone.get(b, "/settings/")
    assert answer.status == 302
    assert answer.location.startswith("/accounts/login/")
    assert laptop.get(b, "/settings/").status == 200


def test_a_pause_started_through_one_process_reaches_a_poll_to_the_other_at_once(
    servers: tuple[str, str], alice: User, bob: User, couple: Couple
) -> None:
    a, b = servers
    alice_browser, bob_browser = Visitor.signed_in(alice), Visitor.signed_in(bob)
    stamp = stamp_of(bob_browser.get(b, "/pause/banner/").body)
    assert bob_browser.get(b, f"/pause/banner/?v={stamp}").status == 204

    started = alice_browser.post(a, "/pause/", {"phrase": "I need a pause", "minutes": "20"})
    assert started.status == 302

    answer = bob_browser.get(b, f"/pause/banner/?v={stamp}")
    assert answer.status == 200
    assert "Alice asked for a pause: “I need a pause”" in answer.markup


def test_a_pause_ended_by_the_celery_task_reaches_every_process(
    servers: tuple[str, str], alice: User, bob: User, couple: Couple
) -> None:
    a, b = servers
    alice_browser, bob_browser = Visitor.signed_in(alice), Visitor.signed_in(bob)
    alice_browser.post(a, "/pause/", {"phrase": "I need a pause", "minutes": "20"})
    shown = {}
    for browser, server in ((alice_browser, a), (bob_browser, b)):
        banner = browser.get(server, "/pause/banner/")
        assert "asked for a pause" in banner.markup
        shown[server] = (browser, stamp_of(banner.body), shown_pause(banner.body))
        assert browser.get(server, f"/pause/banner/?v={shown[server][1]}").status == 204

    # A day later beat runs the task in the worker: here, in this process.
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        tasks.end_overdue_pauses.delay()

    for server, (browser, stamp, pause_id) in shown.items():
        answer = browser.get(server, f"/pause/banner/?v={stamp}&p={pause_id}")
        assert answer.status == 200, server
        assert "The pause has ended. Welcome back." in answer.markup


def test_wrong_passwords_counted_through_one_process_slow_down_the_other(
    servers: tuple[str, str],
) -> None:
    a, b = servers
    # An address of its own: the servers count attempts in a store every test process shares
    # (Redis on CI), and the five minutes of slowing down must not reach another test's Alice.
    person = UserFactory.create(email=f"guesser-{uuid.uuid4().hex}@example.com")
    with_real_password(person)
    browser = Visitor()
    for _ in range(5):
        wrong = log_in(browser, a, person, password="wrong")
        assert "That email and password do not match." in wrong.markup

    answer = log_in(browser, b, person)
    assert "Too many failed login attempts" in answer.markup
    assert browser.get(b, "/settings/").status == 302
