from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.test import Client

from core.errors import RefusedError
from couples import services
from couples.models import Couple, User
from toolkit import services as toolkit_services
from toolkit.models import Repair

REPAIR = {
    "acknowledgement": "I snapped at you about the dishes",
    "apology": "I'm sorry; you deserved patience",
    "plan": "I'll say when I'm tired instead of snapping",
    "follow_up_on": "2026-03-10",
}


@time_machine.travel("2026-03-04 10:00Z")
def test_a_repair_is_recorded_answered_and_followed_up(
    couple: Couple, alice: User, bob: User, alice_client: Client, bob_client: Client
) -> None:
    response = alice_client.post("/toolkit/repairs/", REPAIR)
    repair = Repair.objects.get()
    assert response["Location"] == f"/toolkit/repairs/{repair.pk}/"
    assert (repair.author, repair.follow_up_on) == (alice, date(2026, 3, 10))

    page = bob_client.get(f"/toolkit/repairs/{repair.pk}/").content.decode()
    assert "I snapped at you about the dishes" in page
    assert "Respond, if you want to" in page
    bob_client.post(f"/toolkit/repairs/{repair.pk}/", {"response": "Thank you. I felt it too."})
    repair.refresh_from_db()
    assert (repair.response, repair.responded_by) == ("Thank you. I felt it too.", bob)
    page = alice_client.get(f"/toolkit/repairs/{repair.pk}/").content.decode()
    assert "Response from Bob" in page
    assert "Thank you. I felt it too." in page

    bob_client.post(f"/toolkit/repairs/{repair.pk}/followed-up/")
    repair.refresh_from_db()
    assert repair.followed_up_at is not None


