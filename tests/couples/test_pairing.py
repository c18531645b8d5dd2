from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from couples.models import Couple, Membership, User
from tests.factories import PASSWORD
from tests.support.pages import visible_words


def sign_up(client: Client, email: str, name: str, time_zone: str = "Europe/Berlin") -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": email,
            "display_name": name,
            "time_zone": time_zone,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()


def link_in_last_email(to: str, pattern: str) -> str:
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    match = re.search(rf"https?://[^/\s]+({pattern})", str(message.body))
    assert match, message.body
    return match.group(1)


def confirm_email(client: Client, email: str) -> None:
    path = link_in_last_email(email, r"/accounts/confirm-email/[^\s]+/")
    response = client.post(path)
    assert response.status_code == 302


def test_two_people_pair_through_an_emailed_invitation(
    db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    alice, bob = Client(), Client()

    sign_up(alice, "alice@example.com", "Alice")
    confirm_email(alice, "alice@example.com")
    assert "Hello, Alice" in alice.get("/").content.decode()

    alice.post("/couple/new/", {"name": "Our hearth", "time_zone": "Europe/Berlin"})
    with django_capture_on_commit_callbacks(execute=True):
        alice.post("/couple/invite/", {"email": "bob@example.com"})
    invitation_email = mail.outbox[-1]
    assert invitation_email.to == ["bob@example.com"]
    assert invitation_email.subject == "Alice invites you to Hearth"
    join_path = link_in_last_email("bob@example.com", r"/join/[\w-]+/")

    page = bob.get(join_path).content.decode()
    assert "Alice invites you to Our hearth" in page
    sign_up(bob, "bob@example.com", "Bob", "America/New_York")
    confirm_email(bob, "bob@example.com")
    # The pending invitation survives sign-up and confirmation: home leads back to it.
    assert bob.get("/").headers["Location"] == join_path
    response = bob.post(join_path, follow=True)
    # Each is asked once how they want to hear from the other (notices/ask.html).
    assert "How do you want to hear from your partner?" in response.content.decode()
    bob.post("/notifications/ask/", {"later": "1"})
    assert alice.get("/").headers["Location"] == "/notifications/ask/"
    alice.post("/notifications/ask/", {"later": "1"})

    assert "Welcome home, Alice and Bob." in bob.get("/").content.decode()
    assert "Welcome home, Alice and Bob." in alice.get("/").content.decode()
    couple = Couple.objects.get()
    assert sorted(m.user.display_name for m in couple.memberships.all()) == ["Alice", "Bob"]
    assert User.objects.get(email="bob@example.com").time_zone == "America/New_York"


def test_signing_up_without_confirming_does_not_log_you_in(db: None) -> None:
    client = Client()
    sign_up(client, "new@example.com", "New")
    assert client.get("/couple/new/").headers["Location"].startswith("/accounts/login/")
    # Trying to create a space is sent to sign in too, and makes nothing.
    response = client.post("/couple/new/", {"name": "Ours", "time_zone": "UTC"})
    assert response.headers["Location"].startswith("/accounts/login/")
    assert not Couple.objects.exists()
    assert not Membership.objects.exists()


@pytest.mark.parametrize("field", ["display_name", "time_zone"])
def test_sign_up_needs_a_name_and_a_real_time_zone(db: None, field: str) -> None:
    data = {
        "email": "new@example.com",
        "display_name": "New",
        "time_zone": "Europe/Berlin",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data[field] = "" if field == "display_name" else "Mars/Olympus_Mons"
    response = Client().post("/accounts/signup/", data)
    assert response.status_code == 200
    assert not User.objects.exists()
    # What was typed is kept.
    assert 'value="new@example.com"' in response.content.decode()


def flash_messages(page: str) -> list[str]:
    return [visible_words(m) for m in re.findall(r'<p class="notice[^"]*"[^>]*>(.*?)</p>', page)]


def test_signing_up_and_in_says_each_thing_once(db: None) -> None:
    client = Client()
    sign_up(client, "new@example.com", "New")
    page = client.get("/accounts/confirm-email/").content.decode()
    assert flash_messages(page) == [
        "We've sent a link to new@example.com. Open it to confirm the address."
    ]
    assert visible_words(page).count("We've sent") == 1
    confirm_email(client, "new@example.com")
    # Being signed in shows on the page itself: no message says it.
    assert flash_messages(client.get("/").content.decode()) == ["new@example.com is confirmed."]
    client.logout()
    client.post("/accounts/login/", {"login": "new@example.com", "password": PASSWORD})
    assert flash_messages(client.get("/").content.decode()) == []
