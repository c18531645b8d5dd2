from __future__ import annotations

from django.test import Client

from couples.models import Couple, User
from tests.support.pages import main_content
from toolkit.models import TriggerScript


def write(client: Client, notice: str = "my shoulders rise", will: str = "breathe slowly") -> None:
    client.post("/toolkit/scripts/", {"when_i_notice": notice, "i_will": will})


def test_a_new_script_is_private_to_its_author(
    couple: Couple, alice: User, alice_client: Client, bob_client: Client
) -> None:
    write(alice_client)
    script = TriggerScript.objects.get()
    assert (script.author, script.couple, script.is_shared) == (alice, couple, False)
    assert "my shoulders rise" in alice_client.get("/toolkit/scripts/").content.decode()
    assert "my shoulders rise" not in bob_client.get("/toolkit/scripts/").content.decode()


def test_sharing_shows_the_script_to_the_partner_and_unsharing_hides_it_again(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    write(alice_client)
    script = TriggerScript.objects.get()
    alice_client.post(f"/toolkit/scripts/{script.pk}/share/", {"share": "yes"})
    page = bob_client.get("/toolkit/scripts/").content.decode()
    assert "Alice: when I notice my shoulders rise, I'll breathe slowly" in page

    alice_client.post(f"/toolkit/scripts/{script.pk}/share/", {"share": "no"})
    assert "my shoulders rise" not in bob_client.get("/toolkit/scripts/").content.decode()


def test_shared_by_serves_the_pause_banner_only_scripts_the_author_shared(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    write(alice_client, notice="I go quiet")
    write(alice_client, notice="I raise my voice")
    quiet = TriggerScript.objects.get(when_i_notice="I go quiet")
    assert not TriggerScript.objects.shared_by(alice).exists()

    alice_client.post(f"/toolkit/scripts/{quiet.pk}/share/", {"share": "yes"})
    assert list(TriggerScript.objects.shared_by(alice)) == [quiet]
    assert not TriggerScript.objects.shared_by(bob).exists()

    alice_client.post(f"/toolkit/scripts/{quiet.pk}/share/", {"share": "no"})
    assert not TriggerScript.objects.shared_by(alice).exists()


def test_the_author_edits_and_deletes_their_script(couple: Couple, alice_client: Client) -> None:
    write(alice_client)
    script = TriggerScript.objects.get()
    alice_client.post(
        f"/toolkit/scripts/{script.pk}/", {"when_i_notice": "I clench", "i_will": "step outside"}
    )
    script.refresh_from_db()
    assert (script.when_i_notice, script.i_will) == ("I clench", "step outside")
    alice_client.post(f"/toolkit/scripts/{script.pk}/delete/")
    assert not TriggerScript.objects.exists()


def test_the_partner_can_neither_read_nor_change_nor_share_a_script(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    write(alice_client)
    script = TriggerScript.objects.get()
    assert bob_client.get(f"/toolkit/scripts/{script.pk}/").status_code == 404
    edit = {"when_i_notice": "hacked", "i_will": "hacked"}
    assert bob_client.post(f"/toolkit/scripts/{script.pk}/", edit).status_code == 404
    share = bob_client.post(f"/toolkit/scripts/{script.pk}/share/", {"share": "yes"})
    assert share.status_code == 404
    assert bob_client.post(f"/toolkit/scripts/{script.pk}/delete/").status_code == 404
    script.refresh_from_db()
    assert (script.when_i_notice, script.is_shared) == ("my shoulders rise", False)


def test_a_missing_script_and_the_partners_script_look_the_same(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    write(alice_client)
    script = TriggerScript.objects.get()
    theirs = bob_client.get(f"/toolkit/scripts/{script.pk}/")
    missing = bob_client.get(f"/toolkit/scripts/{script.pk + 1000}/")
    assert theirs.status_code == missing.status_code == 404
    assert main_content(theirs) == main_content(missing)


def test_an_empty_or_oversized_script_is_refused_and_what_was_typed_stays(
    couple: Couple, alice_client: Client
) -> None:
    response = alice_client.post(
        "/toolkit/scripts/", {"when_i_notice": "my hands shake", "i_will": ""}
    )
    page = response.content.decode()
    assert "This field is required." in page
    assert "my hands shake" in page
    long = "x" * 301
    response = alice_client.post("/toolkit/scripts/", {"when_i_notice": long, "i_will": "rest"})
    assert "at most 300 characters" in response.content.decode()
    assert not TriggerScript.objects.exists()


def test_a_script_is_stored_as_typed_and_shown_escaped(
    couple: Couple, alice_client: Client
) -> None:
    write(alice_client, notice="<b>tension</b>")
    assert TriggerScript.objects.get().when_i_notice == "<b>tension</b>"
    page = alice_client.get("/toolkit/scripts/").content.decode()
    assert "&lt;b&gt;tension&lt;/b&gt;" in page
    assert "<b>tension</b>" not in page


def test_a_share_button_posting_something_else_changes_nothing_and_says_so(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    write(alice_client)
    script = TriggerScript.objects.get()
    alice_client.post(f"/toolkit/scripts/{script.pk}/share/", {"share": "yes"})
    response = alice_client.post(
        f"/toolkit/scripts/{script.pk}/share/", {"share": "maybe"}, follow=True
    )
    assert "That didn&#x27;t work. Please try again." in response.content.decode()
    script.refresh_from_db()
    assert script.is_shared
    assert "my shoulders rise" in bob_client.get("/toolkit/scripts/").content.decode()
