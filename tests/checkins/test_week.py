from __future__ import annotations

from datetime import timedelta

from django.test import Client

from checkins.models import CheckIn, Entry, Reflection
from couples.models import Couple, User
from tests.checkins.conftest import HTMX, URL, WEEK, text, week_of, write
from toolkit.models import Phrase, PhraseGroup


def test_this_week_redirects_to_the_week_and_creates_it_on_first_visit(
    couple: Couple, alice_client: Client
) -> None:
    response = alice_client.get("/checkins/this-week/")
    assert response.headers["Location"] == URL
    assert not CheckIn.objects.exists()
    assert alice_client.get(URL).status_code == 200
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
    assert "Saved privately" in text(saved)
    write(bob_client, htmx=True, small_win="שיחה טובה עם אמא", challenge="Work spills into dinner")
    assert "Mornings feel rushed" not in text(bob_client.get(URL))
    assert "Work spills into dinner" not in text(alice_client.get(URL))
    assert "writing" in text(bob_client.get(f"/checkins/{WEEK}/status/", **HTMX))

    # Alice shares first: still nothing to read for Bob.
    response = write(
        alice_client, action="share", small_win="I slept well 😴", challenge="Mornings feel rushed"
    )
    assert response.status_code == 302
    assert "opens for both of you" in text(alice_client.get(URL))
    assert "Mornings feel rushed" not in text(bob_client.get(URL))
    assert "shared" in text(bob_client.get(f"/checkins/{WEEK}/status/", **HTMX))

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
        page = text(client.get(URL))
        assert "I slept well 😴" in page
        assert "שיחה טובה עם אמא" in page
    # Alice's page polls; at the reveal the poll reloads it.
    assert alice_client.get(f"/checkins/{WEEK}/status/", **HTMX).headers["HX-Refresh"] == "true"

    # Reflective listening: Bob says what he heard; Alice answers.
    alices = Entry.objects.get(author=alice)
    bob_client.post(f"/checkins/{WEEK}/entries/{alices.pk}/reflect/", {"heard": "you feel hurried"})
    first = Reflection.objects.get()
    refused = bob_client.post(
        f"/checkins/{WEEK}/reflections/{first.pk}/reply/", {"reply": "Let's wake earlier"}
    )
    assert "A reply opens once your partner says you heard them" in text(refused)
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
    page = text(alice_client.get(URL))
    assert "What I heard is you feel hurried" in page
    assert "It&#x27;s the noise, not the time" in page
    assert "What I heard is the noise gets to you" in page
    assert 'Bob replied: <span dir="auto">Headphones for you?</span>' in page

    # Closing: Alice proposes, Bob agrees, and the week is closed.
    alice_client.post(f"/checkins/{WEEK}/next-step/", {"next_step": "One slow breakfast together"})
    checkin.refresh_from_db()
    proposed_at = checkin.next_step_at.isoformat()
    own = alice_client.post(
        f"/checkins/{WEEK}/next-step/agree/", {"proposed_at": proposed_at}, follow=True
    )
    assert "You proposed this step" in text(own)
    bob_client.post(f"/checkins/{WEEK}/next-step/agree/", {"proposed_at": proposed_at})
    checkin.refresh_from_db()
    assert checkin.closed
    summary = text(bob_client.get(URL))
    assert "This week is closed. Well done, both of you." in summary
    assert "One slow breakfast together" in summary


def test_next_week_puts_the_agreed_step_on_the_agenda(
    couple: Couple, alice: User, bob: User, alice_client: Client, clock
) -> None:
    week_of(couple, alice, bob, weeks_ago=0, step="Walk after dinner")
    clock.shift(timedelta(days=7))
    page = text(alice_client.get("/checkins/this-week/", follow=True))
    assert "2026-W49" in alice_client.get("/checkins/this-week/").headers["Location"]
    assert (
        'The small step you chose last time: <strong dir="auto">Walk after dinner</strong>' in page
    )


def test_sharing_an_empty_entry_is_refused_and_the_draft_is_kept(
    couple: Couple, alice_client: Client
) -> None:
    alice_client.get(URL)
    response = write(alice_client, action="share", small_win="A quiet Sunday")
    assert "To share, write both one small win and one remaining challenge" in text(response)
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
    page = text(response)
    assert response.status_code == 400
    assert "Please keep this to 1000 characters; it has 1001 now." in page
    assert long in page
    assert "kept too" in page
    assert not Entry.objects.exists()
    notice = text(write(alice_client, htmx=True, small_win=long, challenge=""))
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
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    week_of(couple, alice, bob, weeks_ago=0)
    write(alice_client, small_win="A better win", challenge="Alice's challenge")
    entry = Entry.objects.get(author=alice)
    assert entry.shared
    assert entry.edited_after_sharing_at is not None
    assert "Edited after sharing" in text(alice_client.get(URL))


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
    assert "Only the person who wrote the challenge can say" in text(response)
    reflection.refresh_from_db()
    assert reflection.answer == ""


