"""Reminders in bulk: a tick dispatches everything due, batch after batch; a send task claims a
batch of rows, each on its own terms, and sends them over one mail server connection."""

from __future__ import annotations

import smtplib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.core import mail
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks, Settings

from couples.models import Couple, User
from schedules import services
from schedules.models import ReminderDelivery, Schedule
from tests.factories import UserFactory, pair
from tests.support.schedules import make_schedule

# Sunday 8 March 2026, 19:00 in Berlin (CET) is 18:00 UTC.
START = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
ONE_HOUR_BEFORE = START - timedelta(hours=1)
Status = ReminderDelivery.Status


def couples_with_a_schedule(count: int) -> list[Schedule]:
    """`count` couples of two, each with its Sunday check-in (only the 1-hour reminder)."""
    schedules = []
    for _ in range(count):
        couple = pair(UserFactory.create(verified=False), UserFactory.create(verified=False))
        couple.schedules.all().delete()
        schedules.append(make_schedule(couple, offsets=(60,)))
    return schedules


def pending_rows(
    schedule: Schedule, users: list[User], occurrence_start: datetime = START
) -> list[int]:
    """The rows a dispatcher left for the 1-hour reminder (having moved on to next week)."""
    schedule.next_reminder_at = ONE_HOUR_BEFORE + timedelta(days=7)
    schedule.save()
    return [
        ReminderDelivery.objects.create(
            schedule=schedule,
            occurrence_start=occurrence_start,
            recipient=user,
            offset_minutes=60,
            created_at=ONE_HOUR_BEFORE,
        ).pk
        for user in users
    ]


