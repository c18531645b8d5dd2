from __future__ import annotations

from playwright.sync_api import Page, expect

from couples.models import User
from tests.support.browser import LogIn, assert_accessible


def test_account_pages_are_styled_and_accessible(page: Page, log_in: LogIn, alice: User) -> None:
    log_in(page, "alice@example.com")
    # Signing in entered the password: for a few minutes no page asks for it again.
    for path, heading in [
        ("/settings/", "Your settings"),
        ("/accounts/email/", "Your email addresses"),
        ("/accounts/password/change/", "Change your password"),
        ("/accounts/sessions/", "Where you are signed in"),
        ("/accounts/2fa/", "Two-factor sign-in"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)

    page.goto("/accounts/2fa/totp/activate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    assert_accessible(page)


def test_the_signup_password_field_is_described_by_the_password_rules(page: Page) -> None:
    page.goto("/accounts/signup/")
    password = page.get_by_label("Choose a password")
    described_by = password.get_attribute("aria-describedby")
    assert described_by
    # What a screen reader reads after the field's name: the rules, in the browser's own DOM
    # (parse errors once left this element empty while the server's markup held the rules).
    description = " ".join(
        page.locator(f"[id='{target}']").inner_text() for target in described_by.split()
    )
    assert "at least 8 characters" in description
    assert "entirely numeric" in description


def test_a_signup_error_sits_next_to_its_field_and_the_rules_stay_announced(page: Page) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("new@example.com")
    page.get_by_label("What should your partner see as your name?").fill("Fay")
    page.get_by_label("Choose a password").fill("short")
    page.get_by_label("The same password again").fill("short")
    page.get_by_role("main").get_by_role("button", name="Create my account").click()

    password = page.get_by_label("Choose a password")
    expect(password).to_have_attribute("aria-invalid", "true")
    described_by = password.get_attribute("aria-describedby") or ""
    said = " ".join(
        page.locator(f"[id='{target}']").inner_text() for target in described_by.split()
    )
    assert "This password is too short" in said
    assert "at least 8 characters" in said
    assert_accessible(page)
