"""Two partners through their first four weeks in two browsers, Alice on a phone and Bob on a
laptop: at each step the home's first card names each one's next action; on an open week the own
form's first field is on the phone's first screen, with the agenda folded above it; a closed week
is its summary with no controls; a week only one of them shared is just a gap; the history keeps
no ledger and lists only the reader's own open challenges. Weeks pass through the database: each
check-in moves a week into the past."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, ViewportSize, expect

from checkins.models import CheckIn
from couples.models import Couple, User
from tests.support.browser import Screenshot, SignedIn, assert_accessible
from tests.support.checkins import ensure_library

PHONE: ViewportSize = {"width": 390, "height": 844}
# What a closed or past week never offers: it is read, not worked on.
CONTROLS = (
    "Another question",
    "Skip it this week",
    "Mark this challenge resolved",
    "Change something",
    "Share with",
    "Say what I heard",
    "Propose",
    "Agree and close the week",
)
# The small step each closed week chose; week 3 closes without one.
STEPS = {1: "Walk after dinner", 2: "Phones away at supper", 4: "Pancakes on Sunday"}
DONE = "Done — well done, both of you"


def card(page: Page, title: str, *, new: bool = False, shot: Screenshot | None = None) -> None:
    """The home's first card names `title` as the reader's next step, with the private "new"
    marker exactly when `new`: the partner's entry opened to the reader (at the reveal) and they
    have not opened a week page since. Saved as a picture of the home in that state when `shot`
    is given and $HEARTH_SCREENSHOTS names a folder."""
    page.goto("/")
    now = page.locator("#this-week")
    expect(now.locator("h2")).to_have_text(re.compile(rf"^{re.escape(title)}(new)?$"))
    expect(now.locator("h2 .visually-hidden", has_text="new")).to_have_count(1 if new else 0)
    if shot is not None:
        shot(page, f"home-{now.get_attribute('data-step')}")


def go_on(page: Page) -> None:
    """Take the step the home's first card names, by its button."""
    page.goto("/")
    page.locator("#this-week").get_by_role("link").first.click()


def a_week_passes() -> None:
    """Every check-in moves a week into the past, oldest first (one week per couple apiece)."""
    for checkin in CheckIn.objects.order_by("week_start"):
        checkin.week_start -= timedelta(weeks=1)
        checkin.save(update_fields=["week_start"])


def form_first_on_a_phone(page: Page, last_step: str | None) -> None:
    """The open week as it first loads, from its top: the own form's first field is on the
    first screen, below the folded agenda; unfolded, the agenda asks about `last_step`."""
    page.goto(page.url.split("#")[0])
    assert page.evaluate("window.scrollY") == 0
    box = page.get_by_label("One small win").bounding_box()
    assert box is not None
    assert box["y"] >= 0, box
    assert box["y"] + box["height"] <= PHONE["height"], box
    fold = page.locator("details.fold#before-you-start")
    expect(fold).not_to_have_attribute("open", "")
    fold.get_by_text("Before you start").click()
    if last_step is None:
        expect(fold.get_by_text("Nothing carried over.")).to_be_visible()
    else:
        expect(fold).to_contain_text(f"The small step you chose last time: {last_step}")
        expect(fold.get_by_text("How did it go for each of you?")).to_be_visible()
    assert_accessible(page)


def write_and_share(page: Page, win: str, challenge: str, partner: str) -> None:
    go_on(page)
    page.get_by_label("One small win").fill(win)
    page.get_by_label("One remaining challenge").fill(challenge)
    page.get_by_role("button", name=f"Share with {partner}").click()


def no_controls(page: Page) -> None:
    for control in CONTROLS:
        expect(page.get_by_role("button", name=control)).to_have_count(0)
        expect(page.get_by_role("link", name=control)).to_have_count(0)
    expect(page.locator("main form")).to_have_count(0)


def closed_week_is_its_summary(page: Page, step: str, wins: tuple[str, str]) -> None:
    """The closed week opens on its summary: the wins and the step, and nothing to do."""
    summary = page.locator("main h2").first
    expect(summary).to_have_text(f"{DONE}.")
    expect(page.locator("#summary")).to_contain_text(step)
    for win in wins:
        expect(page.locator("#summary")).to_contain_text(win)
    no_controls(page)


def both_open_the_week(
    alice_page: Page, bob_page: Page, week: int, shot: Screenshot | None
) -> None:
    """Both start the week with "Write yours"; Alice's phone shows her form first."""
    card(alice_page, "Write yours", shot=shot)
    card(bob_page, "Write yours", shot=shot)
    go_on(alice_page)
    form_first_on_a_phone(alice_page, STEPS.get(week - 1) or STEPS.get(week - 2))