def many_pending_rows(couple: Couple, count: int) -> list[int]:
    """`count` rows to send now: the two partners' reminders of this Sunday's check-in and of
    the Sundays after it, as if each had been left behind."""
    schedule = couple.schedules.get()
    partners = list(User.objects.filter(membership__couple=couple).order_by("pk"))
    sundays = schedule.next_occurrences(after=ONE_HOUR_BEFORE, count=(count + 1) // 2)
    return [
        pk
        for n in range(count)
        for pk in pending_rows(schedule, [partners[n % 2]], sundays[n // 2])
    ]


@pytest.fixture
def berlin_check_in(couple: Couple) -> Schedule:
    couple.schedules.all().delete()
    return make_schedule(couple, offsets=(60,))


# Dispatching -------------------------------------------------------------------------------


def test_one_tick_dispatches_more_than_one_batch_of_due_schedules(
    db: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    monkeypatch.setattr(services, "DISPATCH_BATCH", 2)
    schedules = couples_with_a_schedule(5)
    with (
        time_machine.travel(ONE_HOUR_BEFORE, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.dispatch_due(now=ONE_HOUR_BEFORE) == 10

    assert len(mail.outbox) == 10
    assert ReminderDelivery.objects.filter(status=Status.SENT).count() == 10
    assert not Schedule.objects.filter(pk__in=[s.pk for s in schedules]).due(ONE_HOUR_BEFORE)


def test_a_tick_out_of_time_enqueues_a_follow_up_that_dispatches_the_rest(
    db: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    monkeypatch.setattr(services, "DISPATCH_BATCH", 2)
    monkeypatch.setattr(services, "DISPATCH_BUDGET", timedelta(0))
    couples_with_a_schedule(3)
    with (
        time_machine.travel(ONE_HOUR_BEFORE, tick=False),
        django_capture_on_commit_callbacks() as enqueued,
    ):
        assert services.dispatch_due(now=ONE_HOUR_BEFORE) == 4
    assert Schedule.objects.due(ONE_HOUR_BEFORE).count() == 1
    assert mail.outbox == []

    # The first batch's send task, then the follow-up dispatch, as the worker takes them.
    assert len(enqueued) == 2
    with (
        time_machine.travel(ONE_HOUR_BEFORE + timedelta(seconds=30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        for task in enqueued:
            task()
    assert len(mail.outbox) == 6
    assert not Schedule.objects.due(ONE_HOUR_BEFORE + timedelta(seconds=30)).exists()


def test_the_rows_of_a_tick_are_enqueued_a_batch_per_send_task(
    couple: Couple,
    berlin_check_in: Schedule,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    couples_with_a_schedule(4)
    with django_capture_on_commit_callbacks() as enqueued:
        assert services.dispatch_due(now=ONE_HOUR_BEFORE) == 10
    assert len(enqueued) == 1
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "SEND_BATCH", 3)
        ReminderDelivery.objects.update(created_at=ONE_HOUR_BEFORE - timedelta(minutes=5))
        with django_capture_on_commit_callbacks() as requeued:
            assert services.requeue_stale(now=ONE_HOUR_BEFORE) == 10
    assert len(requeued) == 4


# Sending a batch ---------------------------------------------------------------------------


def test_a_batch_is_sent_with_one_message_id_per_row(
    couple: Couple, berlin_check_in: Schedule
) -> None:
    pks = many_pending_rows(couple, 5)
    assert services.send_reminders(delivery_ids=pks, now=ONE_HOUR_BEFORE) == 5

    sent = dict(ReminderDelivery.objects.values_list("pk", "message_id"))
    assert sent == {pk: f"<reminder-{pk}@127.0.0.1>" for pk in pks}
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(sent.values())
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.parametrize("rows", [1, 20])
def test_a_batch_costs_a_few_queries_and_one_for_each_email_sent(
    couple: Couple,
    berlin_check_in: Schedule,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    rows: int,
) -> None:
    pks = many_pending_rows(couple, max(rows, 2))[:rows]
    # Claim (savepoint, the rows locked, the claim, release), the rows with their schedule and
    # recipient, memberships, opt-outs, notification choices; then each row is marked sent once
    # the server took it.
    with django_assert_max_num_queries(8 + rows):
        assert services.send_reminders(delivery_ids=pks, now=ONE_HOUR_BEFORE) == rows


def test_rows_of_one_batch_are_missed_skipped_and_sent_each_by_its_own_rule(
    couple: Couple, berlin_check_in: Schedule, alice: User, bob: User
) -> None:
    to_alice, to_bob = pending_rows(berlin_check_in, [alice, bob])
    next_sunday = berlin_check_in.next_occurrences(after=START, count=1)[0]
    (to_bob_next_week,) = pending_rows(berlin_check_in, [bob], next_sunday)
    ReminderDelivery.objects.filter(pk=to_bob).update(occurrence_start=ONE_HOUR_BEFORE)
    services.REMINDERS.turn_off((berlin_check_in.pk, bob.pk, 60))

    sent = services.send_reminders(
        delivery_ids=[to_alice, to_bob, to_bob_next_week], now=ONE_HOUR_BEFORE
    )

    assert sent == 1
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert dict(ReminderDelivery.objects.values_list("pk", "status")) == {
        to_alice: Status.SENT,
        to_bob: Status.MISSED,
        to_bob_next_week: Status.SKIPPED,
    }


def test_a_batch_leaves_rows_held_by_a_live_worker_and_takes_over_expired_leases(
    couple: Couple, berlin_check_in: Schedule, alice: User, bob: User
) -> None:
    held, expired = pending_rows(berlin_check_in, [alice, bob])
    ReminderDelivery.objects.filter(pk=held).update(claimed_at=ONE_HOUR_BEFORE)
    now = ONE_HOUR_BEFORE + timedelta(minutes=5)
    ReminderDelivery.objects.filter(pk=expired).update(
        claimed_at=now - ReminderDelivery.LEASE - timedelta(seconds=1)
    )
    assert services.send_reminders(delivery_ids=[held, expired], now=now) == 1
    assert [m.to for m in mail.outbox] == [[bob.email]]
    assert ReminderDelivery.objects.get(pk=held).status == Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_overlapping_batches_send_each_reminder_once(
    at_once: Callable[..., list[object]],
) -> None:
    couple = pair(UserFactory.create(verified=False), UserFactory.create(verified=False))
    couple.schedules.all().delete()
    make_schedule(couple, offsets=(60,))
    pks = many_pending_rows(couple, 30)

    with time_machine.travel(ONE_HOUR_BEFORE, tick=False):
        outcomes = at_once(
            lambda: services.send_reminders(delivery_ids=pks[:20], now=ONE_HOUR_BEFORE),
            lambda: services.send_reminders(delivery_ids=pks[10:], now=ONE_HOUR_BEFORE),
        )

    sent = [n for n in outcomes if isinstance(n, int)]
    assert len(sent) == 2, outcomes
    assert sum(sent) == 30
    assert len(mail.outbox) == 30
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 30
    assert ReminderDelivery.objects.filter(status=Status.SENT).count() == 30


# One mail server connection per batch ------------------------------------------------------


@dataclass
class Sink:
    """An SMTP server on this machine that counts connections and refuses the recipients
    listed in `refuse` once each."""

    connections: int = 0
    received: list[str] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        with self.lock:
            if address in self.refuse:
                self.refuse.discard(address)
                return "550 not now"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            self.received.extend(envelope.rcpt_tos)
        return "250 OK"


class CountingController(Controller):
    def factory(self) -> SMTP:
        assert isinstance(self.handler, Sink)
        with self.handler.lock:
            self.handler.connections += 1
        return SMTP(self.handler, hostname="sink.localhost")


@pytest.fixture
def sink(settings: Settings) -> Iterator[Sink]:
    """Reminders go over SMTP to the sink instead of the test outbox."""
    handler = Sink()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = CountingController(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.connections = 0  # the controller's own check that it is up
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False},
        }
    }
    yield handler
    controller.stop()


def test_a_batch_goes_out_over_one_smtp_connection(
    couple: Couple, berlin_check_in: Schedule, sink: Sink
) -> None:
    pks = many_pending_rows(couple, 6)
    assert services.send_reminders(delivery_ids=pks, now=ONE_HOUR_BEFORE) == 6
    assert len(sink.received) == 6
    assert sink.connections == 1


def test_a_refused_message_keeps_what_went_before_and_the_rest_follows_after_the_lease(
    couple: Couple,
    berlin_check_in: Schedule,
    sink: Sink,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    pks = many_pending_rows(couple, 3)
    second = ReminderDelivery.objects.select_related("recipient").get(pk=pks[1]).recipient.email
    sink.refuse.add(second)

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        services.send_reminders(delivery_ids=pks, now=ONE_HOUR_BEFORE)
    assert dict(ReminderDelivery.objects.values_list("pk", "status")) == {
        pks[0]: Status.SENT,
        pks[1]: Status.PENDING,
        pks[2]: Status.PENDING,
    }

    after_lease = ONE_HOUR_BEFORE + ReminderDelivery.LEASE
    with (
        time_machine.travel(after_lease, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.requeue_stale(now=after_lease) == 2
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {Status.SENT}
    assert len(sink.received) == 3


def test_a_batch_out_of_time_marks_what_went_and_hands_the_rest_to_a_follow_up(
    couple: Couple,
    berlin_check_in: Schedule,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    pks = many_pending_rows(couple, 3)
    # No time to send more than the first message of a batch.
    settings.OUTBOX_SEND_SECONDS = 0

    with django_capture_on_commit_callbacks() as follow_ups:
        assert services.send_reminders(delivery_ids=pks, now=ONE_HOUR_BEFORE) == 1
    assert dict(ReminderDelivery.objects.values_list("pk", "status")) == {
        pks[0]: Status.SENT,
        pks[1]: Status.PENDING,
        pks[2]: Status.PENDING,
    }
    assert not ReminderDelivery.objects.filter(pk__in=pks[1:], claimed_at__isnull=False)
    assert len(follow_ups) == 1

    with (
        time_machine.travel(ONE_HOUR_BEFORE, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        follow_ups[0]()
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {Status.SENT}
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        f"<reminder-{pk}@127.0.0.1>" for pk in pks
    )


def test_a_worker_killed_before_marking_what_the_server_took_repeats_it_with_its_message_id(
    couple: Couple, berlin_check_in: Schedule, alice: User
) -> None:
    [pk] = pending_rows(berlin_check_in, [alice])
    assert services.send_reminders(delivery_ids=[pk], now=ONE_HOUR_BEFORE) == 1
    # The row as it was the moment before the UPDATE a killed worker never made.
    ReminderDelivery.objects.filter(pk=pk).update(
        status=Status.PENDING, sent_at=None, message_id="", claimed_at=ONE_HOUR_BEFORE
    )

    # Its claim holds until the lease runs out; then the row is taken over and sent again.
    assert services.send_reminders(delivery_ids=[pk], now=ONE_HOUR_BEFORE) == 0
    after_lease = ONE_HOUR_BEFORE + ReminderDelivery.LEASE
    assert services.send_reminders(delivery_ids=[pk], now=after_lease) == 1
    first, repeat = mail.outbox
    assert first.extra_headers["Message-ID"] == repeat.extra_headers["Message-ID"]
    assert ReminderDelivery.objects.get(pk=pk).message_id == first.extra_headers["Message-ID"]
