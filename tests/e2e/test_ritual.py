"""Two partners through their weeks in two browsers: at each step the home's first card names
each one's next action; on a phone the own form's first field is on the first screen; a closed
week is its summary with no controls; the history keeps no ledger. Weeks pass through the
database: each check-in moves a week into the past."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, ViewportSize, expect

from checkins.models import CheckIn
from couples.models import Couple, User
from tests.support.browser import Screenshot, SignedIn, assert_accessible
from tests.support.checkins import ensure_library

PHONE: ViewportSize = {"width": 390, "height": 844}
CONTROLS = ("Another question", "Skip it this week", "Mark this challenge resolved")


def card(page: Page, title: str, shot: Screenshot | None = None) -> None:
    """The home's first card names `title` as the reader's next step (saved as a picture of
    the home in that state when `shot` is given and $HEARTH_SCREENSHOTS names a folder)."""
    page.goto("/")
    expect(page.locator("#this-week h2")).to_have_text(title)
    if shot is not None:
        shot(page, f"home-{page.locator('#this-week').get_attribute('data-step')}")


def a_week_passes() -> None:
    """Every check-in moves a week into the past, oldest first (one week per couple apiece)."""
    for checkin in CheckIn.objects.order_by("week_start"):
        checkin.week_start -= timedelta(weeks=1)
        checkin.save(update_fields=["week_start"])


def first_field_on_first_screen(page: Page) -> None:
    box = page.get_by_label("One small win").bounding_box()
    assert box is not None
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= PHONE["height"], box


def write_and_share(page: Page, win: str, challenge: str, partner: str) -> None:
    page.goto("/")
    page.locator("#this-week").get_by_role("link").first.click()
    page.get_by_label("One small win").fill(win)
    page.get_by_label("One remaining challenge").fill(challenge)
    page.get_by_role("button", name=f"Share with {partner}").click()


def test_two_partners_go_through_their_weeks_led_by_the_home(
    signed_in: SignedIn, screenshot: Screenshot, couple: Couple, alice: User, bob: User
) -> None:
    ensure_library()
    alice_page = signed_in(alice, PHONE)
    bob_page = signed_in(bob)

    for week in range(2):
        shot = screenshot if week == 0 else None
        card(alice_page, "Write yours", shot)
        card(bob_page, "Write yours", shot)
        alice_page.locator("#this-week").get_by_role("link", name="Write yours").click()
        # On a phone the form comes first: its first field is on the first screen, with the
        # agenda folded above it.
        first_field_on_first_screen(alice_page)
        fold = alice_page.locator("details.fold#before-you-start")
        expect(fold).not_to_have_attribute("open", "")
        if week:
            fold.get_by_text("Before you start").click()
            expect(fold.get_by_text("Walk after dinner")).to_be_visible()
        assert_accessible(alice_page)

        write_and_share(alice_page, f"win {week}", f"alice challenge {week}", "Bob")
        card(alice_page, "Waiting for Bob", shot)
        card(bob_page, "Alice shared — your turn", shot)
        write_and_share(bob_page, f"bob win {week}", f"bob challenge {week}", "Alice")
        card(alice_page, "You've both shared: read together", shot)
        card(bob_page, "You've both shared: read together", shot)

        # Reading together: both entries side by side, then "Now listen".
        bob_page.locator("#this-week").get_by_role("link").click()
        expect(bob_page.locator(".pair")).to_contain_text(f"alice challenge {week}")
        expect(bob_page.get_by_role("heading", name="Now listen")).to_be_visible()
        bob_page.get_by_label("What I heard is …").fill("money makes you brace")
        bob_page.get_by_role("button", name="Say what I heard").click()
        card(bob_page, "What you heard is with Alice", shot)
        card(alice_page, "Bob is waiting for your “yes, that's it”", shot)
        alice_page.locator("#this-week").get_by_role("link").click()
        alice_page.get_by_role("button", name="Yes, that's it").click()
        card(alice_page, "Say what you heard", shot)
        card(bob_page, "Alice is saying what they heard", shot)
        alice_page.locator("#this-week").get_by_role("link").click()
        alice_page.get_by_label("What I heard is …").fill("evenings feel lost")
        alice_page.get_by_role("button", name="Say what I heard").click()
        bob_page.goto("/")
        bob_page.locator("#this-week").get_by_role("link").click()
        bob_page.get_by_role("button", name="Yes, that's it").click()

        card(alice_page, "Agree a small step", shot)
        card(bob_page, "Agree a small step", shot)
        alice_page.locator("#this-week").get_by_role("link").click()
        alice_page.get_by_label("Propose one small step for next week").fill("Walk after dinner")
        alice_page.get_by_role("button", name="Propose").click()
        card(alice_page, "Your small step is with Bob", shot)
        card(bob_page, "Agree a small step", shot)
        bob_page.locator("#this-week").get_by_role("link").click()
        bob_page.get_by_role("button", name="Agree and close the week").click()
        card(alice_page, "Done — well done, both of you", shot)
        card(bob_page, "Done — well done, both of you", shot)
        assert_accessible(bob_page)

        # The closed week: its summary first, and no controls.
        bob_page.locator("#this-week").get_by_role("link").click()
        expect(bob_page.locator("main h2").first).to_have_text("Done — well done, both of you.")
        for control in CONTROLS:
            expect(bob_page.get_by_role("button", name=control)).to_have_count(0)
        expect(bob_page.locator("main form")).to_have_count(0)
        a_week_passes()

    # The history: no partner's open challenge, no missed weeks, no counts.
    alice_page.goto("/checkins/")
    assert_accessible(alice_page)
    still = alice_page.locator("#still-with-you")
    still.get_by_text("Your challenges still open").click()
    expect(still).to_contain_text("alice challenge 1")
    expect(still).not_to_contain_text("bob challenge")
    expect(alice_page.locator("main")).not_to_contain_text("missed")
    expect(alice_page.locator("svg")).to_have_count(0)
