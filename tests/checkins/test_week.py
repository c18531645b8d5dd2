from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client

from checkins.models import CheckIn, Entry, Reflection
from couples.models import Couple, User
from tests.support.checkins import HTMX, NOW, URL, WEEK, EntryFields, statuses, week_of, write
from tests.support.pages import Response, markup, visible_words
from toolkit.models import Phrase, PhraseGroup


def test_this_week_redirects_to_the_week_and_creates_it_on_first_visit(
    couple: Couple, alice_client: Client
) -> None:
    response = alice_client.get("/checkins/this-week/")
    assert response.headers["Location"] == URL
    assert not CheckIn.objects.exists()
    assert alice_client.get(URL).status_code == 200
    assert CheckIn.objects.get(couple=couple).label == WEEK


def test_a_week_together_from_private_drafts_to_a_closed_week(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    alice_client.get(URL)
    bob_client.get(URL)

    # Private drafts, saved as each of them types.
    saved = write(
        alice_client, htmx=True, small_win="I slept well 😴", challenge="Mornings feel rushed"
    )
    assert "Saved privately" in markup(saved)
    write(bob_client, htmx=True, small_win="שיחה טובה עם אמא", challenge="Work spills into dinner")
    assert "Mornings feel rushed" not in markup(bob_client.get(URL))
    assert "Work spills into dinner" not in markup(alice_client.get(URL))
    assert statuses(bob_client.get(f"/checkins/{WEEK}/status/", headers=HTMX)) == {
        "partner-status": "writing",
        "own-status": "writing",
    }

    # Alice shares first: still nothing to read for Bob.
    response = write(
        alice_client, action="share", small_win="I slept well 😴", challenge="Mornings feel rushed"
    )
    assert response.status_code == 302
    assert "opens for both of you" in markup(alice_client.get(URL))
    assert "Mornings feel rushed" not in markup(bob_client.get(URL))
    assert statuses(bob_client.get(f"/checkins/{WEEK}/status/", headers=HTMX)) == {
        "partner-status": "shared",
        "own-status": "writing",
    }

    # Bob shares second: both entries open at once, for both.
    write(
        bob_client,
        action="share",
        small_win="שיחה טובה עם אמא",
        challenge="Work spills into dinner",
    )
    checkin = CheckIn.objects.get(couple=couple)
    assert checkin.revealed_at is not None
    for client in (alice_client, bob_client):
        page = markup(client.get(URL))
        assert "I slept well 😴" in page
        assert "שיחה טובה עם אמא" in page
    # Alice's page polls; at the reveal the poll reloads it.
    assert (
        alice_client.get(f"/checkins/{WEEK}/status/", headers=HTMX).headers["HX-Refresh"] == "true"
    )

    # Reflective listening: Bob says what he heard; Alice answers.
    alices = Entry.objects.get(author=alice)
    bob_client.post(f"/checkins/{WEEK}/entries/{alices.pk}/reflect/", {"heard": "you feel hurried"})
    first = Reflection.objects.get()
    refused = bob_client.post(
        f"/checkins/{WEEK}/reflections/{first.pk}/reply/", {"reply": "Let's wake earlier"}
    )
    assert "A reply opens once your partner says you heard them" in markup(refused)
    assert not Reflection.objects.exclude(reply="").exists()
    alice_client.post(
        f"/checkins/{WEEK}/reflections/{first.pk}/answer/",
        {"answer": "not_quite", "clarification": "It's the noise, not the time"},
    )
    bob_client.post(
        f"/checkins/{WEEK}/entries/{alices.pk}/reflect/", {"heard": "the noise gets to you"}
    )
    second = Reflection.objects.latest("id")
    alice_client.post(f"/checkins/{WEEK}/reflections/{second.pk}/answer/", {"answer": "yes"})
    bob_client.post(
        f"/checkins/{WEEK}/reflections/{second.pk}/reply/", {"reply": "Headphones for you?"}
    )
    page = markup(alice_client.get(URL))
    assert "What I heard is you feel hurried" in page
    assert "It's the noise, not the time" in page
    assert "What I heard is the noise gets to you" in page
    assert 'Bob replied: <span dir="auto">Headphones for you?</span>' in page

    # Closing: Alice proposes, Bob agrees, and the week is closed.
    alice_client.post(f"/checkins/{WEEK}/next-step/", {"next_step": "One slow breakfast together"})
    checkin.refresh_from_db()
    assert checkin.next_step_at is not None
    proposed_at = checkin.next_step_at.isoformat()
    own = alice_client.post(
        f"/checkins/{WEEK}/next-step/agree/", {"proposed_at": proposed_at}, follow=True
    )
    assert "You proposed this step" in markup(own)
    bob_client.post(f"/checkins/{WEEK}/next-step/agree/", {"proposed_at": proposed_at})
    checkin.refresh_from_db()
    assert checkin.closed
    summary = markup(bob_client.get(URL))
    assert "Done — well done, both of you." in summary
    assert "One slow breakfast together" in summary


def test_next_week_puts_the_agreed_step_on_the_agenda(
    couple: Couple, alice: User, bob: User, alice_client: Client, clock: time_machine.Traveller
) -> None:
    week_of(couple, alice, bob, weeks_ago=0, step="Walk after dinner")
    clock.shift(timedelta(days=7))
    page = markup(alice_client.get("/checkins/this-week/", follow=True))
    assert "2026-W49" in alice_client.get("/checkins/this-week/").headers["Location"]
    assert (
        'The small step you chose last time: <strong dir="auto">Walk after dinner</strong>' in page
    )


def test_a_step_written_with_its_own_full_stop_is_not_given_a_second(
    couple: Couple, alice: User, bob: User, alice_client: Client, clock: time_machine.Traveller
) -> None:
    week_of(couple, alice, bob, weeks_ago=0, step="Walk after dinner.")
    closed = markup(alice_client.get(URL))
    assert (
        'Your small step for next week: <strong dir="auto">Walk after dinner.</strong> </p>'
        in closed
    )
    clock.shift(timedelta(days=7))
    agenda = markup(alice_client.get("/checkins/this-week/", follow=True))
    assert "Walk after dinner.</strong> </p> <p>How did it go for each of you?</p>" in agenda
    for page in (closed, agenda):
        assert "dinner.</strong>." not in page


def test_sharing_an_empty_entry_is_refused_and_the_draft_is_kept(
    couple: Couple, alice_client: Client
) -> None:
    alice_client.get(URL)
    response = write(alice_client, action="share", small_win="A quiet Sunday")
    assert "To share, write both one small win and one remaining challenge" in markup(response)
    entry = Entry.objects.get()
    assert entry.small_win == "A quiet Sunday"
    assert not entry.shared


def test_text_is_kept_exactly_as_typed_and_shown_escaped(
    couple: Couple, alice_client: Client
) -> None:
    alice_client.get(URL)
    typed = "  <script>alert(1)</script> 🌱\r\n\u0645\u0631\u062d\u0628\u0627  "
    write(alice_client, small_win=typed, challenge="x")
    assert Entry.objects.get().small_win == typed
    page = alice_client.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 🌱" in page


def test_too_long_a_win_gets_a_kind_message_and_keeps_the_words(
    couple: Couple, alice_client: Client
) -> None:
    alice_client.get(URL)
    long = "w" * 1001
    response = write(alice_client, small_win=long, challenge="kept too")
    page = markup(response)
    assert response.status_code == 400
    assert "Please keep this to 1000 characters; it has 1001 now." in page
    assert long in page
    assert "kept too" in page
    assert not Entry.objects.exists()
    notice = markup(write(alice_client, htmx=True, small_win=long, challenge=""))
    assert "Not saved yet." in notice
    assert "1000 characters" in notice


def test_feelings_are_picked_from_the_list_and_stored_as_words(
    couple: Couple, alice: User, alice_client: Client
) -> None:
    alice_client.get(URL)
    data = {"small_win": "w", "challenge": "c", "appreciation": "", "help_wanted": "", "save": ""}
    feelings = ["I feel hopeful", "I feel tired and short on patience"]
    alice_client.post(f"/checkins/{WEEK}/entry/", {**data, "feelings": feelings})
    assert Entry.objects.get().feelings == "I feel hopeful\nI feel tired and short on patience"
    invented = alice_client.post(f"/checkins/{WEEK}/entry/", {**data, "feelings": ["Invented"]})
    assert invented.status_code == 400
    assert Entry.objects.get().feelings == "I feel hopeful\nI feel tired and short on patience"


def feeling_choices(client: Client) -> list[str]:
    form = client.get(URL).context["form"]
    return [value for value, _label in form.fields["feelings"].choices]


def test_the_feelings_picker_offers_the_couples_i_feel_phrases(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    feel = Phrase.objects.for_couple(couple).active().in_group(PhraseGroup.FEEL)
    assert feeling_choices(alice_client) == [p.text for p in feel]
    assert "I need a pause" not in feeling_choices(alice_client)

    bob_client.post("/toolkit/words/", {"group": "feel", "text": "I feel lighter today"})
    assert feeling_choices(alice_client)[-1] == "I feel lighter today"
    assert "I feel lighter today" in alice_client.get(URL).content.decode()


def test_a_feeling_picked_before_its_phrase_was_retired_stays_picked(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    alice_client.get(URL)
    data = {"small_win": "w", "challenge": "c", "appreciation": "", "help_wanted": "", "save": ""}
    alice_client.post(f"/checkins/{WEEK}/entry/", {**data, "feelings": ["I feel anxious"]})
    anxious = Phrase.objects.get(couple=couple, text="I feel anxious")
    bob_client.post(f"/toolkit/words/{anxious.pk}/retire/")

    assert "I feel anxious" in feeling_choices(alice_client)
    assert alice_client.get(URL).context["form"]["feelings"].value() == ["I feel anxious"]
    assert "I feel anxious" not in feeling_choices(bob_client)
    saved = alice_client.post(f"/checkins/{WEEK}/entry/", {**data, "feelings": ["I feel anxious"]})
    assert saved.status_code == 302
    assert Entry.objects.get().feelings == "I feel anxious"


def test_edits_after_sharing_are_marked_with_their_time(
    couple: Couple,
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
    clock: time_machine.Traveller,
) -> None:
    week_of(couple, alice, bob, weeks_ago=0)
    clock.shift(timedelta(minutes=90))
    write(alice_client, small_win="A better win", challenge="Alice's challenge")
    entry = Entry.objects.get(author=alice)
    assert entry.shared
    edited = entry.edited_after_sharing_at
    assert edited is not None
    assert timedelta(0) <= edited - (NOW + timedelta(minutes=90)) < timedelta(minutes=1)
    # Both read the new words with the mark and the moment of the change.
    for client in (alice_client, bob_client):
        page = markup(client.get(URL))
        assert "A better win" in page
        mark = re.search(r'Edited after sharing, <time datetime="([^"]+)">', page)
        assert mark
        assert datetime.fromisoformat(mark.group(1)) == edited.replace(microsecond=0)


def test_a_partner_can_only_ever_write_their_own_entry(
    couple: Couple, alice: User, bob: User, bob_client: Client
) -> None:
    week_of(couple, alice, bob, weeks_ago=0)
    alices = Entry.objects.get(author=alice)
    data = {
        "small_win": "Bob's words",
        "challenge": "c",
        "appreciation": "",
        "help_wanted": "",
        "save": "",
    }
    bob_client.post(f"/checkins/{WEEK}/entry/", {**data, "author": alice.pk, "pk": alices.pk})
    alices.refresh_from_db()
    assert alices.small_win == "Alice's win"
    assert Entry.objects.get(author=bob).small_win == "Bob's words"


def test_confirming_ones_own_paraphrase_is_refused(
    couple: Couple, alice: User, bob: User, bob_client: Client
) -> None:
    week_of(couple, alice, bob, weeks_ago=0)
    reflection = Reflection.objects.create(
        entry=Entry.objects.get(author=alice), listener=bob, heard="you are tired"
    )
    response = bob_client.post(
        f"/checkins/{WEEK}/reflections/{reflection.pk}/answer/", {"answer": "yes"}
    )
    assert "Only the person who wrote the challenge can say" in markup(response)
    reflection.refresh_from_db()
    assert reflection.answer == ""


def test_reflecting_on_ones_own_challenge_is_refused(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    week_of(couple, alice, bob, weeks_ago=0)
    own = Entry.objects.get(author=alice)
    response = alice_client.post(f"/checkins/{WEEK}/entries/{own.pk}/reflect/", {"heard": "me"})
    assert "not your own" in markup(response)
    assert not Reflection.objects.exists()


def test_agreeing_to_a_step_that_changed_meanwhile_is_refused(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    checkin = week_of(couple, alice, bob, weeks_ago=0)
    alice_client.post(f"/checkins/{WEEK}/next-step/", {"next_step": "Tea on Sunday"})
    checkin.refresh_from_db()
    assert checkin.next_step_at is not None
    seen = checkin.next_step_at.isoformat()
    alice_client.post(f"/checkins/{WEEK}/next-step/", {"next_step": "Coffee on Saturday"})
    response = bob_client.post(
        f"/checkins/{WEEK}/next-step/agree/", {"proposed_at": seen}, follow=True
    )
    assert "The proposed step changed while you were reading" in markup(response)
    assert "Coffee on Saturday" in markup(response)
    checkin.refresh_from_db()
    assert not checkin.closed


def test_a_malformed_week_is_refused_with_a_clear_message(
    couple: Couple, alice_client: Client
) -> None:
    for path in ("/checkins/2026-48/", "/checkins/2026-W54/", "/checkins/banana/"):
        response = alice_client.get(path)
        assert response.status_code == 404, path
        assert "isn't a week Hearth knows" in markup(response), path
        assert (
            alice_client.post(path.rstrip("/") + "/entry/", {"small_win": "x"}).status_code == 404
        )


def test_a_week_beyond_this_one_is_refused(couple: Couple, alice_client: Client) -> None:
    response = alice_client.get("/checkins/2026-W49/", follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert "That week hasn't begun yet." in markup(response)
    assert [checkin.label for checkin in CheckIn.objects.all()] == [WEEK]


def test_a_past_week_is_read_only_except_for_resolving_challenges(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    checkin = week_of(couple, alice, bob, weeks_ago=1)
    path = f"/checkins/{checkin.label}/"
    page = markup(alice_client.get(path))
    assert "An earlier week" in page
    assert "Alice's win" in page
    assert 'name="small_win"' not in page

    response = write(alice_client, checkin.label, small_win="rewritten", challenge="c")
    assert "This week has ended" in markup(response)
    assert "rewritten" in markup(response)  # the words typed stay on the page
    entry = Entry.objects.get(author=alice)
    assert entry.small_win == "Alice's win"

    alice_client.post(f"{path}entries/{entry.pk}/resolve/", {"resolved": "1"})
    entry.refresh_from_db()
    assert entry.challenge_resolved_at is not None


def test_only_the_author_marks_a_challenge_resolved(
    couple: Couple, alice: User, bob: User, bob_client: Client
) -> None:
    checkin = week_of(couple, alice, bob, weeks_ago=1)
    alices = Entry.objects.get(author=alice)
    response = bob_client.post(
        f"/checkins/{checkin.label}/entries/{alices.pk}/resolve/", follow=True
    )
    assert "Only the person who wrote a challenge can mark it resolved." in markup(response)
    alices.refresh_from_db()
    assert alices.challenge_resolved_at is None


def test_a_past_week_without_a_check_in_is_a_quiet_gap(
    couple: Couple, alice_client: Client
) -> None:
    response = alice_client.get("/checkins/2026-W40/")
    assert response.status_code == 404
    assert "A quiet week is just a gap." in markup(response)
    assert not CheckIn.objects.exists()


def test_another_couple_opening_the_same_week_sees_only_their_own(
    couple: Couple, alice: User, bob: User, charlie_client: Client
) -> None:
    week_of(couple, alice, bob, weeks_ago=0)
    page = markup(charlie_client.get(URL))
    assert "Alice" not in page
    assert "Alice's win" not in page
    assert CheckIn.objects.count() == 2


def test_someone_alone_can_write_and_share_while_waiting_for_their_partner(alice: User) -> None:
    from couples import services

    services.create_couple(user=alice, name="Waiting room", time_zone="UTC")
    client = Client()
    client.force_login(alice)
    client.get(URL)
    write(client, action="share", small_win="w", challenge="c")
    page = markup(client.get(URL))
    assert "Your partner hasn't joined yet." in page
    assert not CheckIn.objects.get().revealed


def test_agreeing_without_a_proposed_step_is_refused_and_the_week_stays_open(
    couple: Couple, alice_client: Client
) -> None:
    alice_client.get(URL)
    response = alice_client.post(f"/checkins/{WEEK}/next-step/agree/", {}, follow=True)
    assert "There is no proposed step to agree to yet." in markup(response)
    assert CheckIn.objects.get().closed_at is None


@pytest.fixture
def notices(words: Callable[[str], str]) -> Callable[[Response], list[str]]:
    """The flash messages a page shows, as a reader sees them."""

    def read(response: Response) -> list[str]:
        found = re.findall(r'<p class="notice[^"]*"[^>]*>(.*?)</p>', response.content.decode())
        return [words(notice) for notice in found]

    return read


def test_every_save_message_says_truly_who_can_read_the_entry(
    couple: Couple,
    alice_client: Client,
    bob_client: Client,
    notices: Callable[[Response], list[str]],
) -> None:
    alice_client.get(URL)
    draft: EntryFields = {"small_win": "Tea together", "challenge": "Mornings"}
    assert notices(write(alice_client, follow=True, **draft)) == [
        "Saved privately. Only you can see it."
    ]
    assert "Only you can see it." in markup(write(alice_client, htmx=True, **draft))

    # Shared while Bob has not: the page says so once, beside the entry, with no message above
    # it; an edit is still Alice's alone until Bob shares.
    shared = write(alice_client, action="share", follow=True, **draft)
    assert notices(shared) == []
    assert visible_words(markup(shared)).count("It opens for both of you when Bob shares too.") == 1
    waiting: EntryFields = {**draft, "small_win": "Tea together, twice"}
    assert notices(write(alice_client, follow=True, **waiting)) == [
        "Saved. It opens for both of you when your partner shares too."
    ]
    assert "twice" not in markup(bob_client.get(URL))
    notice = markup(write(alice_client, htmx=True, **waiting))
    assert "It opens for both of you when your partner shares too." in notice
    assert "Only you can see it" not in notice

    # Bob shares: the week is open, and Alice's next edit reaches him at once.
    write(bob_client, action="share", small_win="A walk", challenge="Evenings")
    opened: EntryFields = {**draft, "small_win": "Tea together, three times"}
    message = notices(write(alice_client, follow=True, **opened))
    assert message == [
        "Saved. Your partner can read it, with changes marked “edited after sharing”."
    ]
    assert "three times" in markup(bob_client.get(URL))
    notice = markup(write(alice_client, htmx=True, **opened))
    assert "Your partner can read it" in notice
    assert "privately" not in notice


@pytest.fixture
def status_list(words: Callable[[str], str]) -> Callable[[Client], str]:
    """The "Where you both are" list of the week page, as a reader sees it."""

    def read(client: Client) -> str:
        page = client.get(URL).content.decode()
        return words(page.split('<ul class="statuses">', 1)[1].split("</ul>", 1)[0])

    return read


def test_both_statuses_are_right_for_both_people_at_every_step(
    couple: Couple,
    alice_client: Client,
    bob_client: Client,
    status_list: Callable[[Client], str],
) -> None:
    poll = f"/checkins/{WEEK}/status/"

    def seen(alice: str, bob: str) -> None:
        assert status_list(alice_client) == f"You: {alice} Bob: {bob}"
        assert status_list(bob_client) == f"You: {bob} Alice: {alice}"
        assert statuses(alice_client.get(poll, headers=HTMX)) == {
            "partner-status": bob,
            "own-status": alice,
        }
        assert statuses(bob_client.get(poll, headers=HTMX)) == {
            "partner-status": alice,
            "own-status": bob,
        }

    seen(alice="not started yet", bob="not started yet")

    # Alice's first autosave turns her own status to writing on her open page.
    saved = write(alice_client, htmx=True, small_win="w", challenge="")
    assert statuses(saved) == {"own-status": "writing"}
    assert 'id="own-status" data-hx-swap-oob="true"' in saved.content.decode()
    seen(alice="writing", bob="not started yet")

    write(bob_client, htmx=True, small_win="w", challenge="")
    seen(alice="writing", bob="writing")

    write(alice_client, action="share", small_win="w", challenge="c")
    seen(alice="shared", bob="writing")

    # Bob shares too: the week opens, and each open page is reloaded by its poll.
    write(bob_client, action="share", small_win="w", challenge="c")
    for client in (alice_client, bob_client):
        assert client.get(poll, headers=HTMX).headers["HX-Refresh"] == "true"
        assert 'class="statuses"' not in client.get(URL).content.decode()


def test_the_status_poll_answers_nothing_new_only_when_both_statuses_are_unchanged(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    poll = f"/checkins/{WEEK}/status/"
    alice_client.get(URL)
    unchanged = {"own": "not_started", "partner": "not_started"}
    assert alice_client.get(poll, unchanged, headers=HTMX).status_code == 204
    write(alice_client, htmx=True, small_win="w", challenge="")
    assert statuses(alice_client.get(poll, unchanged, headers=HTMX))["own-status"] == "writing"
    assert alice_client.get(poll, {**unchanged, "own": "writing"}, headers=HTMX).status_code == 204
    write(bob_client, htmx=True, small_win="w", challenge="")
    changed = alice_client.get(poll, {**unchanged, "own": "writing"}, headers=HTMX)
    assert statuses(changed)["partner-status"] == "writing"


def test_someone_alone_sees_their_own_status(
    alice: User, status_list: Callable[[Client], str]
) -> None:
    from couples import services

    services.create_couple(user=alice, name="Waiting room", time_zone="UTC")
    client = Client()
    client.force_login(alice)
    assert status_list(client) == "You: not started yet"
    saved = write(client, htmx=True, small_win="w", challenge="")
    assert statuses(saved) == {"own-status": "writing"}
    assert status_list(client) == "You: writing"


def test_the_status_poll_refuses_a_session_ended_by_a_password_change(
    couple: Couple, alice: User, alice_client: Client
) -> None:
    poll = f"/checkins/{WEEK}/status/"
    alice_client.get(URL)
    assert statuses(alice_client.get(poll, headers=HTMX))["own-status"] == "not started yet"
    alice.set_password("a different evening walk")
    alice.save()
    response = alice_client.get(poll, headers=HTMX)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
