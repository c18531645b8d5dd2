from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from pytest_django import Settings

MESSAGE = (
    "From: Hearth <hearth@localhost>\nTo: alice@example.com\nSubject: Reset your password\n"
    "Content-Type: text/plain\n\nOpen http://127.0.0.1:8000/accounts/password/reset/key/abc/\n"
)


@pytest.fixture
def one_mail(settings: Settings, tmp_path: Path) -> None:
    settings.DEBUG = True
    settings.MAIL_DIR = tmp_path
    (tmp_path / "20261130-000000-1.eml").write_text(MESSAGE)


def test_a_developer_on_this_machine_reads_sent_mail(one_mail: None) -> None:
    page = Client(REMOTE_ADDR="127.0.0.1").get("/dev/mail/")
    assert page.status_code == 200
    assert "Reset your password" in page.content.decode()
    message = Client(REMOTE_ADDR="::1").get("/dev/mail/20261130-000000-1/")
    assert "/accounts/password/reset/key/abc/" in message.content.decode()


@pytest.mark.parametrize("path", ["/dev/mail/", "/dev/mail/20261130-000000-1/"])
def test_another_machine_never_reads_sent_mail(one_mail: None, path: str) -> None:
    response = Client(REMOTE_ADDR="192.168.1.20").get(path)
    assert response.status_code == 404
    assert "Reset your password" not in response.content.decode()


def test_sent_mail_is_not_served_with_debug_off(one_mail: None, settings: Settings) -> None:
    settings.DEBUG = False
    assert Client(REMOTE_ADDR="127.0.0.1").get("/dev/mail/").status_code == 404


def test_a_request_without_an_address_is_refused(one_mail: None) -> None:
    assert Client(REMOTE_ADDR="").get("/dev/mail/").status_code == 404