@time_machine.travel("2026-03-04 10:00Z")
def test_the_author_changes_their_repair_and_the_partner_cannot(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    alice_client.post("/toolkit/repairs/", REPAIR)
    repair = Repair.objects.get()
    alice_client.post(f"/toolkit/repairs/{repair.pk}/", {**REPAIR, "plan": "Ask for a break"})
    bob_client.post(f"/toolkit/repairs/{repair.pk}/", {**REPAIR, "plan": "Bob's words"})
    repair.refresh_from_db()
    assert repair.plan == "Ask for a break"


@time_machine.travel("2026-03-04 10:00Z")
def test_a_follow_up_in_the_past_is_refused_and_nothing_typed_is_lost(
    couple: Couple, alice_client: Client
) -> None:
    response = alice_client.post("/toolkit/repairs/", {**REPAIR, "follow_up_on": "2026-03-01"})
    page = response.content.decode()
    assert "Choose today or a day ahead for the follow-up." in page
    assert "I snapped at you about the dishes" in page
    assert not Repair.objects.exists()


def test_an_empty_or_oversized_repair_is_refused(couple: Couple, alice_client: Client) -> None:
    response = alice_client.post("/toolkit/repairs/", {**REPAIR, "apology": ""})
    assert "This field is required." in response.content.decode()
    response = alice_client.post("/toolkit/repairs/", {**REPAIR, "plan": "p" * 2001})
    assert "at most 2000 characters" in response.content.decode()
    response = alice_client.post("/toolkit/repairs/", {**REPAIR, "follow_up_on": "someday"})
    assert "Enter a valid date." in response.content.decode()
    assert not Repair.objects.exists()


def test_follow_ups_due_lists_open_follow_ups_up_to_today_for_one_couple(
    couple: Couple, alice: User, charlie: User
) -> None:
    def repair(on: date, who: User, where: Couple) -> Repair:
        return Repair.objects.create(
            couple=where, author=who, acknowledgement="a", apology="b", plan="c", follow_up_on=on
        )

    overdue = repair(date(2026, 3, 1), alice, couple)
    today = repair(date(2026, 3, 4), alice, couple)
    repair(date(2026, 3, 5), alice, couple)
    done = repair(date(2026, 3, 2), alice, couple)
    done.followed_up_at = done.created_at
    done.save()
    repair(date(2026, 3, 1), charlie, charlie.membership.couple)

    due = Repair.objects.visible_to(alice.membership).follow_ups_due(date(2026, 3, 4))
    assert list(due) == [overdue, today]


@time_machine.travel("2026-02-04 10:00Z")
def test_the_repair_list_keeps_no_tally_of_who_repaired(
    couple: Couple, alice_client: Client
) -> None:
    for _ in range(3):
        alice_client.post("/toolkit/repairs/", {**REPAIR, "follow_up_on": "2099-01-01"})
    page = alice_client.get("/toolkit/repairs/").content.decode()
    listing = page.split('id="past-repairs"')[1].split("</section>")[0]
    visible = " ".join(re.sub(r"<[^>]+>", " ", listing).split())
    assert visible.count("Alice, 4 Feb 2026") == 3
    assert "3" not in visible


def test_a_repair_by_someone_who_left_is_shown_as_by_a_former_partner(
    couple: Couple, bob: User, alice_client: Client, alice: User
) -> None:
    alice_client.post("/toolkit/repairs/", {**REPAIR, "follow_up_on": "2099-01-01"})
    repair = Repair.objects.get()
    services.leave_couple(user=alice)
    bob_client = Client()
    bob_client.force_login(bob)
    page = bob_client.get(f"/toolkit/repairs/{repair.pk}/").content.decode()
    assert "By a former partner" in page
    assert "Alice" not in page


def test_an_overdue_repair_can_still_be_changed_without_moving_its_date(
    couple: Couple, alice: User, alice_client: Client
) -> None:
    with time_machine.travel("2026-03-04 10:00Z"):
        alice_client.post("/toolkit/repairs/", REPAIR)
    repair = Repair.objects.get()
    with time_machine.travel("2026-03-20 10:00Z"):
        alice_client.post(f"/toolkit/repairs/{repair.pk}/", {**REPAIR, "plan": "Ask for a break"})
    repair.refresh_from_db()
    assert (repair.plan, repair.follow_up_on) == ("Ask for a break", date(2026, 3, 10))


def test_only_the_author_changes_a_repair_and_only_their_partner_answers_it(
    couple: Couple, alice: User, bob: User
) -> None:
    words = {k: REPAIR[k] for k in ("acknowledgement", "apology", "plan")}
    follow_up_on = date(2026, 3, 10)
    repair = toolkit_services.record_repair(
        couple=couple, author=alice, follow_up_on=follow_up_on, **words
    )
    with pytest.raises(RefusedError, match="Only the person who wrote this repair can change it"):
        toolkit_services.change_repair(
            repair=repair, by=bob, follow_up_on=follow_up_on, **{**words, "plan": "Bob's"}
        )
    with pytest.raises(RefusedError, match="answered by the partner it was made to"):
        toolkit_services.respond_to_repair(repair=repair, by=alice, response="Well done me")
    repair.refresh_from_db()
    assert (repair.plan, repair.response, repair.responded_by) == (REPAIR["plan"], "", None)


def test_marking_a_repair_followed_up_twice_keeps_the_first_date(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    with time_machine.travel("2026-03-04 10:00Z"):
        alice_client.post("/toolkit/repairs/", REPAIR)
    repair = Repair.objects.get()
    with time_machine.travel("2026-03-10 18:00Z"):
        bob_client.post(f"/toolkit/repairs/{repair.pk}/followed-up/")
    with time_machine.travel("2026-03-11 09:00Z"):
        page = alice_client.post(f"/toolkit/repairs/{repair.pk}/followed-up/", follow=True)
    repair.refresh_from_db()
    assert repair.followed_up_at is not None
    assert repair.followed_up_at.date() == date(2026, 3, 10)
    assert "Followed up on 10 Mar 2026." in page.content.decode()
