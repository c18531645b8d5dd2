from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from couples.models import Couple
from tests.support.browser import LogIn, NewContext, assert_accessible


def open_tool(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Toolkit").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    assert_accessible(page)


def test_both_partners_use_the_toolkit(
    new_context: NewContext, log_in: LogIn, couple: Couple
) -> None:
    alice = new_context().new_page()
    log_in(alice, "alice@example.com")
    alice.get_by_role("navigation", name="Main").get_by_role("link", name="Toolkit").click()
    expect(alice.get_by_role("heading", name="Toolkit", level=1)).to_be_visible()
    assert_accessible(alice)

    open_tool(alice, "Our words")
    alice.get_by_label("Group").select_option("need")
    alice.get_by_role("textbox", name="Phrase").fill("I need a walk outside")
    alice.get_by_role("button", name="Add phrase").click()
    needs = alice.get_by_role("region", name="I need…").locator(".chip-text")
    expect(needs.last).to_have_text("I need a walk outside")
    # Each phrase is a chip with a small menu of what can be done with it.
    alice.locator("summary", has_text="Change “I need a walk outside”").click()
    alice.get_by_role("button", name="Move up “I need a walk outside”").click()
    expect(needs.nth(-2)).to_have_text("I need a walk outside")
    alice.locator("summary", has_text="Change “I need a hug”").click()
    alice.get_by_role("button", name="Retire “I need a hug”").click()
    expect(alice.get_by_role("heading", name="Retired phrases")).to_be_visible()
    assert_accessible(alice)

    open_tool(alice, "Trigger scripts")
    alice.get_by_label("When I notice").fill("my voice gets sharp")
    alice.get_by_label("I'll:", exact=True).fill("ask for twenty minutes and walk around the block")
    alice.get_by_role("button", name="Save privately").click()
    expect(alice.get_by_text("Only you can see this")).to_be_visible()
    alice.get_by_label("When I notice").fill("I want to win the argument")
    alice.get_by_label("I'll:", exact=True).fill("remember we are on the same side")
    alice.get_by_role("button", name="Save privately").click()
    alice.get_by_role("listitem").filter(has_text="my voice gets sharp").get_by_role(
        "button", name="Share with my partner"
    ).click()
    expect(alice.get_by_text("Shared with your partner")).to_be_visible()
    assert_accessible(alice)

    open_tool(alice, "Saved for therapy")
    alice.get_by_role("textbox", name="Topic").fill("Why I go quiet when plans change")
    alice.get_by_label("Our joint session").check()
    alice.get_by_label("Note (optional)").fill("It happened twice this month.")
    alice.get_by_role("button", name="Save topic").click()
    discuss = alice.get_by_role("button", name="Mark discussed “Why I go quiet when plans change”")
    expect(discuss).to_be_visible()
    assert_accessible(alice)
    with alice.expect_download() as download:
        alice.get_by_role("link", name="Download as text").click()
    assert download.value.suggested_filename.startswith("therapy-agenda-")
    alice.get_by_role("link", name="Printable agenda").click()
    expect(alice.get_by_role("heading", name="My agenda for therapy")).to_be_visible()
    expect(alice.get_by_text("Why I go quiet when plans change")).to_be_visible()
    assert_accessible(alice)

    open_tool(alice, "Repairs")
    alice.get_by_label("What I acknowledge").fill("I interrupted you at dinner.")
    alice.get_by_label("My apology").fill("I'm sorry. What you said mattered.")
    alice.get_by_label("What I'll do differently").fill("I'll wait until you've finished.")
    alice.get_by_label("Let's follow up on").fill("2099-06-01")
    alice.get_by_role("button", name="Record this repair").click()
    expect(alice.get_by_role("heading", name="A repair", level=1)).to_be_visible()
    assert_accessible(alice)

    open_tool(alice, "Our values")
    alice.get_by_role("textbox", name="Value:", exact=True).fill("Play")
    alice.get_by_label("What it means to us (optional)").fill("We laugh together every week")
    alice.get_by_role("button", name="Pick this value").click()
    expect(alice.get_by_role("heading", name="You picked")).to_be_visible()
    expect(alice.get_by_text("We laugh together every week")).to_be_visible()
    assert_accessible(alice)

    bob = new_context(timezone_id="America/New_York").new_page()
    log_in(bob, "bob@example.com")
    bob.get_by_role("link", name="Toolkit", exact=True).click()
    open_tool(bob, "Our values")
    bob.get_by_role("button", name=re.compile("Yes, ours.*Play")).click()
    expect(bob.get_by_text("We laugh together every week")).to_be_visible()
    assert_accessible(bob)

    open_tool(bob, "Our words")
    expect(bob.get_by_text("I need a walk outside", exact=True)).to_be_visible()

    open_tool(bob, "Trigger scripts")
    shared = bob.get_by_role("region", name="Shared with you")
    expect(shared).to_contain_text("Alice: when I notice my voice gets sharp")
    expect(bob.get_by_text("I want to win the argument")).to_have_count(0)

    open_tool(bob, "Saved for therapy")
    expect(bob.get_by_text("Why I go quiet")).to_have_count(0)

    open_tool(bob, "Repairs")
    bob.get_by_role("link", name=re.compile("wait until you've finished")).click()
    expect(bob.get_by_text("I interrupted you at dinner.")).to_be_visible()
    assert_accessible(bob)
    bob.get_by_label("Your response (optional)").fill("Thank you. That means a lot.")
    bob.get_by_role("button", name="Save").click()
    expect(bob.get_by_text("Response from Bob")).to_be_visible()
    assert_accessible(bob)

    alice.reload()
    open_tool(alice, "Repairs")
    alice.get_by_role("link", name=re.compile("wait until you've finished")).click()
    expect(alice.get_by_text("Thank you. That means a lot.")).to_be_visible()
