from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.support.browser import NewContext, assert_accessible, link_in_email


def sign_up(page: Page, *, email: str, name: str, time_zone: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("What should your partner see as your name?").fill(name)
    page.get_by_label("Your time zone").select_option(time_zone)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()


def confirm_email(page: Page, *, email: str) -> None:
    page.goto(link_in_email(email, r"/accounts/confirm-email/[^/\s]+/"))
    expect(page.get_by_role("heading", name="Confirm your email")).to_be_visible()


def test_two_people_pair_through_the_invitation_link(new_context: NewContext) -> None:
    alice = new_context().new_page()
    alice.goto("/")
    expect(alice.get_by_role("heading", name="A calm place for the two of you")).to_be_visible()
    assert_accessible(alice)

    alice.get_by_role("button", name="Create an account").click()
    expect(alice.get_by_role("heading", name="Create your account")).to_be_visible()
    assert_accessible(alice)
    sign_up(alice, email="alice@example.com", name="Alice", time_zone="Europe/Berlin")
    assert_accessible(alice)

    confirm_email(alice, email="alice@example.com")
    assert_accessible(alice)
    alice.get_by_role("button", name="Confirm").click()
    expect(alice.get_by_role("heading", name="Hello, Alice")).to_be_visible()
    assert_accessible(alice)

    alice.get_by_role("link", name="Create our space").click()
    expect(alice.get_by_role("heading", name="Create your shared space")).to_be_visible()
    assert_accessible(alice)
    alice.get_by_label("Name").fill("Our hearth")
    alice.get_by_label("Home time zone").select_option("Europe/Berlin")
    alice.get_by_role("button", name="Create our space").click()

    expect(alice).to_have_url(re.compile(r"/couple/$"))
    expect(alice.get_by_role("heading", name="Our hearth", level=1)).to_be_visible()
    assert_accessible(alice)
    alice.get_by_label("Your partner's email (optional)").fill("bob@example.com")
    alice.get_by_role("button", name="Create invitation").click()
    expect(alice.get_by_text("Invitation sent to bob@example.com.")).to_be_visible()
    join_path = link_in_email("bob@example.com", r"/join/[^/\s]+/")

    bob = new_context(timezone_id="America/New_York").new_page()
    bob.goto(join_path)
    invites_bob = bob.get_by_role("heading", name="Alice invites you to Our hearth")
    expect(invites_bob).to_be_visible()
    assert_accessible(bob)

    bob.get_by_role("button", name="Create an account").click()
    # static/js/hearth.js (allowed by the CSP nonce) starts the list at the browser's zone.
    expect(bob.get_by_label("Your time zone")).to_have_value("America/New_York")
    sign_up(bob, email="bob@example.com", name="Bob", time_zone="America/New_York")
    confirm_email(bob, email="bob@example.com")
    bob.get_by_role("button", name="Confirm").click()

    expect(bob).to_have_url(re.compile(re.escape(join_path) + "$"))
    expect(invites_bob).to_be_visible()
    assert_accessible(bob)
    bob.get_by_role("button", name="Join Our hearth").click()

    # Each is asked once how they want to hear from the other; nothing is on until they say.
    question = "How do you want to hear from your partner?"
    expect(bob.get_by_role("heading", name=question)).to_be_visible()
    assert_accessible(bob)
    bob.get_by_role("radio", name="Email").first.check()
    bob.get_by_role("button", name="Save my choices").click()
    greeting = "Welcome home, Alice and Bob."
    expect(bob.get_by_text(greeting)).to_be_visible()
    assert_accessible(bob)
    alice.goto("/")
    expect(alice.get_by_role("heading", name=question)).to_be_visible()
    alice.get_by_role("button", name="Decide later").click()
    expect(alice.get_by_text(greeting)).to_be_visible()


def test_the_layout_works_by_keyboard(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
