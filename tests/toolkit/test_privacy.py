"""What one partner keeps private (unshared trigger scripts, topics saved for therapy) reaches
the other through no toolkit page, partial, download or object URL, nor the home and couple
pages. Private objects asked for by id answer exactly as a missing object does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from couples import services
from couples.models import Couple, User
from tests.support.pages import visible_words
from tests.support.people import client_for, join_as_new_partner
from tests.support.routes import Route, build, guarded_routes
from toolkit.models import Repair, SavedTopic, TriggerScript

SECRET = "the-secret-only-alice-knows"


def toolkit_routes() -> list[Route]:
    return [r for r in guarded_routes() if r.route.startswith("toolkit/")]


def every_response(client: Client, pk: int) -> Iterator[tuple[str, str, int, bytes]]:
    """GET every toolkit URL (object URLs with `pk`), as a page and as an htmx request, and
    POST the object URLs, plus the pages that gather the couple's things."""
    pages = [("/", False), ("/couple/", False), ("/settings/", False)]
    pages += [(build(r, {"pk": pk}), "<int:pk>" in r.route) for r in toolkit_routes()]
    for path, names_an_object in pages:
        for name, response in (
            ("GET", client.get(path)),
            ("htmx GET", client.get(path, headers={"HX-Request": "true"})),
        ):
            yield name, path, response.status_code, response.content
        if names_an_object:
            response = client.post(path)
            yield "POST", path, response.status_code, response.content


def assert_never_reaches(client: Client, pk: int, own_urls: str) -> None:
    """`own_urls` starts the paths of the item's own URLs: those answer exactly as they do for an
    object that does not exist (404, or 405 for a GET of an action URL)."""
    missing = pk + 1000
    as_missing = {
        (method, path.replace(f"/{missing}/", f"/{pk}/")): status
        for method, path, status, _content in every_response(client, missing)
    }
    seen = 0
    for method, path, status, content in every_response(client, pk):
        assert SECRET.encode() not in content, f"{method} {path} shows the private text"
        if path.startswith(f"{own_urls}{pk}/"):
            assert status == as_missing[(method, path)], f"{method} {path}"
        seen += 1
    assert seen > 40


def test_a_private_trigger_script_reaches_the_partner_nowhere(
    couple: Couple, alice: User, bob_client: Client
) -> None:
    script = TriggerScript.objects.create(
        couple=couple, author=alice, when_i_notice=SECRET, i_will=SECRET
    )
    assert_never_reaches(bob_client, script.pk, "/toolkit/scripts/")
    script.refresh_from_db()
    assert (script.when_i_notice, script.is_shared) == (SECRET, False)


def test_an_unshared_script_reaches_the_partner_nowhere_once_more(
    couple: Couple, alice: User, alice_client: Client, bob_client: Client
) -> None:
    script = TriggerScript.objects.create(
        couple=couple, author=alice, when_i_notice=SECRET, i_will="walk"
    )
    alice_client.post(f"/toolkit/scripts/{script.pk}/share/", {"share": "yes"})
    assert SECRET in bob_client.get("/toolkit/scripts/").content.decode()
    alice_client.post(f"/toolkit/scripts/{script.pk}/share/", {"share": "no"})
    assert_never_reaches(bob_client, script.pk, "/toolkit/scripts/")


def test_a_topic_saved_for_therapy_reaches_the_partner_nowhere(
    couple: Couple, alice: User, bob_client: Client
) -> None:
    topic = SavedTopic.objects.create(couple=couple, author=alice, topic=SECRET, note=SECRET)
    discussed = SavedTopic.objects.create(
        couple=couple, author=alice, topic=SECRET, discussed_at=topic.created_at
    )
    assert_never_reaches(bob_client, topic.pk, "/toolkit/therapy/")
    assert_never_reaches(bob_client, discussed.pk, "/toolkit/therapy/")
    assert SavedTopic.objects.filter(topic=SECRET, author=alice).count() == 2


@pytest.mark.parametrize("path", ["/toolkit/therapy/agenda/", "/toolkit/therapy/agenda.txt"])
def test_the_partners_own_agenda_holds_only_their_own_topics(
    couple: Couple, alice: User, bob: User, bob_client: Client, path: str
) -> None:
    SavedTopic.objects.create(couple=couple, author=alice, topic=SECRET)
    SavedTopic.objects.create(couple=couple, author=bob, topic="Bob's own topic")
    content = bob_client.get(path).content.decode()
    assert "Bob's own topic" in visible_words(content)
    assert SECRET not in content


