from __future__ import annotations

from playwright.sync_api import Page, expect

from couples.models import User
from tests.factories import PASSWORD
from tests.support.browser import LogIn, assert_accessible


def test_account_pages_are_styled_and_accessible(page: Page, log_in: LogIn, alice: User) -> None:
    log_in(page, "alice@example.com")
    # Changing the password asks for it again first: entered once, it holds for a few minutes.
    page.goto("/accounts/password/change/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Access")
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Password")
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
    if page.get_by_label("Password").count():  # allauth asks to confirm the password first
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    assert_accessible(page)
