from __future__ import annotations

from playwright.sync_api import Page, expect

from couples.models import User
from tests.support.browser import LogIn, assert_accessible


def test_account_pages_are_styled_and_accessible(page: Page, log_in: LogIn, alice: User) -> None:
    log_in(page, "alice@example.com")
    # Signing in entered the password: for a few minutes no page asks for it again.
    for path, heading in [
        ("/settings/", "Your settings"),
        ("/accounts/email/", "Email Addresses"),
        ("/accounts/password/change/", "Change Password"),
        ("/accounts/sessions/", "Where you are signed in"),
        ("/accounts/2fa/", "Two-Factor Authentication"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)

    page.goto("/accounts/2fa/totp/activate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    assert_accessible(page)
