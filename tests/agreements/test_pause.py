from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db.models import F
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, Settings

from agreements import services, tasks
from agreements.models import PauseSignal
from core.models import ActivityEntry
from couples.models import Couple, User
from notices.models import Kind
from notices.services import KINDS, wants
from tests.support.agreements import PHRASES, Post, make_past_pauses, poll, version_in
from tests.support.pages import Response, markup
from toolkit.models import Phrase, PhraseGroup, TriggerScript


def without_tokens(response: Response) -> str:
    """The page without its per-response CSRF tokens and CSP nonces."""
    return re.sub(r"[A-Za-z0-9_-]{20,}", "", markup(response))


def the_pause() -> PauseSignal:
    """The latest pause."""
    pause = PauseSignal.objects.order_by("-started_at").first()
    assert pause is not None
    return pause


def messages_of(couple: Couple) -> list[str]:
    return [f"{e.actor} {e.message}" for e in ActivityEntry.objects.filter(couple=couple)]


# Starting


def test_the_layout_offers_a_pause_to_a_paired_member(alice_client: Client) -> None:
    page = alice_client.get("/").content.decode()
    assert 'href="/pause/"' in page
    assert "I need a pause" in page
    assert 'data-hx-get="/pause/banner/?v=0"' in page


def test_starting_a_pause_shows_the_calm_page(
    couple: Couple, alice_client: Client, start: Post
) -> None:
    page = markup(start(alice_client, minutes=30, phrase=PHRASES[1]))
    assert "You're taking a pause" in page
    assert PHRASES[1] in page
    assert "Try not to rehearse the argument" in page
    assert "breathe in for four counts" in page
    pause = the_pause()
    assert pause.returns_at - pause.started_at == timedelta(minutes=30)
    assert pause.sender is not None
    assert pause.sender.display_name == "Alice"
    # The activity log keeps consent and membership events: pauses are not kept score of.
    assert messages_of(couple) == []


def test_a_pause_in_ones_own_words_is_kept_as_written(alice_client: Client, start: Post) -> None:
    own = "I'm <overwhelmed> & need air"
    page = start(alice_client, phrase="own", own=own).content.decode()
    assert the_pause().phrase == own
    assert "I&#x27;m &lt;overwhelmed&gt; &amp; need air" in page


def test_own_words_left_empty_are_asked_for_and_the_choice_is_kept(
    alice_client: Client, start: Post
) -> None:
    page = markup(start(alice_client, minutes=45, phrase="own", own=""))
    assert "Write a few words, or pick one of the phrases." in page
    assert '<option value="45" selected>' in page
    assert not PauseSignal.objects.exists()


def test_the_form_shows_three_phrases_and_folds_the_other_words(
    alice_client: Client, start: Post
) -> None:
    form = markup(alice_client.get("/pause/")).split('class="pause-form"', 1)[1]
    at_once, folded = form.split('<details class="fold">', 1)
    assert re.findall(r'type="radio"[^>]*value="([^"]*)"', at_once) == PHRASES[:3]
    assert 'id="id_phrase_0" checked' in at_once
    assert "<summary>Other words</summary>" in folded
    others = re.findall(r'type="radio"[^>]*value="([^"]*)"', folded)
    assert others[-1] == "own"
    assert 'name="own_words"' in folded.split("</details>", 1)[0]

    # What was chosen or written among the other words is shown again, opened.
    page = markup(start(alice_client, minutes=0, phrase=others[0]))
    assert '<details class="fold" open>' in page
    assert 'id="id_phrase_3" checked' in page
    page = markup(start(alice_client, phrase="own", own=""))
    assert '<details class="fold" open>' in page
    assert "Write a few words, or pick one of the phrases." in page
    assert not PauseSignal.objects.exists()


def test_the_form_starts_from_the_default_length_and_shows_the_return_time(
    alice_client: Client,
) -> None:
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        page = markup(alice_client.get("/pause/"))
    assert '<option value="20" selected>20 minutes</option>' in page
    # Alice lives in Berlin (UTC+1 in early March).
    assert "You'll come back at <output" in page
    assert ">Tue 13:20</output>" in page


def test_asking_again_while_a_pause_is_on_shows_the_one_that_is_on(
    alice_client: Client, bob_client: Client, start: Post
) -> None:
    start(alice_client, phrase=PHRASES[0])
    page = markup(start(bob_client, phrase=PHRASES[2]))
    assert "A pause is already on. Here it is." in page
    assert "Alice asked for a pause" in page
    assert PHRASES[0] in page
    assert PauseSignal.objects.count() == 1


