"""The main menu: every section's link, and the page a member is on marked as current, in both
the wide row and the narrow menu (base.html, `config.context_processors.nav`)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from couples import services as couple_services
from tests.factories import UserFactory
from tests.support.pages import visible_words

PAGES = [
    ("/", "Home"),
    ("/checkins/", "Check-in"),
    ("/agreements/", "Agreements"),
    ("/pause/", "I need a pause"),
    ("/schedule/", "Schedule"),
    ("/toolkit/", "Toolkit"),
    ("/toolkit/values/", "Toolkit"),
    ("/couple/", "Our space"),
    ("/settings/", "Settings"),
]
MENU = {
    "Home": "/",
    "Check-in": "/checkins/this-week/",
    "Agreements": "/agreements/",
    "I need a pause": "/pause/",
    "Schedule": "/schedule/",
    "Toolkit": "/toolkit/",
    "Our space": "/couple/",
    "Settings": "/settings/",
}


def _nav(html: str) -> str:
    return html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]


def _current(html: str) -> set[str]:
    return set(re.findall(r'aria-current="page"[^>]*>([^<]+)</a>', _nav(html)))


@pytest.mark.parametrize(("path", "section"), PAGES)
def test_the_page_a_member_is_on_is_marked_in_the_menu(
    alice_client: Client, path: str, section: str
) -> None:
    html = alice_client.get(path, follow=True).content.decode()
    assert _current(html) == {section}
    # Once in the wide row and once in the narrow menu (the pause button has its own place).
    assert len(re.findall(r'aria-current="page"', _nav(html))) == (
        3 if section == "I need a pause" else 2
    )


def test_the_menu_links_to_every_section(alice_client: Client) -> None:
    nav = _nav(alice_client.get("/").content.decode())
    for label, href in MENU.items():
        assert re.search(rf'<a href="{re.escape(href)}"[^>]*>{re.escape(label)}</a>', nav), label
    assert 'action="/accounts/logout/"' in nav


def test_a_visitor_sees_sign_in_and_sign_up_only(client: Client) -> None:
    nav = _nav(client.get("/").content.decode())
    assert re.findall(r">([^<]+)</a>", nav) == ["Hearth", "Sign in", "Sign up"]
    assert 'href="/accounts/login/"' in nav
    assert "aria-current" not in nav


def test_the_pages_a_visitor_meets_say_sign_in_never_log_in(client: Client, db: None) -> None:
    dana = UserFactory.create()
    couple = couple_services.create_couple(user=dana, name="Waiting room", time_zone="UTC")
    _, token = couple_services.invite_partner(couple=couple, inviter=dana)
    for path in ("/", f"/join/{token}/", "/accounts/login/", "/accounts/signup/"):
        words = visible_words(client.get(path).content.decode()).lower()
        assert "sign in" in words, path
        assert "log in" not in words, path
