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


def test_the_signup_password_field_is_described_by_the_password_rules(page: Page) -> None:
    page.goto("/accounts/signup/")
    password = page.locator("#id_password1")
    described_by = password.get_attribute("aria-describedby")
    assert described_by
    # What a screen reader reads after the field's name: the rules, in the browser's own DOM.
    description = page.locator(f"#{described_by}")
    expect(description).to_contain_text("at least 8 characters")
    expect(description).to_contain_text("entirely numeric")
