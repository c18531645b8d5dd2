"""The people the hostile suite sends its values as, and a couple with something of every kind:
Alice and Bob share a space Dan left before Bob joined; Charlie has a space of his own."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY as METHODS_USER_KEY,
)
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY as METHODS_KEY
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from agreements import services as agreement_services
from agreements.models import PauseSignal
from agreements.services import Terms
from checkins.models import CheckIn, Entry, Reflection, current_week
from checkins.views import HISTORY_PAGE_SIZE
from couples.models import Couple, User
from couples.services import leave_couple
from notices import events as notice_events
from notices import services as notice_services
from notices.models import Channel, Kind, NotificationPreference
from schedules import services as schedule_services
from schedules.models import ReminderDelivery
from tests.factories import PASSWORD, CoupleFactory, UserFactory, pair
from tests.support.routes import OBJECT_ARGS, Route, World, every_route, sample_path
from toolkit.models import Phrase

# The couple as the pages show it in turn, with the pages whose forms change with it (by the
# start of their URL name): both partners at ease, during a pause, and Alice still alone in the
# space (when the invitation forms show).
STATES: dict[str, tuple[str, ...]] = {
    "calm": ("",),
    "paused": ("pause",),
    "alone": ("couple", "join", "checkin"),
}
MEMBERS = ("alice", "bob")
VISITORS = ("anonymous", "charlie", "dan")
# Who opens every page to find its forms: the partners, a person without a couple, a visitor.
DISCOVERERS = ("alice", "bob", "dan", "anonymous")
INVITATION_TOKEN = "t"  # what tests.test_urls.World's invitation is made from


@dataclass
class Objects(World):
    """Alice's things, each made once however many URLs name it."""

    made: dict[str, object] = field(default_factory=dict)

    def __getattribute__(self, name: str) -> Any:
        attr = super().__getattribute__(name)
        if not (name.endswith("_pk") or name == "week"):
            return attr
        made = super().__getattribute__("made")
        return lambda: made[name] if name in made else made.setdefault(name, attr())


@dataclass
class People:
    couple: Couple
    alice: User
    bob: User
    charlie: User
    dan: User
    objects: Objects
    # Public URLs whose key a person receives (an invitation, a calendar, an email's link).
    keys: dict[str, dict[str, object]]
    # Pages of things no URL argument above names: an agreement in force.
    more_pages: list[tuple[str, str]]
    # Whole paths for the URLs whose key is part of a pattern (an emailed link's key).
    paths: dict[str, str]
    browsers: dict[str, Client] = field(default_factory=dict)

    def browser(self, who: str) -> Client:
        """The one browser of `who`, signed in again whenever an answer signed them out."""
        known = self.browsers.get(who)
        self.browsers[who] = self.still(who, known) if known else self.client(who)
        return self.browsers[who]

    def client(self, who: str, **kwargs: Any) -> Client:
        client = Client(raise_request_exception=False, **kwargs)
        if who != "anonymous":
            user: User = getattr(self, who)
            if not User.objects.filter(pk=user.pk).exists():
                # The delete form took a value and erased the account: a visitor from now on.
                return client
            client.force_login(user)
            # Signed in with the password a moment ago, as allauth records it, so the pages
            # that ask for it again (email, two-factor) show their forms.
            session = client.session
            session[METHODS_USER_KEY] = str(user.pk)
            session[METHODS_KEY] = [
                {"method": "password", "at": time.time(), "reauthenticated": True}
            ]
            session.save()
        return client

    def still(self, who: str, client: Client) -> Client:
        """`client`, or a new one signed in again if an answer signed `who` out (signing out,
        or opening someone else's password reset link, does)."""
        if who == "anonymous" or SESSION_KEY in client.session:
            return client
        return self.client(who)

    def path(self, route: Route) -> str:
        if route.name in self.paths:
            return self.paths[route.name]
        if route.name in OBJECT_ARGS:
            return sample_path(route, OBJECT_ARGS[route.name](self.objects))
        return sample_path(route, self.keys.get(route.name, {}))


