from __future__ import annotations

import re

from playwright.sync_api import expect

from couples.models import Couple, User
from tests.support.browser import SignedIn, assert_accessible

# Polling runs every four seconds; allow a few rounds.
LIVE = 12_000


def test_two_partners_fill_in_the_week_at_the_same_time(
    signed_in: SignedIn, couple: Couple, alice: User, bob: User
) -> None:
    alice_page = signed_in(alice)
    bob_page = signed_in(bob)
    for page in (alice_page, bob_page):
        page.goto("/")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Check-in").click()
        expect(page).to_have_url(re.compile(r"/checkins/\d{4}-W\d{2}/$"))
    alice_sees_bob = alice_page.locator("#partner-status")
    bob_sees_alice = bob_page.locator("#partner-status")
    expect(bob_sees_alice).to_have_text("not started yet")
    assert_accessible(alice_page)

    # Alice types; her draft saves itself and Bob sees her writing, without reloading.
    alice_page.get_by_label("One small win").fill("We cooked together on Tuesday 🍲")
    alice_page.get_by_label("One remaining challenge").fill("I still tense up about money")
    alice_page.get_by_label("Tender").check()
    expect(alice_page.locator("#save-state")).to_contain_text("Saved privately", timeout=LIVE)
    expect(bob_sees_alice).to_have_text("writing", timeout=LIVE)

    # Bob writes at the same time.
    bob_page.get_by_label("One small win").fill("I asked for help at work")
    bob_page.get_by_label("One remaining challenge").fill("Evenings go to screens")
    expect(alice_sees_bob).to_have_text("writing", timeout=LIVE)

    # Alice shares first; Bob sees that, never her words.
    alice_page.get_by_role("button", name="Share with Bob").click()
    expect(alice_page.get_by_text("It opens for both of you when Bob shares too.")).to_be_visible()
    expect(bob_sees_alice).to_have_text("shared", timeout=LIVE)
    expect(bob_page.get_by_text("We cooked together on Tuesday")).to_have_count(0)
    expect(alice_page.get_by_text("I asked for help at work")).to_have_count(0)

    # Bob shares second: both entries open at once, on both screens.
    bob_page.get_by_role("button", name="Share with Alice").click()
    expect(bob_page.get_by_text("We cooked together on Tuesday 🍲")).to_be_visible()
    expect(alice_page.get_by_text("I asked for help at work")).to_be_visible(timeout=LIVE)
    expect(alice_page.get_by_role("heading", name="Side by side")).to_be_visible()
    assert_accessible(alice_page)

    # Bob says what he heard; Alice confirms; the reply opens for Bob.
    bob_page.get_by_label("What I heard is …").fill("money talk makes you brace yourself")
    bob_page.get_by_role("button", name="Say what I heard").click()
    alice_page.reload()
    alice_page.get_by_role("button", name="Yes, that's it").click()
    bob_page.reload()
    bob_page.get_by_label("A reply or a suggestion").fill("Shall we look at it on Sundays?")
    bob_page.get_by_role("button", name="Send reply").click()
    expect(bob_page.get_by_text("You replied: Shall we look at it on Sundays?")).to_be_visible()

    # Alice proposes the step, Bob agrees, the week closes warmly.
    alice_page.get_by_label("Propose one small step for next week").fill(
        "A Sunday money chat, tea first"
    )
    alice_page.get_by_role("button", name="Propose").click()
    bob_page.reload()
    bob_page.get_by_role("button", name="Agree and close the week").click()
    expect(bob_page.get_by_role("heading", name="Done — well done, both of you.")).to_be_visible()
    assert_accessible(bob_page)

    bob_page.goto("/checkins/")
    expect(bob_page.get_by_role("heading", name="Our check-ins")).to_be_visible()
    assert_accessible(bob_page)
