"""The shortcuts of core/fastpath.py behave as the ordinary ORM would."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements import services
from agreements.models import PauseSignal
from checkins.models import (
    CheckIn,
    Entry,
    Prompt,
    PromptCategory,
    PromptOffer,
    Reflection,
    parse_week,
)
from core import fastpath
from couples.models import Couple, Membership, User
from notices.models import NotificationPreference
from toolkit.models import SharedValue


def test_an_instance_made_from_read_columns_is_the_stored_row_without_a_query(
    couple: Couple, alice: User
) -> None:
    stored = Prompt.objects.create(
        couple=couple, created_by=alice, category=PromptCategory.choices[0][0], text="What helps?"
    )
    with CaptureQueriesContext(connection) as made:
        prompt = fastpath.loaded(
            Prompt, "default", id=stored.pk, text="What helps?", couple_id=couple.pk
        )
        assert (prompt.pk, prompt.text, prompt.couple_id) == (stored.pk, "What helps?", couple.pk)
    assert len(made) == 0
    # A column the other query did not read loads when first read, as a deferred field does.
    with CaptureQueriesContext(connection) as deferred:
        assert prompt.created_by_id == alice.pk
    assert len(deferred) == 1


def test_saving_an_instance_made_from_read_columns_updates_its_row(
    couple: Couple, alice: User
) -> None:
    stored = Prompt.objects.create(
        couple=couple, category=PromptCategory.choices[0][0], text="What helps?"
    )
    prompt = fastpath.loaded(Prompt, "default", id=stored.pk, text="What helps?")
    prompt.text = "What would help?"
    prompt.save(update_fields=["text"])
    assert list(Prompt.objects.filter(couple=couple).values_list("text", flat=True)) == [
        "What would help?"
    ]


def _request_of(client: Client) -> HttpRequest:
    request = HttpRequest()
    request.session = client.session
    return request


def test_the_banner_stamp_checks_the_session_as_django_does_until_the_password_changes(
    couple: Couple, alice: User, alice_client: Client
) -> None:
    services.start_pause(couple=couple, sender=alice, phrase="I need a pause.", minutes=30)
    request = _request_of(alice_client)
    user_id = fastpath.session_user_id(request)
    assert user_id == alice.pk
    found = fastpath.pause_stamp(user_id)
    assert found is not None
    assert (found.pause_id, found.version) == (couple.pauses.get().pk, 1)
    assert fastpath.session_is_valid(request, password=found.password, is_active=True)
    assert not fastpath.session_is_valid(request, password=found.password, is_active=False)
    alice.set_password("a different evening walk")
    alice.save()
    changed = fastpath.pause_stamp(alice.pk)
    assert changed is not None
    assert not fastpath.session_is_valid(request, password=changed.password, is_active=True)


def test_the_week_progress_of_another_couples_week_is_empty(
    couple: Couple, alice: User, bob: User, charlie: User
) -> None:
    monday = parse_week("2026-W48")
    assert monday is not None
    CheckIn.objects.create(couple=couple, week_start=monday)
    assert fastpath.week_progress(user_id=charlie.pk, week_start=monday) == []
    rows = fastpath.week_progress(user_id=alice.pk, week_start=monday)
    # No entry yet: one row, the week not opened, nobody's progress.
    assert [(revealed, author) for revealed, author, *_ in rows] == [(None, None)]


def test_the_week_row_reads_each_partners_progress_and_answers_of_that_week_only(
    couple: Couple, alice: User, bob: User
) -> None:
    monday = parse_week("2026-W48")
    assert monday is not None
    membership = Membership.objects.get(user=alice)
    NotificationPreference.objects.filter(user=alice).update(asked=False)

    def row_of(week: date = monday) -> fastpath.WeekRow:
        return fastpath.week_row(
            membership_id=membership.pk,
            joined_at=membership.joined_at,
            me=alice.pk,
            partner=bob.pk,
            monday=week,
        )

    nothing = row_of()
    assert nothing == fastpath.WeekRow(
        revealed=False,
        closed=False,
        next_step="",
        next_step_by_id=None,
        step_seen=False,
        own_started=False,
        own_shared=False,
        partner_shared=False,
        i_heard=None,
        they_heard=None,
        chose_hearing=False,
        has_values=False,
    )
    now = timezone.now()
    week = CheckIn.objects.create(
        couple=couple,
        week_start=monday,
        revealed_at=now,
        next_step="A walk",
        next_step_by=bob,
        next_step_at=now,
        closed_at=now,
    )
    own = Entry.objects.create(checkin=week, author=alice, small_win="Tea", shared_at=now)
    theirs = Entry.objects.create(checkin=week, author=bob, small_win="Bread")
    Reflection.objects.create(entry=own, listener=bob, heard="Tired", answer="no")
    Reflection.objects.create(entry=own, listener=bob, heard="Rushed", answer="yes")
    Reflection.objects.create(entry=theirs, listener=alice, heard="Proud")
    # Another week's entries change nothing of this one.
    other_week = CheckIn.objects.create(couple=couple, week_start=monday - timedelta(weeks=1))
    Entry.objects.create(checkin=other_week, author=bob, shared_at=now)
    NotificationPreference.objects.filter(user=alice).update(asked=True)
    SharedValue.objects.create(couple=couple, name="Curiosity", agreed_at=now)

    assert row_of() == fastpath.WeekRow(
        revealed=True,
        closed=True,
        next_step="A walk",
        next_step_by_id=bob.pk,
        step_seen=True,
        own_started=True,
        own_shared=True,
        partner_shared=False,
        i_heard="",
        they_heard="yes",
        chose_hearing=True,
        has_values=True,
    )
    # A step chosen before the reader joined was not theirs to see.
    Membership.objects.filter(pk=membership.pk).update(joined_at=now + timedelta(minutes=1))
    membership.refresh_from_db()
    assert row_of().step_seen is False
    assert row_of(monday - timedelta(weeks=1)).partner_shared is True


def test_the_latest_pause_of_a_couple_is_read_as_the_orm_reads_it(
    couple: Couple, alice: User, bob: User, charlie: User
) -> None:
    assert fastpath.latest_of_couple(PauseSignal, couple.pk) is None
    first, _ = services.start_pause(
        couple=couple, sender=alice, phrase="I need a pause.", minutes=30
    )
    services.end_pause(pause=first, by=alice)
    latest, _ = services.start_pause(
        couple=couple, sender=bob, phrase="A break, please.", minutes=45
    )
    charlies = Membership.objects.get(user=charlie).couple
    PauseSignal.objects.create(
        couple=charlies,
        sender=charlie,
        phrase="Later.",
        returns_at=timezone.now() + timedelta(minutes=30),
    )

    found = fastpath.latest_of_couple(PauseSignal, couple.pk)
    stored = PauseSignal.objects.filter(couple=couple).order_by("-pk").first()
    assert found is not None
    assert stored is not None
    assert found.pk == latest.pk
    assert {f.attname: getattr(found, f.attname) for f in PauseSignal._meta.concrete_fields} == {
        f.attname: getattr(stored, f.attname) for f in PauseSignal._meta.concrete_fields
    }
    assert found.returns_at.tzinfo is not None


WEEK_PAGE_READS = (
    "last_step",
    "partner_started",
    "partner_shared_at",
    "on_offer_id",
    "on_offer_prompt_id",
    "on_offer_category",
    "on_offer_text",
    "on_offer_couple_id",
)


def test_the_week_page_reads_its_week_as_the_orm_does(
    couple: Couple, alice: User, bob: User
) -> None:
    monday = parse_week("2026-W48")
    assert monday is not None
    membership = Membership.objects.get(user=alice)

    def both(reader: Membership) -> tuple[CheckIn | None, CheckIn | None]:
        fast = fastpath.week_page(
            CheckIn,
            couple_id=reader.couple_id,
            week_start=monday,
            me=reader.user_id,
            joined_at=reader.joined_at,
        )
        orm = (
            CheckIn.objects.for_week_page(reader)
            .with_prompt_on_offer()
            .filter(week_start=monday)
            .first()
        )
        return fast, orm

    def same(reader: Membership) -> dict[str, object]:
        fast, orm = both(reader)
        assert fast is not None
        assert orm is not None
        columns = [f.attname for f in CheckIn._meta.concrete_fields]
        assert [getattr(fast, c) for c in columns] == [getattr(orm, c) for c in columns]
        read = {name: getattr(fast, name) for name in WEEK_PAGE_READS}
        assert read == {name: getattr(orm, name) for name in WEEK_PAGE_READS}
        return read

    assert both(membership) == (None, None)
    now = timezone.now()
    week = CheckIn.objects.create(couple=couple, week_start=monday)
    assert same(membership)["partner_started"] is False
    # Earlier weeks: the last one closed with a step is the agenda's, an open one is not.
    CheckIn.objects.create(
        couple=couple,
        week_start=monday - timedelta(weeks=2),
        next_step="A walk",
        next_step_at=now,
        closed_at=now,
    )
    CheckIn.objects.create(
        couple=couple, week_start=monday - timedelta(weeks=1), next_step="Tea", next_step_at=now
    )
    Entry.objects.create(checkin=week, author=alice, small_win="Tea")
    Entry.objects.create(checkin=week, author=bob, small_win="Bread")
    read = same(membership)
    assert (read["last_step"], read["partner_started"], read["partner_shared_at"]) == (
        "A walk",
        True,
        None,
    )
    Entry.objects.filter(author=bob).update(shared_at=now)
    prompt = Prompt.objects.create(
        couple=couple, category=PromptCategory.choices[0][0], text="What helps?"
    )
    PromptOffer.objects.create(checkin=week, prompt=prompt)
    read = same(membership)
    assert read["partner_shared_at"] == now
    assert read["on_offer_text"] == "What helps?"
    # Bob reads Alice's draft as a partner's progress; a step from before one joined is none.
    Membership.objects.filter(user=bob).update(joined_at=now + timedelta(minutes=1))
    read = same(Membership.objects.get(user=bob))
    assert (read["last_step"], read["partner_started"]) == (None, True)
