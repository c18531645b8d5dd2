"""Browser tests' helpers: Debian's Chromium as Playwright drives it, the viewports, axe-core's
WCAG check and links read from emails. The fixtures that open browsers are in
tests/e2e/conftest.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import BrowserContext, Page, ViewportSize

from couples.models import User

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
# Set to a folder (`make screenshots` uses var/screenshots/) to keep pictures of the pages the
# browser tests visit; unset, nothing is saved.
SCREENSHOTS = "HEARTH_SCREENSHOTS"
DESKTOP = ViewportSize(width=1024, height=768)
PHONE = ViewportSize(width=390, height=844)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

NewContext = Callable[..., BrowserContext]
LogIn = Callable[[Page, str], None]


class SignedIn(Protocol):
    def __call__(self, user: User, viewport: ViewportSize | None = None) -> Page: ...


Screenshot = Callable[[Page, str], None]


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now and fail with each WCAG 2.2 A/AA violation."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    violations = Axe().run(page, options=options).response["violations"]
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']}: {violation['help']} ({violation['helpUrl']})")
            lines.extend(f"    {node['target']}: {node['html']}" for node in violation["nodes"])
        pytest.fail("\n".join(lines), pytrace=False)


def link_in_email(to: str, pattern: str) -> str:
    """The path of the first link matching `pattern` in the latest email sent to `to`.

    Only the path is kept: links in Hearth's own emails start with SITE_URL, not the live
    server's address."""
    sent_to = [message for message in mail.outbox if to in message.to]
    assert sent_to, f"no email was sent to {to}; sent: {[m.to for m in mail.outbox]}"
    body = str(sent_to[-1].body)
    match = re.search(rf"https?://[^/\s]+({pattern})", body)
    assert match, f"no link matching {pattern!r} in the email to {to}:\n{body}"
    return match.group(1)