def test_someone_alone_is_asked_to_invite_their_partner_first(alice: User) -> None:
    from couples.services import create_couple

    create_couple(user=alice, name="Waiting", time_zone="UTC")
    client = Client()
    client.force_login(alice)
    assert "Invite your partner" in markup(client.get("/pause/"))
    response = client.post("/pause/", {"phrase": PHRASES[0], "minutes": 20}, follow=True)
    assert "A pause is for the two of you." in markup(response)
    assert not PauseSignal.objects.exists()


# The partner's banner


def test_the_partner_sees_the_banner_and_an_unchanged_poll_is_empty(
    alice_client: Client, bob_client: Client, start: Post
) -> None:
    empty = poll(bob_client)
    assert empty.status_code == 200
    assert "asked for a pause" not in markup(empty)
    assert poll(bob_client, version_in(empty)).status_code == 204

    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        start(alice_client, minutes=30)
        banner = poll(bob_client, version_in(empty))
        page = markup(banner)
        assert banner.status_code == 200
        assert f"Alice asked for a pause: “{PHRASES[0]}”" in page
        # Bob lives in New York: 12:30 UTC is 08:30 there (summer time began on 8 March).
        assert "Back at <time" in page
        assert ">Tue 08:30</time>, your time." in page
        assert 'href="/pause/"' in page
        assert poll(bob_client, version_in(banner), str(the_pause().pk)).status_code == 204


def test_the_banner_says_welcome_back_once_the_shown_pause_ends(
    alice_client: Client, bob_client: Client, start: Post, act: Post
) -> None:
    start(alice_client)
    shown = poll(bob_client)
    act(alice_client, f"/pause/{the_pause().pk}/end/")
    after = poll(bob_client, version_in(shown), str(the_pause().pk))
    assert after.status_code == 200
    assert "The pause has ended. Welcome back." in markup(after)
    assert poll(bob_client, version_in(after)).status_code == 204


def test_the_sender_sees_their_own_pause_in_the_banner(alice_client: Client, start: Post) -> None:
    start(alice_client)
    assert "You asked for a pause." in markup(poll(alice_client))


def test_the_stamp_is_read_from_the_database_not_the_cache(
    alice_client: Client, bob_client: Client, start: Post
) -> None:
    from django.core.cache import cache

    start(alice_client)
    shown = poll(bob_client)
    cache.clear()
    assert poll(bob_client, version_in(shown), str(the_pause().pk)).status_code == 204
    # A change written by another process (here, straight to the table) is seen at once.
    PauseSignal.objects.update(phrase="Changed elsewhere", version=F("version") + 1)
    assert "Changed elsewhere" in markup(poll(bob_client, version_in(shown), str(the_pause().pk)))


def test_the_cheap_answer_is_not_given_to_another_couple(
    alice_client: Client, charlie_client: Client, start: Post
) -> None:
    start(alice_client)
    version = version_in(poll(alice_client))
    page = markup(poll(charlie_client, version))
    assert "Alice" not in page
    assert PHRASES[0] not in page


@pytest.mark.parametrize("past", [1, 50])
def test_an_unchanged_poll_costs_one_query_beyond_the_session_whatever_the_history(
    couple: Couple,
    alice: User,
    alice_client: Client,
    bob_client: Client,
    start: Post,
    past: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    make_past_pauses(couple, alice, past)
    TriggerScript.objects.bulk_create(
        TriggerScript(couple=couple, author=alice, when_i_notice=f"sign {i}", i_will="walk")
        for i in range(past)
    )
    TriggerScript.objects.update(shared_at=timezone.now())
    start(alice_client)
    shown = str(the_pause().pk)
    # The full answer: session, user, couple, the latest pause (with its sender, and whether
    # they are still here), and for the partner the sender's shared trigger scripts and the
    # protocol's grounding practice.
    with django_assert_num_queries(6):
        version = version_in(poll(bob_client))
    # Unchanged: the session, then the stamp of the person's couple with what checks the
    # session, in one query.
    with django_assert_num_queries(2):
        assert poll(bob_client, version, shown).status_code == 204


# Coming back


def test_both_ready_ends_the_pause_at_the_return_time(
    couple: Couple, alice_client: Client, bob_client: Client, start: Post, act: Post
) -> None:
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False) as clock:
        start(alice_client, minutes=20)
        pk = the_pause().pk
        assert "I'm ready to come back" in markup(bob_client.get("/pause/"))
        early = markup(act(bob_client, f"/pause/{pk}/ready/"))
        assert "It isn't time to come back yet: the pause runs until Tue 08:20." in early

        clock.shift(timedelta(minutes=20))
        page = markup(bob_client.get("/pause/"))
        assert "It's time to come back." in page
        assert "data-shown-when-due hidden" not in page
        page = markup(act(bob_client, f"/pause/{pk}/ready/"))
        assert "You're ready to come back. The pause ends when you both are." in page
        assert the_pause().ended_at is None

        page = markup(act(alice_client, f"/pause/{pk}/ready/"))
    assert "You're both ready. The pause has ended. Welcome back." in page
    assert "Start gently: what do you each need now?" in page
    assert "Start the pause" not in page
    pause = the_pause()
    assert pause.end_reason == PauseSignal.EndReason.READY
    assert messages_of(couple) == []