def test_reflecting_on_ones_own_challenge_is_refused(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    week_of(couple, alice, bob, weeks_ago=0)
    own = Entry.objects.get(author=alice)
    response = alice_client.post(f"/checkins/{WEEK}/entries/{own.pk}/reflect/", {"heard": "me"})
    assert "not your own" in text(response)
    assert not Reflection.objects.exists()


def test_agreeing_to_a_step_that_changed_meanwhile_is_refused(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    checkin = week_of(couple, alice, bob, weeks_ago=0)
    alice_client.post(f"/checkins/{WEEK}/next-step/", {"next_step": "Tea on Sunday"})
    checkin.refresh_from_db()
    seen = checkin.next_step_at.isoformat()
    alice_client.post(f"/checkins/{WEEK}/next-step/", {"next_step": "Coffee on Saturday"})
    response = bob_client.post(
        f"/checkins/{WEEK}/next-step/agree/", {"proposed_at": seen}, follow=True
    )
    assert "The proposed step changed while you were reading" in text(response)
    assert "Coffee on Saturday" in text(response)
    checkin.refresh_from_db()
    assert not checkin.closed


def test_a_malformed_week_is_refused_with_a_clear_message(
    couple: Couple, alice_client: Client
) -> None:
    for path in ("/checkins/2026-48/", "/checkins/2026-W54/", "/checkins/banana/"):
        response = alice_client.get(path)
        assert response.status_code == 404, path
        assert "isn&#x27;t a week Hearth knows" in text(response), path
        assert (
            alice_client.post(path.rstrip("/") + "/entry/", {"small_win": "x"}).status_code == 404
        )


def test_a_week_beyond_this_one_is_refused(couple: Couple, alice_client: Client) -> None:
    response = alice_client.get("/checkins/2026-W49/", follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert "That week hasn&#x27;t begun yet." in text(response)
    assert not CheckIn.objects.filter(week_start__gt=CheckIn.objects.get().week_start).exists()


def test_a_past_week_is_read_only_except_for_resolving_challenges(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    checkin = week_of(couple, alice, bob, weeks_ago=1)
    path = f"/checkins/{checkin.label}/"
    page = text(alice_client.get(path))
    assert "an earlier week" in page
    assert "Alice&#x27;s win" in page
    assert 'name="small_win"' not in page

    response = write(alice_client, checkin.label, small_win="rewritten", challenge="c")
    assert "This week has ended" in text(response)
    assert "rewritten" in text(response)  # the words typed stay on the page
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
    assert "Only the person who wrote a challenge can mark it resolved." in text(response)
    alices.refresh_from_db()
    assert alices.challenge_resolved_at is None


def test_a_past_week_without_a_check_in_is_a_quiet_gap(
    couple: Couple, alice_client: Client
) -> None:
    response = alice_client.get("/checkins/2026-W40/")
    assert response.status_code == 404
    assert "A quiet week is just a gap." in text(response)
    assert not CheckIn.objects.exists()


def test_another_couple_opening_the_same_week_sees_only_their_own(
    couple: Couple, alice: User, bob: User, charlie_client: Client
) -> None:
    week_of(couple, alice, bob, weeks_ago=0)
    page = text(charlie_client.get(URL))
    assert "Alice" not in page
    assert "Alice&#x27;s win" not in page
    assert CheckIn.objects.count() == 2


def test_someone_alone_can_write_and_share_while_waiting_for_their_partner(alice: User) -> None:
    from couples import services

    services.create_couple(user=alice, name="Waiting room", time_zone="UTC")
    client = Client()
    client.force_login(alice)
    client.get(URL)
    write(client, action="share", small_win="w", challenge="c")
    page = text(client.get(URL))
    assert "Your partner hasn't joined yet." in page
    assert not CheckIn.objects.get().revealed


def test_agreeing_without_a_proposed_step_is_refused_and_the_week_stays_open(
    couple: Couple, alice_client: Client
) -> None:
    alice_client.get(URL)
    response = alice_client.post(f"/checkins/{WEEK}/next-step/agree/", {}, follow=True)
    assert "There is no proposed step to agree to yet." in text(response)
    assert CheckIn.objects.get().closed_at is None
