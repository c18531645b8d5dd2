from __future__ import annotations

import re

from playwright.sync_api import expect

from couples.models import Couple, User
from tests.support.browser import SignedIn, assert_accessible


def test_a_new_couple_chooses_its_values_together(
    signed_in: SignedIn, alice: User, bob: User, couple: Couple
) -> None:
    alice_page = signed_in(alice)
    alice_page.goto("/")
    expect(alice_page.get_by_role("link", name="Choose your values together")).to_be_visible()
    alice_page.get_by_role("link", name="Choose our values").click()
    expect(alice_page.get_by_text("None yet.")).to_be_visible()
    assert_accessible(alice_page)
    alice_page.get_by_role("button", name=re.compile(r"^Curiosity")).click()
    alice_page.get_by_role("button", name=re.compile(r"^Honesty")).click()
    expect(alice_page.get_by_role("heading", name="You picked")).to_be_visible()
    assert_accessible(alice_page)

    bob_page = signed_in(bob)
    bob_page.goto("/toolkit/values/")
    expect(bob_page.get_by_role("heading", name="Your partner picked")).to_be_visible()
    bob_page.get_by_role("button", name=re.compile("Yes, ours.*Curiosity")).click()
    expect(bob_page.get_by_text("“Curiosity” is one of your values.")).to_be_visible()
    bob_page.get_by_role("button", name=re.compile("Not for us.*Honesty")).click()
    assert_accessible(bob_page)

    alice_page.goto("/")
    expect(alice_page.locator("strong", has_text="Curiosity")).to_be_visible()
    expect(alice_page.get_by_text("Honesty")).to_have_count(0)