def test_the_partner_does_not_see_whether_the_sender_is_ready(
    alice_client: Client, bob_client: Client, start: Post, act: Post
) -> None:
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False) as clock:
        start(alice_client, minutes=20)
        clock.shift(timedelta(minutes=21))
        before = without_tokens(bob_client.get("/pause/"))
        act(alice_client, f"/pause/{the_pause().pk}/ready/")
        after = without_tokens(bob_client.get("/pause/"))
    # Alice is recorded as ready, and Bob's page does not change by one character.
    assert the_pause().sender_ready_at is not None
    assert before == after


def test_the_sender_ends_the_pause(
    couple: Couple, alice_client: Client, bob_client: Client, start: Post, act: Post
) -> None:
    start(alice_client)
    page = markup(act(alice_client, f"/pause/{the_pause().pk}/end/"))
    assert "The pause has ended. Welcome back." in page
    assert the_pause().end_reason == PauseSignal.EndReason.SENDER
    assert messages_of(couple) == []
    assert "asked for a pause" not in markup(poll(bob_client))


def test_the_partner_cannot_end_the_senders_pause(
    alice_client: Client, bob_client: Client, start: Post, act: Post
) -> None:
    start(alice_client)
    assert "End the pause now" not in markup(bob_client.get("/pause/"))
    page = markup(act(bob_client, f"/pause/{the_pause().pk}/end/"))
    assert "Only the person who asked for this pause can end it early." in page
    assert the_pause().ended_at is None


def test_ending_a_pause_that_already_ended_says_so(
    alice_client: Client, start: Post, act: Post
) -> None:
    start(alice_client)
    pk = the_pause().pk
    act(alice_client, f"/pause/{pk}/end/")
    assert "This pause has already ended." in markup(act(alice_client, f"/pause/{pk}/end/"))


def test_another_couples_pause_is_not_found(
    alice_client: Client, charlie_client: Client, start: Post
) -> None:
    start(alice_client)
    pk = the_pause().pk
    for action in ("end", "ready", "extend"):
        assert charlie_client.post(f"/pause/{pk}/{action}/", {"minutes": 20}).status_code == 404
    assert the_pause().ended_at is None


# Extending


def test_the_sender_extends_once(
    couple: Couple, alice_client: Client, bob_client: Client, start: Post, act: Post
) -> None:
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        start(alice_client, minutes=20)
        pk = the_pause().pk
        page = markup(act(alice_client, f"/pause/{pk}/extend/", {"minutes": 30}))
        assert "The pause now runs until Tue 13:50." in page
        assert "Extend the pause" not in page
        assert ">Tue 08:50</time>, your time." in markup(poll(bob_client))
        again = markup(act(alice_client, f"/pause/{pk}/extend/", {"minutes": 30}))
    assert "already been extended once" in again
    assert the_pause().returns_at == datetime(2026, 3, 10, 12, 50, tzinfo=UTC)
    assert messages_of(couple) == []


def test_the_partner_cannot_extend(
    alice_client: Client, bob_client: Client, start: Post, act: Post
) -> None:
    start(alice_client)
    page = markup(act(bob_client, f"/pause/{the_pause().pk}/extend/", {"minutes": 30}))
    assert "Only the person who asked for this pause can extend it." in page
    assert the_pause().extended_at is None


@pytest.mark.parametrize("minutes", ["0", "-30", "soon", ""])
def test_an_extension_of_no_time_is_refused(
    alice_client: Client, start: Post, act: Post, minutes: str
) -> None:
    start(alice_client)
    page = markup(act(alice_client, f"/pause/{the_pause().pk}/extend/", {"minutes": minutes}))
    assert "Choose how much longer you need." in page
    assert the_pause().extended_at is None


