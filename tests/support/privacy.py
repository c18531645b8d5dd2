"""A person's export, downloaded as they download it and checked against its schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.test import Client
from jsonschema import Draft202012Validator

from tests.factories import PASSWORD
from tests.support.pages import Response

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text()
)
JSON_URL = "/settings/export/hearth.json"
HTML_URL = "/settings/export/hearth.html"


def enter_password_again(client: Client) -> None:
    """allauth's re-authentication, as a person does it from the password page."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def body(response: Response) -> str:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]


def download(client: Client, url: str) -> str:
    return body(client.get(url))


def exported(client: Client) -> dict[str, Any]:
    """The person's JSON export, checked against its documented schema (JSON's values are
    whatever the document holds: the schema, not a Python type, says what they are)."""
    data: dict[str, Any] = json.loads(download(client, JSON_URL))
    Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(data)
    return data
