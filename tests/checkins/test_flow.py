"""The week page, one step at a time: the reader's own form first on an open week, the agenda
folded just below the title, each state's own next step, and a closed week as one summary with
no controls. Weeks are named by their dates."""

from __future__ import annotations

from django.test import Client

from checkins.models import CheckIn, Entry
from couples.models import Couple, User
from tests.support.checkins import HTMX, URL, WEEK, statuses, week_of, write
from tests.support.pages import main_content, markup, visible_words
from tests.support.story import FORMER, Story

CONTROLS = (
    "Another question",
    "Skip it this week",
    "Mark this challenge resolved",
    "Change something",
)


def share(client: Client, who: str) -> None:
    client.get(URL)
    write(client, action="share", small_win=f"{who}'s win", challenge=f"{who}'s challenge")


def test_on_an_open_week_the_own_form_comes_right_after_a_folded_agenda(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    week_of(couple, alice, bob, weeks_ago=1, step="Walk after dinner")
    main = main_content(alice_client.get(URL))
    title = main.index("<h1>")
    fold = main.index('<details class="fold" id="before-you-start">')
    field = main.index('<textarea name="small_win"')
    assert title < fold < field
    # The fold is closed, and between it and the form there is nothing but the form's heading.
    assert '<details class="fold" id="before-you-start" open' not in main
    between = main[main.index("</details>", fold) : field]
    assert visible_words(between) == "Your entry One small win"
    assert "Walk after dinner" in main[fold:field]


def test_weeks_are_named_by_their_dates_never_by_number(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    page = alice_client.get(URL)
    words = visible_words(page)
    assert "Check-in, 23 Nov \N{EN DASH} 29 Nov" in words
    assert "week 48" not in words.lower()
    assert "W48" not in words
    history = visible_words(alice_client.get("/checkins/"))
    assert "Week 48" not in history
    assert "W48" not in history


def test_an_empty_share_attempt_changes_no_status_and_says_so_beside_each_field(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    alice_client.get(URL)
    response = write(alice_client, action="share")
    assert response.status_code == 400
    assert not Entry.objects.exists()
    assert statuses(bob_client.get(f"/checkins/{WEEK}/status/", headers=HTMX)) == {
        "partner-status": "not started yet",
        "own-status": "not started yet",
    }
    page = markup(response)
    win = page.split('<label for="id_small_win">', 1)[1].split("</textarea>", 1)[0]
    assert "Write one small win to share." in win
    assert 'aria-invalid="true" aria-describedby="id_small_win_error"' in win
    challenge = page.split('<label for="id_challenge">', 1)[1].split("</textarea>", 1)[0]
    assert "Write one remaining challenge to share." in challenge


def test_an_empty_autosave_stores_nothing(
    couple: Couple, alice: User, alice_client: Client
) -> None:
    alice_client.get(URL)
    write(alice_client, htmx=True)
    assert not Entry.objects.exists()


def test_waiting_shows_ones_own_entry_and_says_who_we_wait_for(
    couple: Couple, alice_client: Client
) -> None:
    share(alice_client, "Alice")
    words = visible_words(alice_client.get(URL))
    assert words.split("Check-in, ", 1)[1].split(" Before you start")[0].endswith("Waiting for Bob")
    assert "Alice's challenge" in words
    assert "seen" not in words.lower()


def test_the_reveal_puts_both_entries_side_by_side_then_asks_to_listen(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    share(alice_client, "Alice")
    share(bob_client, "Bob")
    main = main_content(alice_client.get(URL))
    pair = main.split('<div class="pair">', 1)[1].split('<section id="listening"', 1)[0]
    assert "Alice&#x27;s win" in pair or "Alice's win" in pair
    assert "Bob's challenge" in pair.replace("&#x27;", "'")
    assert main.index('<div class="pair">') < main.index("Now listen")
    # The title says the step once; the entries' own heading does not repeat it.
    assert visible_words(main).count("both shared: read together") == 1


def test_one_who_said_what_they_heard_waits_and_may_only_choose_to_say_it_differently(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    share(alice_client, "Alice")
    share(bob_client, "Bob")
    alices = Entry.objects.get(author__display_name="Alice")
    heard = f"/checkins/{WEEK}/entries/{alices.pk}/reflect/"
    bob_client.post(heard, {"heard": "you feel hurried"})
    main = main_content(bob_client.get(URL))
    listening = main.split('<section id="listening"', 1)[1]
    assert "Waiting for an answer." in visible_words(listening)
    # Saying it differently is folded away, behind a quieter button: the next step is to wait.
    fold = listening.split('<details class="fold">', 1)[1].split("</details>", 1)[0]
    assert visible_words(fold) == "Say it differently What I heard is … Say it differently"
    assert '<button type="submit" class="secondary">Say it differently</button>' in fold
    assert "Try again" not in visible_words(listening)

    # "Not quite": now trying again is the next step, in the open.
    first = alices.reflections.get()
    alice_client.post(f"/checkins/{WEEK}/reflections/{first.pk}/answer/", {"answer": "not_quite"})
    listening = main_content(bob_client.get(URL)).split('<section id="listening"', 1)[1]
    assert '<details class="fold">' not in listening
    assert '<button type="submit">Try again</button>' in listening


def test_a_closed_week_folds_into_one_summary_first_with_no_controls(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    week_of(couple, alice, bob, weeks_ago=0, step="Walk after dinner")
    main = main_content(alice_client.get(URL))
    words = visible_words(main)
    summary = words.split(" What was on the agenda", 1)[0]
    assert summary.split("A week you closed together ", 1)[1] == (
        "Done — well done, both of you. You each brought a small win: You: Alice's win "
        "Bob: Bob's win Your small step for next week: Walk after dinner"
    )
    for control in CONTROLS:
        assert control not in words
    assert "<form" not in main
    assert '<details class="fold" id="whole-week">' in main


def test_a_former_partners_words_never_reach_the_new_couples_home_week_or_history(
    story: Story,
) -> None:
    client = story.fay_client
    assert not FORMER.search(visible_words(client.get("/")))
    assert not FORMER.search(visible_words(client.get("/checkins/this-week/", follow=True)))
    assert not FORMER.search(visible_words(client.get("/checkins/")))
    assert CheckIn.objects.exists()