# The 20-minute and 24-hour bounds, sender in Berlin, partner in New York.


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (19, "A pause lasts at least 20 minutes"),
        (1441, "A pause lasts at most 24 hours"),
        (0, "That return time has already passed."),
        (-30, "That return time has already passed."),
        ("soon", "Enter a whole number."),
        (99999999999, "A pause lasts at most 24 hours"),
        (-99999999999, "That return time has already passed."),
    ],
)
def test_a_return_time_outside_the_bounds_is_refused_with_a_reason(
    alice_client: Client, start: Post, minutes: int | str, message: str
) -> None:
    page = markup(start(alice_client, minutes=minutes, phrase=PHRASES[2]))
    assert message in page
    assert 'id="id_phrase_2" checked' in page
    assert not PauseSignal.objects.exists()


@pytest.mark.parametrize(
    ("minutes", "berlin", "new_york"),
    [(20, "13:20", "08:20"), (1440, "Wed 13:00", "Wed 08:00")],
)
def test_the_bounds_themselves_are_accepted_and_shown_in_each_persons_zone(
    alice_client: Client, bob_client: Client, start: Post, minutes: int, berlin: str, new_york: str
) -> None:
    # 10 March 2026: New York is already on summer time (UTC-4), Berlin not yet (UTC+1).
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        alice_page = markup(start(alice_client, minutes=minutes))
        bob_page = markup(bob_client.get("/pause/"))
    assert f">{berlin}</time>, your time." in alice_page
    assert "You don't need to do anything now. Alice plans to come back by <time" in bob_page
    assert f">{new_york}</time>." in bob_page
    assert the_pause().returns_at - the_pause().started_at == timedelta(minutes=minutes)


def test_an_extension_may_reach_24_hours_from_the_start_and_no_further(
    alice_client: Client, start: Post, act: Post
) -> None:
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        start(alice_client, minutes=23 * 60)
        pk = the_pause().pk
        refused = markup(act(alice_client, f"/pause/{pk}/extend/", {"minutes": 61}))
        assert (
            "A pause lasts at most 24 hours from when it began, so this one can run until "
            "Wed 13:00 at the latest" in refused
        )
        huge = markup(act(alice_client, f"/pause/{pk}/extend/", {"minutes": 99999999999}))
        assert "Choose how much longer you need." in huge
        assert the_pause().extended_at is None
        act(alice_client, f"/pause/{pk}/extend/", {"minutes": 60})
    assert the_pause().returns_at == datetime(2026, 3, 11, 12, 0, tzinfo=UTC)


# Ending on its own


def test_a_pause_nobody_closed_ends_at_24_hours_once_when_the_task_runs_twice(
    couple: Couple, alice_client: Client, bob_client: Client, start: Post
) -> None:
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False) as clock:
        start(alice_client, minutes=60)
        clock.shift(timedelta(hours=23, minutes=59))
        tasks.end_overdue_pauses.delay()
        assert the_pause().ended_at is None

        clock.shift(timedelta(minutes=2))
        # Past 24 hours it is no longer shown, even before the task closes it.
        assert "Need a pause?" in markup(bob_client.get("/pause/"))
        tasks.end_overdue_pauses.delay()
        tasks.end_overdue_pauses.delay()
    pause = the_pause()
    assert pause.ended_at == datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
    assert pause.end_reason == PauseSignal.EndReason.EXPIRED
    assert services.end_overdue_pauses(now=pause.latest_return + timedelta(hours=1)) == 0
    assert messages_of(couple) == []


def test_a_new_pause_can_start_after_an_unclosed_one_ran_out(
    alice_client: Client, bob_client: Client, start: Post
) -> None:
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False) as clock:
        start(alice_client)
        clock.shift(timedelta(hours=25))
        page = markup(start(bob_client, phrase=PHRASES[1]))
    assert "You're taking a pause" in page
    assert PauseSignal.objects.filter(ended_at__isnull=True).count() == 1


def test_the_beat_schedule_runs_the_task(settings: Settings) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["end-overdue-pauses"]
    assert entry["task"] == tasks.end_overdue_pauses.name


# History, without ranking


