from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from schedules.models import Schedule
from tests.factories import CoupleFactory, UserFactory, pair
from tests.support.browser import SignedIn, assert_accessible


def test_a_partner_adds_a_ritual_and_sees_its_dates_in_their_own_zone(
    signed_in: SignedIn, transactional_db: None
) -> None:
    alice = UserFactory.create(
        email="alice@example.com", display_name="Alice", time_zone="Europe/Berlin"
    )
    pair(alice, couple=CoupleFactory.create(name="Our hearth", time_zone="America/New_York"))
    page = signed_in(alice)

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedule").click()
    expect(page.get_by_role("heading", name="Your rhythm", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Weekly check-in")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Your own conversation").click()
    expect(page.get_by_role("heading", name="Add to your schedule")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("Our long walk")
    page.get_by_label("How often").select_option("monthly_first")
    page.get_by_label("Day of the week").select_option("SA")
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Duration in minutes").fill("90")
    expect(page.get_by_label("Home time zone")).to_have_value("America/New_York")
    expect(page.get_by_label("1 hour before")).to_be_checked()
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/schedule/$"))
    expect(page.get_by_text("Added to your schedule.")).to_be_visible()
    walk = page.get_by_role("article").filter(has=page.get_by_role("heading", name="Our long walk"))
    schedule = Schedule.objects.get(title="Our long walk")
    for start in schedule.next_occurrences(after=datetime.now(UTC), count=3):
        berlin = start.astimezone(alice.tz)
        shown = f"{berlin:%a} {berlin.day} {berlin:%b %Y, %H:%M}"
        expect(walk.get_by_text(shown)).to_be_visible()
        assert berlin.hour in (15, 16)  # 10:00 in New York
    at_home = re.compile(r"^10:00 at home in New York \(GMT-[45]\)$")
    expect(walk.get_by_text(at_home).first).to_be_visible()
    assert_accessible(page)

    page.goto("/settings/")
    expect(page.get_by_role("group", name="Our long walk")).to_be_visible()
    page.get_by_role("button", name="Create my calendar link").click()
    expect(page.get_by_label("Your private calendar link")).to_have_value(
        re.compile(r"/calendar/.+\.ics$")
    )
    assert_accessible(page)
