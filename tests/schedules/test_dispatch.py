"""The dispatcher and the send task: one email per (occurrence, recipient, offset), whatever
runs twice, dies, or comes back after downtime."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from pytest_django import DjangoCaptureOnCommitCallbacks

from couples.models import User
from couples.services import leave_couple
from schedules import services, tasks
from schedules.models import ReminderDelivery, ReminderOptOut, Schedule
from tests.factories import UserFactory, pair
from tests.support.schedules import make_schedule

# Sunday 8 March 2026, 19:00 in Berlin (CET) is 18:00 UTC.
START = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
ONE_HOUR_BEFORE = START - timedelta(hours=1)
DAY_BEFORE = START - timedelta(hours=24)
Status = ReminderDelivery.Status


@pytest.fixture
def tick(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> Callable[[datetime], int]:
    """One beat tick at `now`, as the dispatch task runs it, then the send tasks it enqueued on
    commit (eager here) as a real commit would run them."""

    def run(now: datetime) -> int:
        with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
            return services.dispatch_due(now=now) + services.requeue_stale(now=now)

    return run


def rows() -> list[tuple[str, int, str]]:
    return sorted(
        ReminderDelivery.objects.values_list("recipient__email", "offset_minutes", "status")
    )


def test_a_due_reminder_goes_to_each_partner_once(
    schedule: Schedule, tick: Callable[[datetime], int]
) -> None:
    assert schedule.next_reminder_at == DAY_BEFORE
    assert tick(DAY_BEFORE + timedelta(seconds=30)) == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    assert rows() == [
        ("alice@example.com", 1440, Status.SENT),
        ("bob@example.com", 1440, Status.SENT),
    ]
    schedule.refresh_from_db()
    assert schedule.next_reminder_at == ONE_HOUR_BEFORE
    sent = ReminderDelivery.objects.first()
    assert sent is not None
    assert sent.sent_at is not None
    assert sent.message_id == f"<reminder-{sent.pk}@127.0.0.1>"


def test_beat_firing_twice_sends_nothing_more(
    schedule: Schedule, tick: Callable[[datetime], int]
) -> None:
    tick(ONE_HOUR_BEFORE)
    tick(ONE_HOUR_BEFORE)
    tick(ONE_HOUR_BEFORE + timedelta(seconds=1))
    assert len(mail.outbox) == 2
    # Per partner: the 1-hour reminder sent, the overtaken 24-hour one recorded as skipped.
    assert ReminderDelivery.objects.count() == 4


def test_a_dispatcher_that_finds_recorded_reminders_due_again_adds_no_row_and_no_email(
    schedule: Schedule, tick: Callable[[datetime], int]
) -> None:
    """As when a second dispatcher read the schedule before the first moved it on: the unique
    key, not next_reminder_at, keeps it to one row and one email per reminder."""
    tick(DAY_BEFORE)
    Schedule.objects.filter(pk=schedule.pk).update(next_reminder_at=DAY_BEFORE)
    assert tick(DAY_BEFORE + timedelta(seconds=1)) == 0
    assert rows() == [
        ("alice@example.com", 1440, Status.SENT),
        ("bob@example.com", 1440, Status.SENT),
    ]
    assert len(mail.outbox) == 2


def test_nothing_is_due_before_its_time(
    schedule: Schedule, tick: Callable[[datetime], int]
) -> None:
    assert tick(DAY_BEFORE - timedelta(seconds=1)) == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_make_one_row_per_reminder_and_one_email_each() -> None:
    alice = UserFactory.create(email="alice@example.com", time_zone="Europe/Berlin")
    bob = UserFactory.create(email="bob@example.com", time_zone="America/New_York")
    couple = pair(alice, bob)
    couple.schedules.all().delete()
    for _ in range(3):
        make_schedule(couple)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def dispatcher() -> None:
        try:
            barrier.wait(timeout=10)
            services.dispatch_due(now=ONE_HOUR_BEFORE)
        except BaseException as e:  # reported below, in the test's thread
            errors.append(e)
        finally:
            connection.close()

    with time_machine.travel(ONE_HOUR_BEFORE, tick=False):
        threads = [threading.Thread(target=dispatcher) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    # 3 schedules x 2 partners; the 24-hour reminder was overtaken by the 1-hour one.
    assert ReminderDelivery.objects.filter(status=Status.SENT).count() == 6
    assert ReminderDelivery.objects.filter(status=Status.SKIPPED).count() == 6
    assert len(mail.outbox) == 6
    keys = {(m.to[0], m.extra_headers["Message-ID"]) for m in mail.outbox}
    assert len(keys) == 6


def pending_row(schedule: Schedule, user: User, **fields: object) -> ReminderDelivery:
    """A row the dispatcher left for the 1-hour reminder (and moved on to next week)."""
    schedule.next_reminder_at = DAY_BEFORE + timedelta(days=7)
    schedule.save()
    return ReminderDelivery.objects.create(
        schedule=schedule,
        occurrence_start=START,
        recipient=user,
        offset_minutes=60,
        created_at=ONE_HOUR_BEFORE,
        **fields,
    )


def test_the_send_task_run_twice_for_one_row_sends_once(schedule: Schedule, alice: User) -> None:
    delivery = pending_row(schedule, alice)
    with time_machine.travel(ONE_HOUR_BEFORE, tick=False):
        tasks.send_reminder(delivery.pk)
        tasks.send_reminder(delivery.pk)
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT


def test_a_row_claimed_by_a_live_worker_is_left_alone(
    schedule: Schedule, alice: User, tick: Callable[[datetime], int]
) -> None:
    delivery = pending_row(schedule, alice, claimed_at=ONE_HOUR_BEFORE)
    later = ONE_HOUR_BEFORE + ReminderDelivery.LEASE - timedelta(seconds=1)
    assert services.send_reminder(delivery_id=delivery.pk, now=later) is False
    assert tick(later) == 0
    assert mail.outbox == []


def test_a_worker_that_died_after_claiming_is_replaced_after_the_lease(
    schedule: Schedule, alice: User, tick: Callable[[datetime], int]
) -> None:
    delivery = pending_row(schedule, alice, claimed_at=ONE_HOUR_BEFORE)
    after_lease = ONE_HOUR_BEFORE + ReminderDelivery.LEASE
    assert tick(after_lease) == 1
    assert tick(after_lease + timedelta(minutes=1)) == 0
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.claimed_at) == (Status.SENT, after_lease)


def test_a_message_lost_by_the_broker_is_enqueued_again(
    schedule: Schedule, alice: User, tick: Callable[[datetime], int]
) -> None:
    pending_row(schedule, alice)
    assert tick(ONE_HOUR_BEFORE + ReminderDelivery.REQUEUE_AFTER - timedelta(seconds=1)) == 0
    assert tick(ONE_HOUR_BEFORE + ReminderDelivery.REQUEUE_AFTER) == 1
    assert len(mail.outbox) == 1


def test_a_reminder_whose_conversation_started_is_recorded_as_missed(
    schedule: Schedule, tick: Callable[[datetime], int]
) -> None:
    tick(START + timedelta(minutes=5))
    assert mail.outbox == []
    assert {status for _email, _offset, status in rows()} == {Status.MISSED}
    assert len(rows()) == 4
    schedule.refresh_from_db()
    assert schedule.next_reminder_at == DAY_BEFORE + timedelta(days=7)


def test_a_queued_reminder_found_after_the_start_is_missed_not_sent(
    schedule: Schedule, alice: User
) -> None:
    delivery = pending_row(schedule, alice)
    assert services.send_reminder(delivery_id=delivery.pk, now=START) is False
    delivery.refresh_from_db()
    assert delivery.status == Status.MISSED
    assert mail.outbox == []


def test_after_downtime_only_the_latest_useful_reminder_goes_out(
    schedule: Schedule, tick: Callable[[datetime], int]
) -> None:
    tick(START - timedelta(minutes=30))
    assert rows() == [
        ("alice@example.com", 60, Status.SENT),
        ("alice@example.com", 1440, Status.SKIPPED),
        ("bob@example.com", 60, Status.SENT),
        ("bob@example.com", 1440, Status.SKIPPED),
    ]
    assert len(mail.outbox) == 2


def test_after_a_long_downtime_past_weeks_are_missed_and_the_next_is_on_time(
    schedule: Schedule, tick: Callable[[datetime], int]
) -> None:
    tick(START + timedelta(days=7, hours=2))
    assert mail.outbox == []
    assert ReminderDelivery.objects.exclude(status=Status.MISSED).count() == 0
    assert ReminderDelivery.objects.count() == 8
    schedule.refresh_from_db()
    assert schedule.next_reminder_at == DAY_BEFORE + timedelta(days=14)


def test_a_reminder_a_partner_turned_off_is_not_sent_to_them(
    schedule: Schedule, alice: User, tick: Callable[[datetime], int]
) -> None:
    ReminderOptOut.objects.create(schedule=schedule, user=alice, offset_minutes=1440)
    tick(DAY_BEFORE)
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]


def test_a_paused_schedule_sends_nothing_and_resumes_from_now(
    schedule: Schedule, alice: User, tick: Callable[[datetime], int]
) -> None:
    services.set_paused(schedule=schedule, by=alice, paused=True)
    schedule.refresh_from_db()
    assert schedule.next_reminder_at is None
    # The hour before the start, when an active schedule sends its 1-hour reminder.
    assert tick(ONE_HOUR_BEFORE) == 0
    assert mail.outbox == []
    assert ReminderDelivery.objects.count() == 0
    with time_machine.travel(START + timedelta(days=2), tick=False):
        services.set_paused(schedule=schedule, by=alice, paused=False)
    schedule.refresh_from_db()
    assert schedule.next_reminder_at == DAY_BEFORE + timedelta(days=7)


def test_an_edit_just_after_a_reminder_fell_due_does_not_lose_it(
    schedule: Schedule, bob: User, tick: Callable[[datetime], int]
) -> None:
    with time_machine.travel(DAY_BEFORE + timedelta(seconds=20), tick=False):
        services.update_schedule(schedule=schedule, by=bob, version=1, title="Sunday, gently")
    tick(DAY_BEFORE + timedelta(seconds=40))
    assert len(mail.outbox) == 2


def test_a_queued_reminder_for_a_moved_conversation_is_skipped(
    schedule: Schedule, alice: User, bob: User
) -> None:
    delivery = pending_row(schedule, alice)
    with time_machine.travel(ONE_HOUR_BEFORE - timedelta(minutes=5), tick=False):
        services.update_schedule(schedule=schedule, by=bob, version=1, rrule="FREQ=WEEKLY;BYDAY=SA")
    assert services.send_reminder(delivery_id=delivery.pk, now=ONE_HOUR_BEFORE) is False
    delivery.refresh_from_db()
    assert delivery.status == Status.SKIPPED


def test_a_partner_who_left_gets_no_queued_reminder(schedule: Schedule, bob: User) -> None:
    delivery = pending_row(schedule, bob)
    leave_couple(user=bob)
    assert services.send_reminder(delivery_id=delivery.pk, now=ONE_HOUR_BEFORE) is False
    assert mail.outbox == []
