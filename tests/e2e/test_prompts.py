from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from checkins.models import Prompt, PromptCategory
from couples.models import Couple, User
from tests.support.browser import SignedIn, assert_accessible
from tests.support.checkins import ensure_library


@pytest.fixture
def library(transactional_db: None) -> None:
    ensure_library()


def open_check_in(page: Page) -> str:
    """Open this week's check-in from the menu; the question it offers."""
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Check-in").click()
    expect(page).to_have_url(re.compile(r"/checkins/\d{4}-W\d{2}/$"))
    # The question is part of the agenda, folded under "Before you start".
    page.get_by_text("Before you start").click()
    question = page.locator("#prompt blockquote")
    expect(question).to_be_visible()
    return question.inner_text()


def test_two_partners_swap_the_weeks_question_and_save_one_for_next_week(
    signed_in: SignedIn,
    couple: Couple,
    alice: User,
    bob: User,
    library: None,
) -> None:
    alice_page = signed_in(alice)
    bob_page = signed_in(bob)
    first = open_check_in(alice_page)
    assert open_check_in(bob_page) == first
    expect(alice_page.get_by_role("heading", name="A question for this week")).to_be_visible()
    assert_accessible(alice_page)

    # Bob would rather talk about something else: the question changes in place.
    bob_page.get_by_role("button", name="Another question").click()
    swapped = bob_page.locator("#prompt blockquote")
    expect(swapped).not_to_have_text(first)
    second = swapped.inner_text()
    assert_accessible(bob_page)

    # Alice sees Bob's choice when her page loads again.
    alice_page.reload()
    expect(alice_page.locator("#prompt blockquote")).to_have_text(second)

    # Alice browses the prompts and saves one about play for their next check-in.
    alice_page.get_by_text("Before you start").click()
    alice_page.get_by_role("link", name="Browse all prompts").click()
    expect(alice_page.get_by_role("heading", name="Conversation prompts", level=1)).to_be_visible()
    assert_accessible(alice_page)
    alice_page.get_by_role("navigation", name="Prompts").get_by_role(
        "link", name="Rituals and play"
    ).click()
    expect(alice_page.get_by_role("heading", name="Rituals and play", level=2)).to_be_visible()
    wanted = (
        Prompt.objects.filter(couple__isnull=True, category=PromptCategory.RITUALS)
        .exclude(text__in=[first, second])
        .order_by("id")
        .first()
    )
    assert wanted is not None
    item = alice_page.get_by_role("listitem").filter(has_text=wanted.text)
    item.get_by_role("button", name="Save for our next check-in").click()
    expect(alice_page.get_by_text("Saved for your next check-in. Hearth offers it")).to_be_visible()
    saved = alice_page.get_by_role("region", name="Saved for your next check-in")
    expect(saved.get_by_role("listitem")).to_have_text(re.compile(re.escape(wanted.text)))
    assert_accessible(alice_page)

    # This week keeps its question.
    bob_page.reload()
    expect(bob_page.locator("#prompt blockquote")).to_have_text(second)

    # Next week, both find the saved question waiting.
    with time_machine.travel(timezone.now() + timedelta(weeks=1), tick=True):
        assert open_check_in(bob_page) == wanted.text
        assert open_check_in(alice_page) == wanted.text
        # Skipping it is fine too: the check-in needs no question.
        alice_page.get_by_role("button", name="Skip it this week").click()
        expect(alice_page.get_by_text("No question this week: you set it aside.")).to_be_visible()
        assert_accessible(alice_page)
        alice_page.get_by_role("link", name="Browse all prompts").click()
        expect(alice_page.get_by_text("Nothing saved.")).to_be_visible()
