"""What the stylesheet shows a person, on a desktop and on a phone: words meant for screen
readers stay off screen, diffs and the weeks picture read at a glance, action buttons sit at
the start of their line, and a phone gets a one-row header, a compact pause banner and no
sideways scrolling."""

from __future__ import annotations

from playwright.sync_api import FloatRect, Locator, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from agreements import services as agreements
from couples.models import Couple, User
from tests.support.agreements import agreed
from tests.support.browser import SignedIn, assert_accessible
from tests.support.checkins import week_of

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
SMALL_PHONE: ViewportSize = {"width": 320, "height": 640}


def box(locator: Locator) -> FloatRect:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not rendered"
    return found


def style(locator: Locator, name: str) -> str:
    return str(locator.evaluate("(element, name) => getComputedStyle(element)[name]", name))


def assert_screen_reader_words_are_off_screen(page: Page) -> None:
    hidden = page.locator(".visually-hidden")
    assert hidden.count() > 0, f"no words for screen readers only on {page.url}"
    for words in hidden.all():
        size = box(words)
        shown = f"{words.text_content()!r} shows on screen at {page.url}: {size}"
        assert size["width"] <= 1, shown
        assert size["height"] <= 1, shown


def test_comparing_versions_keeps_the_screen_reader_words_off_screen_and_underlines_additions(
    signed_in: SignedIn, couple: Couple, alice: User, bob: User
) -> None:
    agreement = agreed(couple, alice, bob, versions=2)
    for viewport in (DESKTOP, PHONE):
        page = signed_in(alice, viewport)
        page.goto(f"/agreements/{agreement.pk}/compare/")
        diff = page.locator(".diff")
        expect(diff.locator("ins")).to_have_text("[added: 2]")
        expect(diff.locator("del")).to_have_text("[removed: 1]")
        assert_screen_reader_words_are_off_screen(page)
        assert style(diff.locator("ins"), "textDecorationLine") == "underline"
        assert style(diff.locator("del"), "textDecorationLine") == "line-through"
        assert_accessible(page)


def test_buttons_show_only_their_own_words_and_keep_the_rest_for_screen_readers(
    signed_in: SignedIn, couple: Couple, alice: User
) -> None:
    page = signed_in(alice, DESKTOP)
    page.goto("/schedule/")
    edit = page.get_by_role("button", name="Edit Weekly check-in")
    expect(edit).to_be_visible()
    assert_screen_reader_words_are_off_screen(page)
    assert box(edit)["width"] < 100

    page.goto("/toolkit/scripts/")
    page.get_by_label("When I notice").fill("my shoulders tighten")
    page.get_by_label("I'll").fill("take a breath and go to the balcony")
    page.get_by_role("button", name="Save privately").click()
    expect(page.get_by_role("button", name="Delete this script")).to_be_visible()
    assert_screen_reader_words_are_off_screen(page)

    page.goto("/toolkit/words/")
    assert_screen_reader_words_are_off_screen(page)


def test_action_buttons_sit_at_the_start_of_their_line_not_centred_across_it(
    signed_in: SignedIn, couple: Couple, alice: User, bob: User
) -> None:
    week_of(couple, alice, bob, weeks_ago=1)
    page = signed_in(alice, DESKTOP)
    page.goto("/checkins/")

    page.get_by_text("Your challenges still open").click()
    carried = page.locator("#still-with-you li").filter(has_text="Alice's challenge")
    button = carried.get_by_role("button", name="Mark resolved")
    # Beside the challenge's words, on the same line, not on a full-width line of its own.
    assert box(button)["width"] < box(carried)["width"] / 4
    assert abs(box(button)["y"] - box(carried.get_by_text("Alice's challenge"))["y"]) < 5

    resolve = page.locator(".resolve-form").first
    button = resolve.get_by_role("button", name="Mark this challenge resolved")
    assert abs(box(button)["x"] - box(resolve)["x"]) < 1
    assert box(button)["width"] < box(resolve)["width"] / 2
    assert_accessible(page)


