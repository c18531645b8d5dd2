"""Settings is one page in five groups, each saved on its own; reminder choices save as they
change (htmx) and still save with their button without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from pytest_django import Settings

from couples.models import Couple
from tests.support.pages import markup, visible_words


def test_settings_are_grouped_in_one_calm_page(couple: Couple, alice_client: Client) -> None:
    page = alice_client.get("/settings/")
    assert page.status_code == 200
    groups = re.findall(r"<h2 id=\"[a-z-]+\">([^<]+)</h2>", markup(page))
    assert [g for g in groups if g in GROUPS] == GROUPS


GROUPS = ["Profile", "Notifications", "Calendar", "Privacy & data", "Security"]


def test_downloading_your_data_comes_before_deleting_your_account(
    couple: Couple, alice_client: Client
) -> None:
    words = visible_words(alice_client.get("/settings/"))
    assert words.index("Download your data") < words.index("Delete your account")


def test_reminder_choices_save_as_they_change_and_with_their_button(
    couple: Couple, alice_client: Client
) -> None:
    page = markup(alice_client.get("/settings/"))
    form = re.search(r"<form [^>]*action=\"/schedule/reminders/\"[^>]*>", page)
    assert form is not None
    assert 'data-hx-post="/schedule/reminders/"' in form.group()
    assert 'data-hx-trigger="change"' in form.group()
    assert "Save reminder choices" in page


def test_the_components_page_is_shown_only_while_debugging(settings: Settings) -> None:
    settings.DEBUG = True
    page = Client().get("/dev/components/")
    assert page.status_code == 200
    assert "Hearth's components" in visible_words(page)
    settings.DEBUG = False
    assert Client().get("/dev/components/").status_code == 404


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_theme_colour_follows_the_page_background(alice_client: Client, scheme: str) -> None:
    page = alice_client.get("/settings/").content.decode()
    colour = re.search(
        rf'<meta name="theme-color" content="(#[0-9a-f]+)" media="\(prefers-color-scheme: {scheme}\)">',
        page,
    )
    assert colour is not None
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "hearth.css").read_text()
    dark = css.index("@media (prefers-color-scheme: dark)")
    where = css[dark:] if scheme == "dark" else css[:dark]
    assert f"--bg: {colour.group(1)};" in where
