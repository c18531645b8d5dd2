"""After "Sign out", the browser's Back button shows no private words: pages about a person are
sent `no-store`, so Chromium keeps them in neither its back/forward cache nor its disk cache and
asks Hearth again, which now sends the visitor to sign in."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from couples.models import Couple, User
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, LogIn
from toolkit.models import TriggerScript

PRIVATE = "the door slams at night"


@pytest.fixture(scope="module")
def chromium_as_people_have_it(browser: Browser) -> Iterator[Browser]:
    """Chromium with its back/forward cache on, as in people's browsers (Playwright turns it
    off by default, and then Back would ask the server again whatever the page said)."""
    launched = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"],
        headless=True,
    )
    yield launched
    launched.close()


def test_back_after_logging_out_shows_no_private_words(
    chromium_as_people_have_it: Browser,
    live_server: LiveServer,
    log_in: LogIn,
    couple: Couple,
    alice: User,
) -> None:
    TriggerScript.objects.create(
        couple=couple, author=alice, when_i_notice=PRIVATE, i_will="Breathe and step outside."
    )
    context = chromium_as_people_have_it.new_context(base_url=live_server.url)
    page: Page = context.new_page()
    log_in(page, alice.email)
    page.goto("/toolkit/scripts/")
    expect(page.get_by_text(PRIVATE)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    # A page restored from the back/forward cache fires no load event: wait for the commit.
    page.go_back(wait_until="commit")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_text(PRIVATE)).to_have_count(0)
    context.close()
