from __future__ import annotations

import time_machine
from django.test import Client

from couples.models import Couple
from tests.support.pages import main_content
from toolkit.models import SavedTopic


def save(client: Client, topic: str, session: str = "individual", note: str = "") -> None:
    client.post("/toolkit/therapy/", {"topic": topic, "session": session, "note": note})


def test_a_saved_topic_keeps_its_date_session_and_note(
    couple: Couple, alice_client: Client
) -> None:
    with time_machine.travel("2026-03-04 10:00Z"):
        save(alice_client, "Feeling left out at dinners", "joint", "Since the move")
    topic = SavedTopic.objects.get()
    assert (topic.session, topic.note) == ("joint", "Since the move")
    page = alice_client.get("/toolkit/therapy/").content.decode()
    assert "Feeling left out at dinners" in page
    assert "Our joint session" in page
    assert "4 Mar 2026" in page
    assert "Since the move" in page


def test_marking_discussed_moves_a_topic_off_the_agenda_and_back(
    couple: Couple, alice_client: Client
) -> None:
    save(alice_client, "Money worries")
    topic = SavedTopic.objects.get()
    alice_client.post(f"/toolkit/therapy/{topic.pk}/discussed/", {"discussed": "yes"})
    topic.refresh_from_db()
    assert topic.discussed_at is not None
    assert "Money worries" not in alice_client.get("/toolkit/therapy/agenda/").content.decode()
    assert "Money worries" in alice_client.get("/toolkit/therapy/").content.decode()

    alice_client.post(f"/toolkit/therapy/{topic.pk}/discussed/", {"discussed": "no"})
    assert "Money worries" in alice_client.get("/toolkit/therapy/agenda/").content.decode()


def test_the_author_edits_and_deletes_a_topic(couple: Couple, alice_client: Client) -> None:
    save(alice_client, "Money worries")
    topic = SavedTopic.objects.get()
    alice_client.post(
        f"/toolkit/therapy/{topic.pk}/",
        {"topic": "Money and safety", "session": "joint", "note": ""},
    )
    topic.refresh_from_db()
    assert (topic.topic, topic.session) == ("Money and safety", "joint")
    alice_client.post(f"/toolkit/therapy/{topic.pk}/delete/")
    assert not SavedTopic.objects.exists()


def test_the_printable_agenda_groups_open_topics_by_session_with_a_print_stylesheet(
    couple: Couple, alice_client: Client
) -> None:
    save(alice_client, "Sleep and stress", "individual")
    save(alice_client, "Weekend plans", "joint", "Who decides?")
    page = alice_client.get("/toolkit/therapy/agenda/").content.decode()
    assert page.index("My individual session") < page.index("Sleep and stress")
    assert page.index("Our joint session") < page.index("Weekend plans")
    assert "Who decides?" in page
    assert 'toolkit-print.css" media="print"' in page


def test_the_agenda_downloads_as_plain_text(couple: Couple, alice_client: Client) -> None:
    with time_machine.travel("2026-03-04 10:00Z"):
        save(alice_client, "Sleep & stress", "individual", "Since <March>")
        response = alice_client.get("/toolkit/therapy/agenda.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="therapy-agenda-2026-03-04.txt"'
    )
    text = response.content.decode()
    assert "- Sleep & stress (added 4 Mar 2026)" in text
    assert "\n  Since <March>\n" in text


def test_an_empty_or_oversized_topic_is_refused_and_the_note_stays(
    couple: Couple, alice_client: Client
) -> None:
    response = alice_client.post(
        "/toolkit/therapy/", {"topic": "", "session": "joint", "note": "keep this note"}
    )
    page = response.content.decode()
    assert "This field is required." in page
    assert "keep this note" in page
    response = alice_client.post(
        "/toolkit/therapy/", {"topic": "t", "session": "joint", "note": "n" * 2001}
    )
    assert "at most 2000 characters" in response.content.decode()
    assert not SavedTopic.objects.exists()


def test_the_partner_can_neither_read_nor_change_a_topic(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    save(alice_client, "Money worries")
    topic = SavedTopic.objects.get()
    missing = bob_client.get(f"/toolkit/therapy/{topic.pk + 1000}/")
    theirs = bob_client.get(f"/toolkit/therapy/{topic.pk}/")
    assert theirs.status_code == missing.status_code == 404
    assert main_content(theirs) == main_content(missing)
    edit = {"topic": "changed", "session": "joint"}
    assert bob_client.post(f"/toolkit/therapy/{topic.pk}/", edit).status_code == 404
    done = bob_client.post(f"/toolkit/therapy/{topic.pk}/discussed/", {"discussed": "yes"})
    assert done.status_code == 404
    assert bob_client.post(f"/toolkit/therapy/{topic.pk}/delete/").status_code == 404
    topic.refresh_from_db()
    assert (topic.topic, topic.discussed_at) == ("Money worries", None)


def test_a_discussed_button_posting_something_else_changes_nothing_and_says_so(
    couple: Couple, alice_client: Client
) -> None:
    save(alice_client, "Money worries")
    topic = SavedTopic.objects.get()
    alice_client.post(f"/toolkit/therapy/{topic.pk}/discussed/", {"discussed": "yes"})
    response = alice_client.post(f"/toolkit/therapy/{topic.pk}/discussed/", {}, follow=True)
    assert "That didn&#x27;t work. Please try again." in response.content.decode()
    topic.refresh_from_db()
    assert topic.discussed_at is not None
    assert "Money worries" not in alice_client.get("/toolkit/therapy/agenda/").content.decode()
