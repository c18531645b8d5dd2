from __future__ import annotations

import re

from playwright.sync_api import expect

from couples.models import Couple, User
from tests.support.browser import SignedIn, assert_accessible


def test_alice_proposes_bob_counter_proposes_alice_accepts_and_both_compare(
    signed_in: SignedIn, couple: Couple, alice: User, bob: User
) -> None:
    alice_page = signed_in(alice)
    alice_page.goto("/")
    alice_page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    expect(alice_page.get_by_role("heading", name="Agreements", level=1)).to_be_visible()
    assert_accessible(alice_page)

    alice_page.get_by_role("link", name="Propose a new agreement").click()
    assert_accessible(alice_page)
    alice_page.get_by_role("link", name="Start from “Device-free times”").click()
    text = alice_page.get_by_label("The agreement, in your own words")
    expect(text).to_contain_text("Our phones stay out of reach during dinner")
    assert_accessible(alice_page)
    text.fill("Our phones stay in the hallway during dinner and the last hour before sleep.")
    alice_page.get_by_role("button", name="Propose").click()
    expect(alice_page.get_by_text("Proposed. It comes into force")).to_be_visible()
    expect(alice_page.get_by_text("Waiting for your partner's answer.")).to_be_visible()
    assert_accessible(alice_page)

    bob_page = signed_in(bob)
    bob_page.goto("/agreements/")
    waiting = bob_page.get_by_role("region", name="Waiting for your answer")
    assert_accessible(bob_page)
    waiting.get_by_role("link", name="Device-free times").click()
    expect(bob_page.get_by_role("heading", name="Proposed agreement")).to_be_visible()
    assert_accessible(bob_page)
    bob_page.get_by_role("button", name="Suggest other words").click()
    bob_text = bob_page.get_by_label("The agreement, in your own words")
    expect(bob_text).to_have_value(re.compile("the last hour before sleep"))
    assert_accessible(bob_page)
    bob_text.fill("Our phones stay in a drawer during dinner and the last half hour before sleep.")
    bob_page.get_by_role("button", name="Propose").click()
    expect(bob_page.get_by_text("Proposed. Your partner will find it waiting.")).to_be_visible()

    alice_page.reload()
    second_tab = alice_page.context.new_page()
    second_tab.goto(alice_page.url)
    alice_page.get_by_role("button", name="Accept").click()
    expect(alice_page.get_by_text("Accepted. This is now what you both agree to.")).to_be_visible()
    in_force = alice_page.get_by_role("region", name="What you agree to now")
    expect(in_force).to_contain_text("the last half hour before sleep")
    assert_accessible(alice_page)

    # The same proposal accepted again from a tab opened before: refused, with the state now.
    second_tab.get_by_role("button", name="Accept").click()
    expect(second_tab.get_by_role("alert")).to_have_text(
        "That proposal is no longer open (accepted). Here is where things stand now."
    )
    expect(second_tab.get_by_role("region", name="What you agree to now")).to_contain_text(
        "the last half hour before sleep"
    )
    assert_accessible(second_tab)

    detail = alice_page.url
    for page in (alice_page, bob_page):
        page.goto(detail)
        page.get_by_role("link", name="Compare with the one before").first.click()
        expect(page.get_by_role("heading", name="Compare two versions")).to_be_visible()
        diff = page.locator(".diff")
        expect(diff.locator("del")).to_have_text("[removed: the hallway]")
        expect(diff.locator("ins").first).to_have_text("[added: a drawer]")
        expect(diff.locator("ins").last).to_have_text("[added: half ]")
        assert_accessible(page)