def test_past_pauses_are_listed_plainly(
    couple: Couple, alice: User, bob_client: Client, start: Post, act: Post, alice_client: Client
) -> None:
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False) as clock:
        start(alice_client, phrase=PHRASES[1])
        clock.shift(timedelta(minutes=45))
        act(alice_client, f"/pause/{the_pause().pk}/end/")
        page = markup(bob_client.get("/pause/", {"new": ""}))
    assert f"Tue 10 Mar 2026, 08:00</time> · “{PHRASES[1]}” · 45 min" in page
    assert "Alice" not in page.split("Past pauses")[1]


def test_the_check_in_can_ask_for_a_weeks_pauses(couple: Couple, alice: User) -> None:
    make_past_pauses(couple, alice, 10)
    now = timezone.now()
    week = PauseSignal.objects.for_couple(couple).between(now - timedelta(days=6, hours=12), now)
    assert [p.phrase for p in week] == [f"Past pause {i}" for i in range(5, 10)]


@pytest.mark.parametrize("past", [1, 20])
def test_the_pause_page_queries_do_not_grow_with_history(
    couple: Couple,
    alice: User,
    alice_client: Client,
    start: Post,
    past: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    make_past_pauses(couple, alice, past)
    Phrase.objects.bulk_create(
        Phrase(couple=couple, group=PhraseGroup.NEED, text=f"I need {i} minutes", position=10 + i)
        for i in range(past)
    )
    # session, user, couple with both partners, the open pause and past pauses, the pause
    # protocol in force, the vocabulary's "I need…" phrases (both offered by the form), the
    # pause banner
    with django_assert_num_queries(7):
        page = markup(alice_client.get("/pause/"))
    assert f"I need {past - 1} minutes" in page
    assert f"“Past pause {past - 1}”" in page
    start(alice_client)
    # session, user, couple with both partners, the open pause (and past pauses), the pause
    # protocol in force (its grounding practice), the pause banner (the sender's own: the pause
    # alone)
    with django_assert_num_queries(6):
        page = markup(alice_client.get("/pause/"))
    assert "You're taking a pause" in page


def test_the_pause_is_one_tap_from_the_home_in_its_menu(alice_client: Client) -> None:
    page = markup(alice_client.get("/"))
    nav = page.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    assert 'href="/pause/"' in nav
    # The home is what's next: no card that only points at the pause page.
    assert "Open the pause page" not in page


# Email, only for those who ask for it


def test_the_partner_gets_no_email_by_default(alice_client: Client, start: Post) -> None:
    start(alice_client)
    assert not mail.outbox


def test_a_partner_who_asked_for_email_gets_a_neutral_email(
    alice_client: Client, bob_client: Client, bob: User, start: Post
) -> None:
    page = markup(bob_client.get("/settings/"))
    assert "Your partner asked for a pause" in page
    choices = {f"notify-{kind}": "hearth" for kind in KINDS}
    response = bob_client.post(
        "/settings/notifications/", {**choices, "notify-pause": "email"}, follow=True
    )
    assert "Saved." in markup(response)
    assert re.findall(r'name="notify-pause" value="(\w+)"[^>]*checked', markup(response)) == [
        "email"
    ]

    start(alice_client, phrase=PHRASES[1])
    [message] = mail.outbox
    assert message.to == ["bob@example.com"]
    assert message.subject == "A note from your space on Hearth"
    assert PHRASES[1] not in message.body
    assert "Alice asked for a pause" in message.body

    bob_client.post("/settings/notifications/", choices)
    assert not wants(bob, Kind.PAUSE)


def test_a_partner_left_alone_comes_back_without_waiting_for_the_one_who_left(
    bob: User, bob_client: Client, alice_client: Client, start: Post, act: Post
) -> None:
    from couples.services import leave_couple

    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False) as clock:
        start(alice_client)
        leave_couple(user=bob)
        clock.shift(timedelta(minutes=20))
        page = markup(act(alice_client, f"/pause/{the_pause().pk}/ready/"))
    assert "The pause has ended. Welcome back." in page
    assert the_pause().end_reason == PauseSignal.EndReason.READY


def test_a_pause_ends_when_the_partner_who_asked_for_it_leaves(
    alice: User, bob_client: Client, alice_client: Client, start: Post
) -> None:
    from couples.services import leave_couple

    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        start(alice_client)
        leave_couple(user=alice)
        assert "asked for a pause" not in markup(bob_client.get("/pause/"))
        assert "Start gently: what do you each need now?" in markup(bob_client.get("/pause/"))
    pause = the_pause()
    assert pause.ended_at == datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert pause.end_reason == PauseSignal.EndReason.SENDER
    assert "pause" not in " ".join(messages_of(pause.couple))