def test_on_a_phone_the_header_is_one_row_with_the_pause_and_a_menu_of_the_sections(
    signed_in: SignedIn, live_server: LiveServer, couple: Couple, alice: User
) -> None:
    page = signed_in(alice, PHONE)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    brand = box(nav.get_by_role("link", name="Hearth"))
    pause = nav.get_by_role("link", name="I need a pause")
    expect(pause).to_have_count(1)
    assert abs(box(pause)["y"] + box(pause)["height"] / 2 - brand["y"] - brand["height"] / 2) < 5
    assert box(nav)["height"] < 2 * brand["height"] + 20
    expect(nav.get_by_role("link", name="Toolkit")).to_be_hidden()
    assert_accessible(page)

    nav.get_by_text("Menu", exact=True).click()
    for section in ("Home", "Check-in", "Agreements", "Schedule", "Toolkit", "Our space"):
        expect(nav.get_by_role("link", name=section)).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    expect(nav.get_by_role("link", name="I need a pause")).to_have_count(1)
    assert_accessible(page)
    nav.get_by_role("link", name="Toolkit").click()
    expect(page).to_have_url(f"{live_server.url}/toolkit/")
    expect(page.get_by_role("navigation", name="Main").get_by_text("Menu")).to_be_visible()


def test_on_a_desktop_every_section_is_in_the_header_row_and_there_is_no_menu(
    signed_in: SignedIn, couple: Couple, alice: User
) -> None:
    page = signed_in(alice, DESKTOP)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_text("Menu", exact=True)).to_be_hidden()
    brand = box(nav.get_by_role("link", name="Hearth"))
    for section in ("Home", "Agreements", "I need a pause", "Toolkit", "Settings"):
        link = box(nav.get_by_role("link", name=section))
        assert abs(link["y"] + link["height"] / 2 - brand["y"] - brand["height"] / 2) < 5
    expect(nav.get_by_role("link", name="I need a pause")).to_have_count(1)


def test_during_a_pause_a_phone_still_shows_the_page_in_its_first_half(
    signed_in: SignedIn, couple: Couple, alice: User, bob: User
) -> None:
    alice_page = signed_in(alice, DESKTOP)
    alice_page.goto("/toolkit/scripts/")
    for noticed in ("my shoulders tighten", "I start to talk faster", "my jaw clenches"):
        alice_page.get_by_label("When I notice").fill(noticed)
        alice_page.get_by_label("I'll").fill("take three slow breaths and step outside for a bit")
        alice_page.get_by_role("button", name="Save privately").click()
        alice_page.get_by_role("button", name="Share with my partner").first.click()
    expect(alice_page.get_by_role("button", name="Share with my partner")).to_have_count(0)
    agreements.start_pause(
        couple=couple,
        sender=alice,
        phrase="I want to hear you, and I can't right now. I need a break.",
        minutes=45,
    )

    page = signed_in(bob, PHONE)
    page.goto("/")
    banner = page.locator(".pause-banner")
    expect(banner).to_contain_text("Alice asked for a pause")
    expect(banner).to_contain_text("my jaw clenches")
    # The home's first card, this week's next step, still starts in the screen's first half.
    assert box(page.locator("#this-week"))["y"] < PHONE["height"] / 2
    assert_accessible(page)


def test_no_page_is_wider_than_a_small_phone(
    signed_in: SignedIn, couple: Couple, alice: User, bob: User
) -> None:
    checkin = week_of(couple, alice, bob, weeks_ago=1)
    agreement = agreed(couple, alice, bob, versions=2)
    page = signed_in(alice, SMALL_PHONE)
    pages = [
        "/",
        "/checkins/",
        f"/checkins/{checkin.label}/",
        "/agreements/",
        f"/agreements/{agreement.pk}/",
        f"/agreements/{agreement.pk}/compare/",
        "/pause/",
        "/schedule/",
        "/toolkit/",
        "/toolkit/words/",
        "/toolkit/scripts/",
        "/couple/",
        "/settings/",
        "/accounts/sessions/",
    ]
    for path in pages:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SMALL_PHONE["width"], f"{path} is {width}px wide"


def test_the_printed_therapy_agenda_shows_the_topics_without_the_pause_banner(
    signed_in: SignedIn, couple: Couple, alice: User, bob: User
) -> None:
    page = signed_in(alice, DESKTOP)
    page.goto("/toolkit/therapy/")
    page.get_by_role("textbox", name="Topic").fill("How we split the chores")
    page.get_by_role("button", name="Save topic").click()
    agreements.start_pause(couple=couple, sender=bob, phrase="I need a pause", minutes=30)
    page.goto("/toolkit/therapy/agenda/")
    banner = page.locator(".pause-banner")
    expect(banner).to_be_visible()

    page.emulate_media(media="print")
    expect(banner).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    topic = page.get_by_text("How we split the chores")
    expect(topic).to_be_visible()
    assert style(topic, "color") == "rgb(0, 0, 0)"
