"""The shortcuts of core/fastpath.py behave as the ordinary ORM would."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements import services
from checkins.models import CheckIn, Entry, Prompt, PromptCategory, Reflection, parse_week
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
