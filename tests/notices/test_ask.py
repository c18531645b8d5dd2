"""Asked, not assumed: a person who joins a space, and an existing one once on their next
visit, is asked how they want to hear from their partner, seeing exactly what each message
says; deciding later switches nothing on; the answer persists and is not asked again."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time

from django.test import Client
from pytest_django import DjangoAssertNumQueries, Settings

from couples.models import Couple, User
from notices.models import Channel, NotificationPreference
from tests.factories import CoupleFactory, UserFactory, pair
from tests.support.pages import Response, markup, visible_words
from tests.support.people import client_for

ANSWER = {
    "notify-shared": "email",
    "notify-turn": "hearth",
    "notify-agreement": "email",
    "notify-pause": "push",
    "notify-repair": "hearth",
    "notify-reminder": "email",
    "notify-quiet_start": "22:00",
    "notify-quiet_end": "08:00",
}


def newcomer(couple: Couple) -> User:
    """Someone who just joined the space, never asked."""
    user = UserFactory.create(email="dana@example.com", notifications=False)
    pair(user, couple=couple)
    return user


def test_a_new_member_is_asked_on_their_way_home_seeing_what_each_message_says(
    alice: User, words: Callable[[Response | str], str]
) -> None:
    couple = pair(alice)
    dana = newcomer(couple)
    client = client_for(dana)
    home = client.get("/")
    assert home.status_code == 302
    assert home.headers["Location"] == "/notifications/ask/"
    page = client.get("/notifications/ask/")
    said = words(page)
    assert "How do you want to hear from your partner?" in said
    assert "Nothing is switched on until you choose it." in said
    assert "Subject: “Hearth: something new in your space”" in said
    assert "It says: “Your partner shared their check-in with you.”" in said
    assert "Subject: “A note from your space on Hearth”" in said
    # Nothing was stored by showing the question.
    assert not NotificationPreference.objects.filter(user=dana).exists()


def test_the_answer_persists_and_the_question_is_not_put_again(
    alice: User, settings: Settings
) -> None:
    settings.PUSH_ENABLED = True
    couple = pair(alice)
    dana = newcomer(couple)
    client = client_for(dana)
    response = client.post("/notifications/ask/", ANSWER)
    assert response.headers["Location"] == "/"
    p = NotificationPreference.objects.get(user=dana)
    assert (p.shared, p.pause, p.agreement, p.asked) == ("email", "push", "email", True)
    assert client.get("/").status_code == 200
    # Nor in a new sign-in.
    assert client_for(dana).get("/").status_code == 200


def test_deciding_later_switches_nothing_on_and_is_not_asked_again(alice: User) -> None:
    couple = pair(alice)
    dana = newcomer(couple)
    client = client_for(dana)
    response = client.post("/notifications/ask/", {"later": "1"})
    assert response.headers["Location"] == "/"
    p = NotificationPreference.objects.get(user=dana)
    assert {p.shared, p.turn, p.agreement, p.pause, p.repair, p.reminder} == {Channel.HEARTH}
    assert (p.quiet_start, p.quiet_end) == (None, None)
    assert client.get("/").status_code == 200
    assert client_for(dana).get("/").status_code == 200


def test_an_existing_member_is_asked_once_on_their_next_visit(bob: User, couple: Couple) -> None:
    # As every person stands after the migration: their old choices kept, not yet asked.
    NotificationPreference.objects.filter(user=bob).update(asked=False)
    client = client_for(bob)
    assert client.get("/").headers["Location"] == "/notifications/ask/"
    page = client.get("/notifications/ask/")
    # Their kept choice is shown, not a new default.
    chosen = re.findall(r'name="notify-agreement" value="(\w+)"[^>]*checked', markup(page))
    assert chosen == ["email"]
    client.post("/notifications/ask/", {"later": "1"})
    assert NotificationPreference.objects.get(user=bob).agreement == Channel.EMAIL
    assert client.get("/").status_code == 200


def test_someone_without_a_space_is_not_asked_yet(db: None) -> None:
    loner = UserFactory.create(notifications=False)
    client = client_for(loner)
    assert client.get("/").status_code == 200
    assert client.get("/notifications/ask/").headers["Location"] == "/"


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().get("/notifications/ask/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_the_question_costs_the_same_queries_with_more_in_the_space(
    alice: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    couple = pair(alice, couple=CoupleFactory.create())
    dana = newcomer(couple)
    client = client_for(dana)
    with django_assert_num_queries(5):
        client.get("/notifications/ask/")


def test_one_tap_emails_every_kind_outside_the_quiet_hours_it_names(alice: User) -> None:
    couple = pair(alice)
    dana = newcomer(couple)
    client = client_for(dana)
    page = client.get("/notifications/ask/")
    simple = visible_words(
        markup(page).split('aria-labelledby="simple-heading">', 1)[1].split("</section>")[0]
    )
    assert simple == (
        "The simple way An email for each of the things below, never between 22:00 and 08:00 "
        "your time. You can change any of it later in your settings. Email me for each "
        "Decide later"
    )
    response = client.post("/notifications/ask/", {"email_each": "1"})
    assert response.headers["Location"] == "/"
    p = NotificationPreference.objects.get(user=dana)
    assert {p.shared, p.turn, p.agreement, p.pause, p.repair, p.reminder} == {Channel.EMAIL}
    assert (p.quiet_start, p.quiet_end, p.asked) == (time(22), time(8), True)
    assert client.get("/").status_code == 200