def the_whole_ritual(alice_page: Page, bob_page: Page, week: int, shot: Screenshot | None) -> None:
    """Write, wait, reveal, listen, "yes, that's it" both ways, a small step, done."""
    both_open_the_week(alice_page, bob_page, week, shot)
    write_and_share(alice_page, f"alice win {week}", f"alice challenge {week}", "Bob")
    card(alice_page, "Waiting for Bob", shot=shot)
    card(bob_page, "Alice shared — your turn", shot=shot)
    write_and_share(bob_page, f"bob win {week}", f"bob challenge {week}", "Alice")
    card(alice_page, "You've both shared: read together", new=True, shot=shot)
    card(bob_page, "You've both shared: read together", shot=shot)

    # Reading together: both entries side by side, then "Now listen".
    go_on(bob_page)
    expect(bob_page.locator(".pair")).to_contain_text(f"alice challenge {week}")
    expect(bob_page.locator(".pair")).to_contain_text(f"bob challenge {week}")
    expect(bob_page.get_by_role("heading", name="Now listen")).to_be_visible()
    if week == 1:
        assert_accessible(bob_page)
    bob_page.get_by_label("What I heard is …").fill("money makes you brace")
    bob_page.get_by_role("button", name="Say what I heard").click()
    card(bob_page, "What you heard is with Alice", shot=shot)
    card(alice_page, "Bob is waiting for your “yes, that's it”", new=True, shot=shot)
    go_on(alice_page)
    alice_page.get_by_role("button", name="Yes, that's it").click()
    card(alice_page, "Say what you heard", shot=shot)
    card(bob_page, "Alice is saying what they heard", shot=shot)
    go_on(alice_page)
    alice_page.get_by_label("What I heard is …").fill("evenings feel lost")
    alice_page.get_by_role("button", name="Say what I heard").click()
    card(alice_page, "What you heard is with Bob")
    card(bob_page, "Alice is waiting for your “yes, that's it”")
    go_on(bob_page)
    bob_page.get_by_role("button", name="Yes, that's it").click()

    card(alice_page, "Agree a small step", shot=shot)
    card(bob_page, "Agree a small step", shot=shot)
    go_on(alice_page)
    alice_page.get_by_label("Propose one small step for next week").fill(STEPS[week])
    alice_page.get_by_role("button", name="Propose").click()
    card(alice_page, "Your small step is with Bob", shot=shot)
    card(bob_page, "Agree a small step", shot=shot)
    go_on(bob_page)
    bob_page.get_by_role("button", name="Agree and close the week").click()
    card(alice_page, DONE, shot=shot)
    card(bob_page, DONE, shot=shot)

    # The closed week: its summary first, and no controls, on both screens.
    for page in (alice_page, bob_page):
        go_on(page)
        closed_week_is_its_summary(page, STEPS[week], (f"alice win {week}", f"bob win {week}"))
    if week == 1:
        assert_accessible(alice_page)
        assert_accessible(bob_page)


def only_alice_shares(alice_page: Page, bob_page: Page, week: int) -> None:
    """A week only one of them shares: Bob never writes, and nothing calls it missed."""
    both_open_the_week(alice_page, bob_page, week, None)
    write_and_share(alice_page, f"alice win {week}", f"alice challenge {week}", "Bob")
    card(alice_page, "Waiting for Bob")
    card(bob_page, "Alice shared — your turn")


def history_keeps_no_ledger(page: Page, own: str, partner: str, weeks: int) -> None:
    """The reader's history: every week kept, no missed marks, no counts, and of the open
    challenges only the reader's own."""
    page.goto("/checkins/")
    main = page.locator("main")
    expect(main.locator("article.card")).to_have_count(weeks)
    expect(main).not_to_contain_text(re.compile("missed", re.IGNORECASE))
    expect(main).not_to_contain_text(re.compile(r"\d+\s+(of\s+\d+\s+)?weeks?\b"))
    expect(page.locator("svg")).to_have_count(0)
    still = page.locator("#still-with-you")
    expect(still).not_to_have_attribute("open", "")
    still.get_by_text("Your challenges still open").click()
    expect(still).to_contain_text(f"{own} challenge")
    expect(still).not_to_contain_text(f"{partner} challenge")
    assert_accessible(page)


def test_two_partners_go_through_four_weeks_led_by_the_home(
    signed_in: SignedIn, screenshot: Screenshot, couple: Couple, alice: User, bob: User
) -> None:
    ensure_library()
    alice_page = signed_in(alice, PHONE)
    bob_page = signed_in(bob)

    # Week 1: the whole ritual, with nothing carried over yet.
    the_whole_ritual(alice_page, bob_page, 1, screenshot)
    a_week_passes()
    # Week 2: last week's small step is on the agenda ("how did it go?"), folded above the form.
    the_whole_ritual(alice_page, bob_page, 2, None)
    a_week_passes()
    # Week 3: only Alice shares.
    only_alice_shares(alice_page, bob_page, 3)
    a_week_passes()
    # Week 4: the whole ritual again; the agenda still asks about week 2's step, the last chosen.
    the_whole_ritual(alice_page, bob_page, 4, None)
    a_week_passes()

    # A fifth week begins for both.
    card(alice_page, "Write yours")
    card(bob_page, "Write yours")

    # The histories: four weeks each, a gap is just a gap, and only one's own open challenges.
    history_keeps_no_ledger(alice_page, "alice", "bob", 4)
    still = alice_page.locator("#still-with-you")
    for week in range(1, 5):
        expect(still).to_contain_text(f"alice challenge {week}")
    history_keeps_no_ledger(bob_page, "bob", "alice", 4)
    still = bob_page.locator("#still-with-you")
    for week in (1, 2, 4):
        expect(still).to_contain_text(f"bob challenge {week}")
    # Alice's words of the week only she shared never reach Bob.
    expect(bob_page.locator("main")).not_to_contain_text("alice challenge 3")
    expect(bob_page.locator("main")).not_to_contain_text("alice win 3")

    # A closed week opened from the history: its summary first, no controls.
    bob_page.locator("main article.card h3 a").last.click()
    closed_week_is_its_summary(bob_page, STEPS[1], ("alice win 1", "bob win 1"))
    assert_accessible(bob_page)
    # The week only Alice shared, as Bob finds it: nothing of hers, nothing to do, no blame.
    bob_page.goto("/checkins/")
    bob_page.locator("main article.card h3 a").nth(1).click()
    expect(
        bob_page.get_by_text("You didn't write an entry this week, and that's all right.")
    ).to_be_visible()
    expect(bob_page.locator("main")).not_to_contain_text("alice")
    expect(bob_page.locator("main")).not_to_contain_text(re.compile("missed", re.IGNORECASE))
    no_controls(bob_page)
    assert_accessible(bob_page)
