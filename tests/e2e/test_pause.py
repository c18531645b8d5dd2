from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from agreements.services import PauseDefaults
from couples.models import Couple, User
from tests.support.browser import PHONE, SignedIn, assert_accessible

PHRASES = PauseDefaults().signal_phrases


def tab_to(page: Page, target: Locator, presses: int = 40) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_bob_asks_for_a_pause_and_alice_sees_it_without_reloading(
    signed_in: SignedIn, alice: User, bob: User, couple: Couple
) -> None:
    alice_page = signed_in(alice)
    alice_page.goto("/")
    expect(alice_page.get_by_text("Welcome home, Alice and Bob.")).to_be_visible()

    bob_page = signed_in(bob)
    bob_page.goto("/")
    bob_page.get_by_role("link", name="I need a pause").click()
    expect(bob_page.get_by_role("heading", name="Need a pause?")).to_be_visible()
    assert_accessible(bob_page)
    bob_page.get_by_label(PHRASES[1]).check()
    bob_page.get_by_label("How long do you need?").select_option("30")
    expect(bob_page.locator("output")).to_have_text(re.compile(r"^\w{3} \d\d:\d\d$"))
    bob_page.get_by_role("button", name="Start the pause").click()

    expect(bob_page.get_by_role("heading", name="You're taking a pause")).to_be_visible()
    expect(bob_page.get_by_role("timer")).to_have_text(re.compile(r"^(29|30):\d\d left$"))
    assert_accessible(bob_page)

    # Alice's page has been open all along; the banner arrives by polling.
    banner = alice_page.locator("#pause-banner")
    expect(banner).to_contain_text(f"Bob asked for a pause: “{PHRASES[1]}”", timeout=5_000)
    assert_accessible(alice_page)
    banner.get_by_role("link", name="Open the pause page").click()
    expect(alice_page.get_by_role("heading", name="Bob asked for a pause")).to_be_visible()
    expect(
        alice_page.get_by_text("You don't need to do anything now. Bob plans to come back by")
    ).to_be_visible()
    expect(alice_page.locator(".pause-screen .breathing")).to_be_attached()
    expect(alice_page.get_by_text("Try not to rehearse the argument")).to_be_visible()
    expect(alice_page.get_by_role("button", name="I'm ready to come back")).to_be_hidden()
    assert_accessible(alice_page)

    # Bob's pause page is open; Alice's optional "Take your time" reaches it by polling.
    alice_page.get_by_role("button", name="Take your time").click()
    expect(alice_page.get_by_text("You said: take your time.")).to_be_visible()
    expect(bob_page.locator("#pause-banner")).to_contain_text(
        "Your partner says: take your time.", timeout=5_000
    )
    assert_accessible(bob_page)

    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=True):
        alice_page.reload()
        alice_page.get_by_role("button", name="I'm ready to come back").click()
        expect(alice_page.get_by_text("You're ready to come back.")).to_be_visible()
        assert_accessible(alice_page)

        bob_page.reload()
        expect(
            bob_page.get_by_text("Alice is ready to come back, whenever you are.")
        ).to_be_visible()
        bob_page.get_by_role("button", name="I'm ready to come back").click()
        expect(bob_page.get_by_text("You're both ready. The pause has ended.")).to_be_visible()
        expect(bob_page.get_by_text("Start gently: what do you each need now?")).to_be_visible()
        expect(bob_page.get_by_role("button", name="Start the pause")).to_have_count(0)
        assert_accessible(bob_page)

        # Alice's pause page was open: it leads her to the same way back in.
        expect(alice_page.get_by_text("Start gently: what do you each need now?")).to_be_visible(
            timeout=8_000
        )
        expect(alice_page.get_by_role("button", name="Start the pause")).to_have_count(0)
        assert_accessible(alice_page)


def test_the_pause_button_and_page_work_by_keyboard(
    signed_in: SignedIn, alice: User, couple: Couple
) -> None:
    page = signed_in(alice)
    page.goto("/")
    tab_to(page, page.get_by_role("link", name="I need a pause"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Need a pause?")).to_be_visible()

    tab_to(page, page.get_by_label(PHRASES[0]))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label(PHRASES[1])).to_be_checked()
    tab_to(page, page.get_by_label("How long do you need?"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("How long do you need?")).to_have_value("30")
    tab_to(page, page.get_by_role("button", name="Start the pause"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="You're taking a pause")).to_be_visible()
    expect(page.get_by_text(PHRASES[1])).to_be_visible()
    page.get_by_text("If you need something else").click()
    tab_to(page, page.get_by_role("button", name="Extend the pause"))
    tab_to(page, page.get_by_role("button", name="End the pause now"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("The pause has ended. Welcome back.").first).to_be_visible()


def test_on_a_phone_the_pause_starts_from_the_first_screen(
    signed_in: SignedIn, alice: User, couple: Couple
) -> None:
    page = signed_in(alice, PHONE)
    page.goto("/")
    page.get_by_role("link", name="I need a pause").click()
    start = page.get_by_role("button", name="Start the pause")
    box = start.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= PHONE["height"], box
    # The other words are one tap away, and choosing one keeps the button in reach.
    page.get_by_text("Other words").click()
    page.get_by_label("I need a hug").check()
    start.click()
    expect(page.get_by_role("heading", name="You're taking a pause")).to_be_visible()
    expect(page.get_by_text("“I need a hug”")).to_be_visible()
    assert_accessible(page)
