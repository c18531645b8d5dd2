"""Hearth installs as an app in Chromium: the manifest loads, the service worker registers
under the strict CSP, the offline page shows when the network is cut, and a private page seen
before is not on the device to be shown again."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from pytest_django.live_server_helper import LiveServer

from couples.models import Couple, User
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, SignedIn, assert_accessible


def watch_console(page: Page) -> list[str]:
    """Console errors, among them every CSP violation, as they happen."""
    errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", keep)
    return errors


def cached_paths(page: Page) -> list[str]:
    """The path of every response the page's origin keeps in its caches."""
    paths: list[str] = page.evaluate(
        """async () => {
            const paths = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
            }
            return paths;
        }"""
    )
    return paths


def controlled(page: Page) -> None:
    """Wait until the service worker is active and answers for this page."""
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_chromium_finds_the_app_installable(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    # A profile of its own: Chromium never offers to install from an incognito window, which
    # is what a fresh browser context is.
    context = browser.browser_type.launch_persistent_context(
        tmp_path, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, base_url=live_server.url
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        errors = watch_console(page)
        page.goto("/")
        controlled(page)
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"].endswith("/manifest.webmanifest")
        assert manifest["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        assert errors == []
    finally:
        context.close()


def test_the_worker_registers_under_the_csp_on_a_members_page(
    signed_in: SignedIn, alice: User, couple: Couple
) -> None:
    page = signed_in(alice)
    errors = watch_console(page)
    page.goto("/checkins/this-week/")
    controlled(page)
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == page.url.split("/checkins/")[0] + "/"
    assert errors == []


def test_the_offline_page_shows_when_the_network_is_cut_and_no_private_page_is_kept(
    signed_in: SignedIn, alice: User, couple: Couple
) -> None:
    page = signed_in(alice)
    errors = watch_console(page)
    page.goto("/")
    controlled(page)
    page.goto("/checkins/this-week/")
    expect(page.get_by_role("heading", name=re.compile(r"^Check-in, "))).to_be_visible()

    page.context.set_offline(True)
    page.goto("/checkins/this-week/")
    expect(page.get_by_role("heading", name="No connection right now")).to_be_visible()
    expect(page.get_by_text("Hearth needs a connection for everything in it")).to_be_visible()
    expect(page.get_by_text("Alice")).to_have_count(0)
    assert_accessible(page)

    page.goto("/")
    expect(page.get_by_role("heading", name="No connection right now")).to_be_visible()

    page.context.set_offline(False)
    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_role("heading", name="No connection right now")).to_have_count(0)
    csp = [e for e in errors if "Content Security Policy" in e]
    assert csp == []


def test_the_worker_keeps_nothing_but_static_files_and_the_offline_page(
    signed_in: SignedIn, alice: User, couple: Couple
) -> None:
    page = signed_in(alice)
    page.goto("/")
    controlled(page)
    for path in ("/checkins/this-week/", "/agreements/", "/settings/", "/couple/"):
        page.goto(path)
    urls = cached_paths(page)
    assert "/offline/" in urls
    assert [url for url in urls if url != "/offline/" and not url.startswith("/static/")] == []
