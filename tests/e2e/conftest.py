"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from couples.models import User
from tests.factories import PASSWORD
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    LogIn,
    NewContext,
    Screenshot,
    SignedIn,
)
from tests.support.people import client_for


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives Chromium, so `-m "not browser"` leaves them all out."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("install Chromium: apt-get install -y chromium")
    # Playwright's sync API keeps an event loop running in the test thread while it lives, and
    # Django refuses database access (test database setup and teardown, queries in tests)
    # from a thread with a running loop unless told this is on purpose.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server: LiveServer) -> Iterator[NewContext]:
    """Open independent browser contexts (separate cookies: one per person) on the live server.

    No bypass_csp: Playwright evaluates scripts such as axe-core through the DevTools protocol,
    which the page's Content-Security-Policy does not govern, so pages are tested under the
    same strict CSP that people get."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: NewContext) -> Page:
    return new_context().new_page()


@pytest.fixture
def signed_in(new_context: NewContext, live_server: LiveServer) -> SignedIn:
    """Open a page in a browser of `user`'s own (own cookies, own time zone), already signed in.

    The session comes from a test client's login, so a test starts where its story starts;
    `log_in` goes through the login form instead."""

    def open_page(user: User, viewport: ViewportSize | None = None) -> Page:
        options: dict[str, Any] = {"timezone_id": user.time_zone}
        if viewport is not None:
            options["viewport"] = viewport
        context = new_context(**options)
        cookie = settings.SESSION_COOKIE_NAME
        session = client_for(user).cookies[cookie].value
        context.add_cookies([{"name": cookie, "value": session, "url": live_server.url}])
        return context.new_page()

    return open_page


@pytest.fixture
def log_in() -> LogIn:
    """Sign a page in through the login form with the factories' password, as a person does."""

    def submit(page: Page, email: str) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    return submit


@pytest.fixture
def screenshot() -> Screenshot:
    """Save what `page` shows, top to bottom, as NAME.png in the folder $HEARTH_SCREENSHOTS
    names; without it, do nothing."""
    folder = os.environ.get(SCREENSHOTS, "")

    def save(page: Page, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=Path(folder) / f"{name}.png", full_page=True, animations="disabled"
            )

    return save
