from __future__ import annotations

import re

from playwright.sync_api import expect

from agreements.starters import STARTERS
from couples.models import Couple, User
from tests.support.browser import SignedIn, assert_accessible


def test_empty_pages_offer_starters_one_tap_away(
    signed_in: SignedIn, alice: User, couple: Couple
) -> None:
    page = signed_in(alice)
    page.goto("/agreements/")
    expect(page.get_by_role("heading", name="Start from an example")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(f"Start from this.*{STARTERS[0].title}")).click()
    expect(page.get_by_role("button", name="Propose")).to_be_visible()

    page.goto("/toolkit/scripts/")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Start from this")).first.click()
    expect(page.get_by_text("Saved. Only you can see it until you share it.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Start from this"))).to_have_count(0)