def build(state: str) -> People:
    alice = UserFactory.create(
        email="alice@example.com", display_name="Alice", time_zone="Europe/Berlin"
    )
    bob = UserFactory.create(
        email="bob@example.com", display_name="Bob", time_zone="America/New_York"
    )
    dan = UserFactory.create(email="dan@example.com", display_name="Dan")
    charlie = UserFactory.create(email="charlie@example.com", display_name="Charlie")
    couple = pair(alice, dan, couple=CoupleFactory.create(name="Alice & Bob"))
    leave_couple(user=dan)
    pair(charlie, couple=CoupleFactory.create(name="Charlie's place"))
    objects = Objects(couple, alice)
    for make in OBJECT_ARGS.values():
        make(objects)
    if state != "paused":
        PauseSignal.objects.filter(couple=couple).update(
            ended_at=timezone.now(), end_reason=PauseSignal.EndReason.SENDER
        )
    Phrase.objects.create(couple=couple, group="feel", text="Retired", retired_at=timezone.now())
    # More weeks than the history shows at once, so its pages link to each other by number.
    CheckIn.objects.bulk_create(
        CheckIn(couple=couple, week_start=current_week(couple) - timedelta(weeks=weeks_ago))
        for weeks_ago in range(2, HISTORY_PAGE_SIZE + 3)
    )
    more_pages = []
    if state != "alone":
        pair(bob, couple=couple)
        proposal = agreement_services.create_agreement(
            couple=couple, by=alice, title="Evenings", category="other", terms=Terms("Rest.")
        )
        in_force = proposal.agreement
        agreement_services.accept(agreement=in_force, proposal_id=proposal.pk, by=bob)
        more_pages.append(("agreement", f"/agreements/{in_force.pk}/"))
        this_week(couple, alice, bob)
    feed = schedule_services.reset_calendar_feed(user=alice)
    delivery = ReminderDelivery(schedule=couple.schedules.get(), recipient=alice, offset_minutes=60)
    # Alice asked for the "something new" email, so its unsubscribe link shows a form.
    notice_services.set_email_me(user=alice, email_me=True)
    # And hears of repair follow-ups by email: that email's link shows a form too.
    NotificationPreference.objects.filter(user=alice).update(repair=Channel.EMAIL)
    keys: dict[str, dict[str, object]] = {
        "join": {"token": INVITATION_TOKEN},
        "calendar_feed": {"token": feed.token},
        "unsubscribe": {"token": schedule_services.unsubscribe_token(delivery)},
        "notice_unsubscribe": {"token": notice_services.unsubscribe_token(alice)},
        "event_unsubscribe": {"token": notice_events.unsubscribe_token(alice, Kind.REPAIR)},
    }
    # Someone who signed up but has not confirmed her address, and asked for a new password.
    erin = UserFactory.create(email="erin@example.com", verified=False)
    unconfirmed = EmailAddress.objects.create(user=erin, email=erin.email)
    paths = {
        "account_confirm_email": f"/accounts/confirm-email/{EmailConfirmationHMAC(unconfirmed).key}/",
        "account_reset_password_from_key": "/accounts/password/reset/key/"
        f"{user_pk_to_url_str(erin)}-{default_token_generator.make_token(erin)}/",
    }
    # Another browser Alice signed in with, which the sessions page offers to sign out.
    for _browser in range(2):
        Client().post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    return People(couple, alice, bob, charlie, dan, objects, keys, more_pages, paths)


def this_week(couple: Couple, alice: User, bob: User) -> None:
    """This week opened: Bob has listened to Alice (she has yet to answer), Alice has listened
    to Bob (he said yes; she has yet to reply), and Alice proposed a small step."""
    now = timezone.now()
    checkin = CheckIn.objects.create(
        couple=couple,
        week_start=current_week(couple),
        revealed_at=now,
        next_step="A walk.",
        next_step_by=alice,
        next_step_at=now,
    )
    hers, his = (
        Entry.objects.create(
            checkin=checkin,
            author=a,
            small_win="w",
            challenge="c",
            shared_at=now,
            revealed_at=now,
        )
        for a in (alice, bob)
    )
    Reflection.objects.create(entry=hers, listener=bob, heard="h")
    Reflection.objects.create(entry=his, listener=alice, heard="h", answer=Reflection.Answer.YES)
    # Six weeks ago Alice shared a challenge still open: it rests now (she may bring it back).
    earlier, _ = CheckIn.objects.get_or_create(
        couple=couple,
        week_start=checkin.week_start - timedelta(weeks=6),
        defaults={"revealed_at": now},
    )
    Entry.objects.update_or_create(
        checkin=earlier,
        author=alice,
        defaults={"small_win": "w", "challenge": "c", "shared_at": now, "revealed_at": now},
    )


def pages(people: People) -> Iterator[tuple[str, str]]:
    """Every page a person can open: (its URL name, its path)."""
    for route in every_route():
        if not route.route.startswith("admin/"):
            yield route.name, people.path(route)
    yield from people.more_pages
