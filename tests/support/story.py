"""A couple one partner left and a third person joined, told through the pages.

Erin and Dan share a space for a few weeks and leave words of every kind in it, each through
the pages a person uses. Dan leaves; Erin invites Fay, who joins through her link.

Every word written before Fay joined carries a marker: "dan-…" for Dan's, "erin-old-…" for
Erin's. What the couple keeps living (the agreement in force, values, shared words, Erin's
shared trigger script) is written without one and carries over."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client

from agreements.models import Agreement, AgreementVersion
from checkins.models import CheckIn, Entry, Reflection
from couples.models import Couple, Membership, User
from tests.factories import UserFactory
from tests.support.pages import Response, markup
from tests.support.people import client_for, join_as_new_partner, reenter_password
from toolkit.models import Repair, TriggerScript

# Monday of ISO week 46 of 2026, and of week 48, when Dan leaves and Fay joins.
WEEK_46 = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)
WEEK_48 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
FORMER = re.compile(r"dan-|erin-old")


def post(client: Client, path: str, data: Mapping[str, object] | None = None) -> Response:
    response = client.post(path, data or {})
    assert response.status_code == 302, (path, response.status_code, markup(response))
    return response


def write(client: Client, week: str, *, share: bool, **fields: str) -> None:
    data = {"small_win": "", "challenge": "", "appreciation": "", "help_wanted": "", **fields}
    data["share" if share else "save"] = ""
    assert client.get(f"/checkins/{week}/").status_code == 200
    post(client, f"/checkins/{week}/entry/", data)


def propose(client: Client, agreement: Agreement, text: str) -> None:
    agreement.refresh_from_db()
    post(
        client,
        f"/agreements/{agreement.pk}/propose/",
        {"text": text, "note": "", "revisit_by": "", "base_version": agreement.version},
    )


def open_proposal(agreement: Agreement) -> AgreementVersion:
    return agreement.versions.get(status=AgreementVersion.Status.OPEN)


@dataclass
class Story:
    erin: User
    fay: User
    dan: User
    erin_client: Client
    fay_client: Client
    dan_client: Client
    couple: Couple
    evenings: Agreement
    never: Agreement
    repair: Repair
    old_week: CheckIn


@contextmanager
def tell_story() -> Iterator[Story]:
    """Erin and Dan's weeks together, Dan leaving and Fay joining, each step through the pages;
    the clock stays at the end of the story until the block ends."""
    erin = UserFactory.create(display_name="Erin", time_zone="Europe/Berlin")
    erin_client = client_for(erin)
    with time_machine.travel(WEEK_46) as clock:
        post(erin_client, "/couple/new/", {"name": "Our place", "time_zone": "Europe/Berlin"})
        dan, dan_client = join_as_new_partner(erin_client, "Dan")
        couple = Couple.objects.get()

        # Week 46: both share, listen to each other, and close the week with Dan's step.
        write(dan_client, "2026-W46", share=True, small_win="dan-win", challenge="dan-challenge")
        write(erin_client, "2026-W46", share=True, small_win="erin-old-win", challenge="erin-old-c")
        erins, dans = Entry.objects.get(author=erin), Entry.objects.get(author=dan)
        post(dan_client, f"/checkins/2026-W46/entries/{erins.pk}/reflect/", {"heard": "dan-heard"})
        heard = Reflection.objects.get(listener=dan)
        post(erin_client, f"/checkins/2026-W46/reflections/{heard.pk}/answer/", {"answer": "yes"})
        post(dan_client, f"/checkins/2026-W46/reflections/{heard.pk}/reply/", {"reply": "dan-rep"})
        post(erin_client, f"/checkins/2026-W46/entries/{dans.pk}/reflect/", {"heard": "erin-old-h"})
        post(dan_client, "/checkins/2026-W46/next-step/", {"next_step": "dan-step"})
        old_week = CheckIn.objects.get()
        assert old_week.next_step_at is not None
        step_at = old_week.next_step_at.isoformat()
        post(erin_client, "/checkins/2026-W46/next-step/agree/", {"proposed_at": step_at})

        # The toolkit: scripts shared by each, Dan's topic for therapy, Dan's repair and Erin's
        # answer to it (followed up in week 48), and a value they both hold.
        for client, notice in ((dan_client, "dan-script"), (erin_client, "when I feel rushed")):
            post(client, "/toolkit/scripts/", {"when_i_notice": notice, "i_will": "breathe"})
            script = TriggerScript.objects.get(when_i_notice=notice)
            post(client, f"/toolkit/scripts/{script.pk}/share/", {"share": "yes"})
        post(dan_client, "/toolkit/therapy/", {"topic": "dan-topic", "session": "joint"})
        repair_words = {"acknowledgement": "dan-ack", "apology": "dan-sorry", "plan": "dan-plan"}
        post(dan_client, "/toolkit/repairs/", {**repair_words, "follow_up_on": "2026-11-23"})
        repair = Repair.objects.get()
        post(erin_client, f"/toolkit/repairs/{repair.pk}/", {"response": "erin-old-response"})
        post(erin_client, "/toolkit/values/", {"name": "Curiosity", "description": "we ask"})
        post(dan_client, "/toolkit/values/", {"name": "Curiosity", "description": ""})
        # And a value Dan picked that Erin never took up.
        post(dan_client, "/toolkit/values/", {"name": "dan-value", "description": ""})

        # Agreements: Dan's first wording, a change Erin declined, Erin's wording in force,
        # and an agreement Dan proposed that Erin declined, never in force.
        new = {"category": "home", "note": "", "revisit_by": ""}
        post(dan_client, "/agreements/new/", {**new, "title": "Evenings", "text": "dan-rule-v1"})
        evenings = Agreement.objects.get(title="Evenings")
        accept = {"proposal": open_proposal(evenings).pk}
        post(erin_client, f"/agreements/{evenings.pk}/accept/", accept)
        propose(dan_client, evenings, "dan-declined-words")
        decline = {"proposal": open_proposal(evenings).pk, "reason": "erin-old-reason"}
        post(erin_client, f"/agreements/{evenings.pk}/decline/", decline)
        propose(erin_client, evenings, "We keep our evenings calm.")
        accept = {"proposal": open_proposal(evenings).pk}
        post(dan_client, f"/agreements/{evenings.pk}/accept/", accept)
        post(dan_client, "/agreements/new/", {**new, "title": "dan-title", "text": "dan-text"})
        never = Agreement.objects.get(title="dan-title")
        decline = {"proposal": open_proposal(never).pk, "reason": "erin-old-no"}
        post(erin_client, f"/agreements/{never.pk}/decline/", decline)

        # Week 48: Dan asks for a pause and ends it, shares his entry while Erin's is a draft,
        # proposes a change that is still open, and leaves.
        clock.move_to(WEEK_48)
        post(dan_client, "/pause/", {"phrase": "own", "own_words": "dan-pause", "minutes": 20})
        clock.shift(timedelta(minutes=25))
        post(dan_client, f"/pause/{couple.pauses.get().pk}/end/")
        write(dan_client, "2026-W48", share=True, small_win="dan-now-w", challenge="dan-now-c")
        write(erin_client, "2026-W48", share=False, small_win="a quiet walk", challenge="sleep")
        propose(dan_client, evenings, "dan-open-proposal")
        clock.shift(timedelta(hours=1))
        reenter_password(dan_client)
        post(dan_client, "/couple/leave/")
        assert not Membership.objects.filter(user=dan).exists()

        # Erin invites Fay, who joins; then both share the week.
        clock.shift(timedelta(hours=1))
        fay, fay_client = join_as_new_partner(erin_client, "Fay")
        clock.shift(timedelta(hours=1))
        write(erin_client, "2026-W48", share=True, small_win="a quiet walk", challenge="sleep")
        write(fay_client, "2026-W48", share=True, small_win="fay-win", challenge="fay-challenge")
        assert CheckIn.objects.get(week_start="2026-11-23").revealed_at is not None

        yield Story(
            erin=erin,
            fay=fay,
            dan=dan,
            erin_client=erin_client,
            fay_client=fay_client,
            dan_client=dan_client,
            couple=couple,
            evenings=evenings,
            never=never,
            repair=repair,
            old_week=old_week,
        )
