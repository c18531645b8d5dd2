"""The one notification settings group on /settings/: a channel per kind and quiet hours, saved
in place by htmx or by its Save button without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries, Settings

from couples.models import Couple, User
from notices import services
from notices.models import Channel, Notice, NotificationPreference
from tests.support.pages import Response, markup

CHOICES = {
    "notify-shared": "email",
    "notify-turn": "hearth",
    "notify-agreement": "push",
    "notify-pause": "email",
    "notify-repair": "hearth",
    "notify-reminder": "email",
    "notify-quiet_start": "22:30",
    "notify-quiet_end": "07:15",
}


@pytest.fixture(autouse=True)
def push_offered(settings: Settings) -> None:
    """A Hearth with its VAPID keys set, so push is one of the choices."""
    settings.PUSH_ENABLED = True


def checked(page: Response | str, name: str) -> str:
    [value] = re.findall(
        rf'<input type="radio" name="{name}" value="(\w+)"[^>]*checked', markup(page)
    )
    return str(value)


def test_settings_show_one_group_with_every_kind_and_quiet_hours(
    bob_client: Client, words: Callable[[Response | str], str]
) -> None:
    page = bob_client.get("/settings/")
    said = words(page)
    assert "Notifications" in said
    for label in (
        "Your partner shared something",
        "It's your turn in this week's check-in",
        "An agreement awaits your answer",
        "Your partner asked for a pause",
        "A repair follow-up is due",
        "Reminders before a planned conversation",
        "Quiet hours",
    ):
        assert label in said
    assert "Email me when my partner shares something new" not in said
    assert checked(page, "notify-shared") == "hearth"
    assert checked(page, "notify-agreement") == "email"


def test_the_save_button_without_javascript_stores_every_choice(
    bob: User, bob_client: Client, alice: User
) -> None:
    response = bob_client.post("/settings/notifications/", CHOICES)
    assert response.status_code == 302
    assert response.headers["Location"] == "/settings/"
    p = NotificationPreference.objects.get(user=bob)
    assert (p.shared, p.turn, p.agreement, p.pause, p.repair, p.reminder) == (
        "email",
        "hearth",
        "push",
        "email",
        "hearth",
        "email",
    )
    assert (p.quiet_start, p.quiet_end) == (time(22, 30), time(7, 15))
    assert p.asked
    page = bob_client.get("/settings/")
    assert checked(page, "notify-agreement") == "push"
    assert 'value="22:30"' in markup(page)
    # Only Bob's own choices changed.
    assert NotificationPreference.objects.get(user=alice).shared == Channel.HEARTH


def test_htmx_saves_in_place_and_answers_with_the_group(
    bob: User, bob_client: Client, words: Callable[[Response | str], str]
) -> None:
    response = bob_client.post("/settings/notifications/", CHOICES, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Saved." in words(response)
    assert "<html" not in response.content.decode()
    assert NotificationPreference.objects.get(user=bob).shared == Channel.EMAIL


def test_quiet_hours_need_both_ends_or_neither(
    bob: User, bob_client: Client, words: Callable[[Response | str], str]
) -> None:
    half = {**CHOICES, "notify-quiet_end": ""}
    response = bob_client.post("/settings/notifications/", half, headers={"HX-Request": "true"})
    assert "Give both a start and an end for quiet hours" in words(response)
    assert NotificationPreference.objects.get(user=bob).shared == Channel.HEARTH
    none = {**CHOICES, "notify-quiet_start": "", "notify-quiet_end": ""}
    bob_client.post("/settings/notifications/", none)
    p = NotificationPreference.objects.get(user=bob)
    assert (p.quiet_start, p.quiet_end) == (None, None)


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().post("/settings/notifications/", CHOICES)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_an_outsider_changes_only_their_own_choices(
    bob: User, couple: Couple, charlie: User, charlie_client: Client
) -> None:
    charlie_client.post("/settings/notifications/", CHOICES)
    assert NotificationPreference.objects.get(user=charlie).shared == Channel.EMAIL
    assert NotificationPreference.objects.get(user=bob).shared == Channel.HEARTH


def test_saving_costs_the_same_queries_however_much_waited(
    couple: Couple,
    alice: User,
    bob: User,
    bob_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for size in (1, 20):
        services.set_email_me(user=bob, email_me=True)
        for n in range(size):
            services.record(couple=couple, actor=alice, kind=Notice.Kind.ANSWER, thing_id=n)
        # The choices as they stand are read to know what may be chosen: push only where it
        # can be sent, or where it was chosen while it could.
        with django_assert_num_queries(13):
            bob_client.post("/settings/notifications/", {**CHOICES, "notify-shared": "hearth"})
        assert not Notice.objects.exists()


def test_push_is_offered_only_where_this_hearth_can_send_it(
    settings: Settings, bob: User, bob_client: Client
) -> None:
    settings.PUSH_ENABLED = False
    for path in ("/settings/", "/notifications/ask/"):
        assert 'value="push"' not in markup(bob_client.get(path)), path
    before = NotificationPreference.of(bob).agreement
    page = bob_client.post("/settings/notifications/", CHOICES, follow=True)
    assert "Select a valid choice." in markup(page)
    assert NotificationPreference.of(bob).agreement == before != Channel.PUSH

    # A choice of push made while it could be sent stays, and can be kept.
    settings.PUSH_ENABLED = True
    bob_client.post("/settings/notifications/", CHOICES)
    settings.PUSH_ENABLED = False
    page = bob_client.get("/settings/")
    assert checked(page, "notify-agreement") == "push"
    assert 'name="notify-shared" value="push"' not in markup(page)
    bob_client.post("/settings/notifications/", {**CHOICES, "notify-turn": "email"})
    chosen = NotificationPreference.of(bob)
    assert (chosen.agreement, chosen.turn) == (Channel.PUSH, Channel.EMAIL)
