"""`make screenshots`: every page of issue 20's list (home, the check-in in each state, history,
agreements, the pause in each state, schedule, toolkit, our space, settings, export, delete,
sessions, offline, 404 and 500, and the account pages) on a laptop (1280 x 800) and a phone
(390 x 844), light and dark, saved as docs/screenshots/NAME-SIZE-SCHEME.png (the folder
$HEARTH_SCREENSHOTS names; unset, the walk only checks that each page opens with its heading).

Not named test_*.py, so `make test` leaves it out (four walks of about forty pages are slow);
`make screenshots` names it, and CI's `make screenshots-check` walks it once (phone, light)
without saving pictures, so a page the walk can no longer reach fails CI."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import timezone
from django.views.defaults import server_error
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from agreements import services as agreements
from agreements.models import Agreement, Category
from checkins import services as checkins
from checkins.models import CheckIn, Entry, current_week
from couples.models import Couple, Membership, User
from tests.support.browser import PHONE, NewContext, Screenshot
from tests.support.people import client_for
from toolkit import services as toolkit

DESKTOP = ViewportSize(width=1280, height=800)
SIZES = {"desktop": DESKTOP, "phone": PHONE}
SCHEMES = ("light", "dark")

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


class Walk:
    """Alice's page in one size and scheme, and a picture of each page it opens."""

    def __init__(self, page: Page, screenshot: Screenshot, suffix: str) -> None:
        self.page, self.screenshot, self.suffix = page, screenshot, suffix

    def shoot(self, name: str, path: str, status: int = 200) -> None:
        response = self.page.goto(path)
        assert response is not None, path
        assert response.status == status, path
        expect(self.page.get_by_role("heading", level=1).first).to_be_visible()
        self.save(name)

    def save(self, name: str) -> None:
        self.screenshot(self.page, f"{name}-{self.suffix}")


def share(couple: Couple, person: User) -> CheckIn:
    membership = Membership.objects.get(user=person)
    checkin = checkins.open_week(membership=membership, monday=current_week(couple))
    assert checkin is not None
    fields = {name: "" for name in checkins.ENTRY_FIELDS} | WORDS[person.display_name]
    checkins.write_entry(checkin=checkin, couple=couple, author=person, fields=fields, share=True)
    return checkin


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


