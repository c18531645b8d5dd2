"""The main pages of a couple's space, on a laptop and on a phone, as the README shows them:
`make screenshots` runs this with $HEARTH_SCREENSHOTS set and copies the chosen pictures to
docs/screenshots/. Without it, this still walks every page in both sizes."""

from __future__ import annotations

import re

from playwright.sync_api import Page, ViewportSize, expect

from agreements import services as agreements
from agreements.models import Agreement, Category
from checkins import services as checkins
from checkins.models import current_week
from couples.models import Couple, Membership, User
from tests.support.browser import DESKTOP, PHONE, Screenshot, SignedIn

WORDS = {
    "Alice": {
        "small_win": "I asked for help with the dishes instead of going quiet about it.",
        "challenge": "I still tense up when plans change at the last minute.",
        "appreciation": "You noticed I was tired on Thursday and made tea without asking.",
        "help_wanted": "A heads-up in the morning when the evening might change.",
    },
    "Bob": {
        "small_win": "I took the pause on Tuesday and came back when I said I would.",
        "challenge": "I find it hard to say no to work calls after dinner.",
        "appreciation": "You listened all the way through before answering.",
        "help_wanted": "A nudge if I reach for my phone at the table.",
    },
}
PAGES = {
    "home": ("/", re.compile(r"^Welcome home, Alice and Bob\.$")),
    "checkin": ("/checkins/this-week/", re.compile(r"^Check-in, ")),
    "agreements": ("/agreements/", re.compile(r"^Agreements$")),
    "schedule": ("/schedule/", re.compile(r"^Your rhythm$")),
    "toolkit": ("/toolkit/", re.compile(r"^Toolkit$")),
}


def week_shared_by_both(couple: Couple, *people: User) -> None:
    for person in people:
        membership = Membership.objects.get(user=person)
        checkin = checkins.open_week(membership=membership, monday=current_week(couple))
        assert checkin is not None
        fields = {name: "" for name in checkins.ENTRY_FIELDS} | WORDS[person.display_name]
        checkins.write_entry(
            checkin=checkin, couple=couple, author=person, fields=fields, share=True
        )


def agreement_changed_once(couple: Couple, alice: User, bob: User) -> Agreement:
    first = agreements.create_agreement(
        couple=couple,
        by=alice,
        title="Phones at dinner",
        category=Category.DIGITAL,
        terms=agreements.Terms(text="Our phones stay in the hall while we eat dinner."),
    )
    agreement = first.agreement
    agreements.accept(agreement=agreement, proposal_id=first.pk, by=bob)
    second = agreements.propose_change(
        agreement=agreement,
        by=bob,
        terms=agreements.Terms(
            text="Our phones stay in the hall while we eat dinner, except when one of us is "
            "on call, and then we say so before we sit down."
        ),
        base_version=1,
    )
    agreements.accept(agreement=agreement, proposal_id=second.pk, by=alice)
    return agreement


def visit(page: Page, path: str, heading: re.Pattern[str]) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()


def test_the_main_pages_on_a_laptop_and_a_phone(
    signed_in: SignedIn,
    screenshot: Screenshot,
    alice: User,
    bob: User,
    couple: Couple,
) -> None:
    week_shared_by_both(couple, alice, bob)
    agreement = agreement_changed_once(couple, alice, bob)
    sizes: dict[str, ViewportSize] = {"desktop": DESKTOP, "phone": PHONE}
    pages = {size: signed_in(alice, viewport=viewport) for size, viewport in sizes.items()}

    for size, page in pages.items():
        for name, (path, heading) in PAGES.items():
            visit(page, path, heading)
            screenshot(page, f"{name}-{size}")
        visit(page, f"/agreements/{agreement.pk}/compare/", re.compile("^Compare two versions$"))
        expect(page.locator("ins").first).to_be_visible()
        screenshot(page, f"agreement-compare-{size}")

    agreements.start_pause(
        couple=couple, sender=bob, phrase="I need a pause. I'll be back soon.", minutes=30
    )
    for size, page in pages.items():
        visit(page, "/pause/", re.compile("^Bob asked for a pause$"))
        expect(page.get_by_role("timer")).to_be_visible()
        screenshot(page, f"pause-{size}")