def test_a_partner_who_leaves_keeps_their_scripts_and_neither_space_shows_them(
    couple: Couple, alice: User, bob: User, alice_client: Client
) -> None:
    shared = TriggerScript.objects.create(
        couple=couple, author=bob, when_i_notice=f"{SECRET} shared", i_will="x"
    )
    private = TriggerScript.objects.create(
        couple=couple, author=bob, when_i_notice=f"{SECRET} private", i_will="y"
    )
    client_for(bob).post(f"/toolkit/scripts/{shared.pk}/share/", {"share": "yes"})
    assert f"{SECRET} shared" in alice_client.get("/toolkit/scripts/").content.decode()

    services.leave_couple(user=bob)
    services.create_couple(user=bob, name="Bob's new place", time_zone="UTC")

    # Still Bob's, neither deleted nor handed to the partner who stayed...
    kept = TriggerScript.objects.filter(pk__in=[shared.pk, private.pk], author=bob)
    assert kept.count() == 2
    # ...and shown nowhere: not to Alice, who could read one of them until Bob left, and not in
    # Bob's new space, which they were never written for.
    assert SECRET not in alice_client.get("/toolkit/scripts/").content.decode()
    assert SECRET not in client_for(bob).get("/toolkit/scripts/").content.decode()


def test_deleting_a_persons_row_erases_their_private_items_and_keeps_their_repairs(
    couple: Couple, alice: User, bob: User
) -> None:
    """What the database does when a person is deleted (Hearth has no account deletion page
    yet; it will rely on this): scripts and topics go with them, repairs stay with the couple,
    shown as by a former partner."""
    TriggerScript.objects.create(couple=couple, author=alice, when_i_notice=SECRET, i_will="x")
    SavedTopic.objects.create(couple=couple, author=alice, topic=SECRET)
    repair = Repair.objects.create(
        couple=couple,
        author=alice,
        acknowledgement="a",
        apology="b",
        plan="c",
        follow_up_on=date(2026, 1, 1),
    )
    alice.delete()
    assert not TriggerScript.objects.exists()
    assert not SavedTopic.objects.exists()
    repair.refresh_from_db()
    assert repair.author is None
    assert (
        "By a former partner"
        in client_for(bob).get(f"/toolkit/repairs/{repair.pk}/").content.decode()
    )


def test_scripts_shared_by_someone_who_left_are_shared_with_no_one(
    couple: Couple, alice: User, bob: User
) -> None:
    bobs = TriggerScript.objects.create(
        couple=couple, author=bob, when_i_notice="bob", i_will="x", shared_at=timezone.now()
    )
    alices = TriggerScript.objects.create(
        couple=couple, author=alice, when_i_notice="alice", i_will="y", shared_at=timezone.now()
    )
    assert set(TriggerScript.objects.for_couple(couple).shared()) == {alices, bobs}

    services.leave_couple(user=bob)
    # They describe Bob's own triggers: with him gone, they are shown to nobody.
    assert list(TriggerScript.objects.for_couple(couple).shared()) == [alices]
    assert not TriggerScript.objects.shared_by(bob).exists()


@time_machine.travel("2026-03-04 10:00Z")
def test_a_repair_made_before_a_partner_joined_stays_with_those_who_made_it(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    repair_words = {"acknowledgement": "bob-ack", "apology": "bob-sorry", "plan": "bob-plan"}
    bob_client.post("/toolkit/repairs/", {**repair_words, "follow_up_on": "2026-03-04"})
    repair = Repair.objects.get()
    alice_client.post(f"/toolkit/repairs/{repair.pk}/", {"response": "alice-answer"})
    bob_client.post("/couple/leave/")
    _fay, fay_client = join_as_new_partner(alice_client, "Fay")

    for path in ("/toolkit/repairs/", "/checkins/this-week/", "/"):
        page = fay_client.get(path, follow=True).content.decode()
        assert "bob-" not in page, path
        assert "alice-answer" not in page, path
    assert fay_client.get(f"/toolkit/repairs/{repair.pk}/").status_code == 404
    assert fay_client.post(f"/toolkit/repairs/{repair.pk}/followed-up/").status_code == 404
    assert Repair.objects.get().followed_up_at is None

    # Alice made it with Bob: it stays on her list and her agenda.
    assert "bob-plan" in alice_client.get("/toolkit/repairs/").content.decode()
    assert "bob-plan" in alice_client.get("/checkins/this-week/", follow=True).content.decode()
    assert "alice-answer" in alice_client.get(f"/toolkit/repairs/{repair.pk}/").content.decode()


def test_topics_saved_for_therapy_stay_with_their_author_through_leaving_and_joining(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    bob_client.post("/toolkit/therapy/", {"topic": "bob-topic", "session": "joint"})
    alice_client.post("/toolkit/therapy/", {"topic": "alice-topic", "session": "individual"})
    bob_client.post("/couple/leave/")
    _fay, fay_client = join_as_new_partner(alice_client, "Fay")
    bob_client.post("/couple/new/", {"name": "Bob's new place", "time_zone": "UTC"})

    for path in ("/toolkit/therapy/", "/toolkit/therapy/agenda/", "/toolkit/therapy/agenda.txt"):
        for_fay = fay_client.get(path).content.decode()
        assert "bob-topic" not in for_fay, path
        assert "alice-topic" not in for_fay, path
        assert "bob-topic" not in alice_client.get(path).content.decode(), path
        assert "alice-topic" in alice_client.get(path).content.decode(), path
        # Written for the space Bob left, they are not carried into his new one.
        assert "bob-topic" not in bob_client.get(path).content.decode(), path