def toolkit_filled(couple: Couple, alice: User, bob: User) -> None:
    toolkit.add_script(
        couple=couple,
        author=alice,
        when_i_notice="my jaw tightening when the plan changes",
        i_will="say 'give me a minute' and take three slow breaths before answering",
    )
    toolkit.record_repair(
        couple=couple,
        author=bob,
        acknowledgement="I talked over you when you were telling me about your day.",
        apology="I'm sorry: what you said mattered, and I made it seem it didn't.",
        plan="I'll put my phone down and ask one question before I tell my side.",
        follow_up_on=timezone.localdate() + timedelta(days=7),
    )


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("size", SIZES)
def test_every_page_in_pictures(
    size: str,
    scheme: str,
    new_context: NewContext,
    live_server: LiveServer,
    screenshot: Screenshot,
    alice: User,
    bob: User,
    couple: Couple,
) -> None:
    options = {"viewport": SIZES[size], "color_scheme": scheme, "timezone_id": alice.time_zone}
    visitor = Walk(new_context(**options).new_page(), screenshot, f"{size}-{scheme}")
    context = new_context(**options)
    cookie = settings.SESSION_COOKIE_NAME
    session = client_for(alice).cookies[cookie].value
    context.add_cookies([{"name": cookie, "value": session, "url": live_server.url}])
    walk = Walk(context.new_page(), screenshot, f"{size}-{scheme}")

    # The account pages and the pages anyone meets.
    visitor.shoot("landing", "/")
    visitor.shoot("login", "/accounts/login/")
    visitor.shoot("signup", "/accounts/signup/")
    visitor.shoot("password-reset", "/accounts/password/reset/")
    visitor.shoot("offline", "/offline/")
    walk.shoot("not-found", "/no/such/page/", status=404)
    walk.page.set_content(server_error(RequestFactory().get("/")).content.decode())
    walk.save("server-error")

    # The check-in, as the week goes: nothing written, Alice shared, both shared, reflected.
    walk.shoot("home", "/")
    walk.shoot("checkin-empty", "/checkins/this-week/")
    checkin = share(couple, alice)
    walk.shoot("checkin-waiting", "/checkins/this-week/")
    share(couple, bob)
    walk.shoot("checkin-revealed", "/checkins/this-week/")
    checkin.refresh_from_db()
    hers = Entry.objects.get(checkin=checkin, author=alice)
    reflection = checkins.reflect(
        entry=hers, couple=couple, listener=bob, heard="Plans changing late knocks you off balance."
    )
    checkins.answer_reflection(
        reflection=reflection, couple=couple, author=alice, answer="yes", clarification=""
    )
    checkins.propose_next_step(
        checkin=checkin, couple=couple, by=alice, text="A walk on Sunday morning, phones at home."
    )
    walk.shoot("checkin-reflected", "/checkins/this-week/")
    walk.shoot("history", "/checkins/")

    # Agreements: the list, one in force, two versions side by side, a new one, and Bob's
    # proposal waiting for Alice to accept, counter or decline.
    agreement = agreement_changed_once(couple, alice, bob)
    walk.shoot("agreements", "/agreements/")
    walk.shoot("agreement", f"/agreements/{agreement.pk}/")
    walk.shoot("agreement-compare", f"/agreements/{agreement.pk}/compare/")
    walk.shoot("agreement-new", "/agreements/new/")
    agreements.propose_change(
        agreement=agreement,
        by=bob,
        terms=agreements.Terms(text="Phones stay in the hall at dinner, and at breakfast too."),
        base_version=2,
    )
    walk.shoot("agreement-proposed", f"/agreements/{agreement.pk}/")
    walk.shoot("agreement-counter", f"/agreements/{agreement.pk}/propose/")
    walk.page.goto(f"/agreements/{agreement.pk}/")
    decline = walk.page.locator("summary", has_text="Decline")
    if decline.count():
        decline.first.click()
    walk.save("agreement-decline")

    # The pause: none, Bob's (as Alice finds it), Alice's own, and the pause's end drawing near.
    walk.shoot("pause", "/pause/")
    pause, _ = agreements.start_pause(
        couple=couple, sender=bob, phrase="I need a pause. I'll be back soon.", minutes=30
    )
    walk.shoot("pause-received", "/pause/")
    walk.shoot("home-paused", "/")
    agreements.end_pause(pause=pause, by=bob)
    agreements.start_pause(
        couple=couple, sender=alice, phrase="I'm flooded; back in twenty minutes.", minutes=20
    )
    walk.shoot("pause-sent", "/pause/")

    # Schedule, toolkit, our space and settings.
    walk.shoot("schedule", "/schedule/")
    walk.shoot("schedule-new", "/schedule/new/")
    walk.shoot("schedule-edit", f"/schedule/{couple.schedules.get().pk}/")
    toolkit_filled(couple, alice, bob)
    walk.shoot("toolkit", "/toolkit/")
    walk.shoot("toolkit-phrases", "/toolkit/words/")
    walk.shoot("toolkit-prompts", "/prompts/")
    walk.shoot("toolkit-scripts", "/toolkit/scripts/")
    walk.shoot("toolkit-repairs", "/toolkit/repairs/")
    walk.shoot("our-space", "/couple/")
    # Settings holds the reminder choices (its "Reminder emails" group) and the calendar link.
    walk.shoot("settings", "/settings/")
    walk.shoot("export", "/settings/export/")
    walk.shoot("delete", "/settings/delete/")
    walk.shoot("sessions", "/accounts/sessions/")
