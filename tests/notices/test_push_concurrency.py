"""Two events for one person at the same moment, and two senders at the same moment: one push
waits per device, and the device receives it once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import time_machine
from pytest_django.fixtures import Settings

from notices import push, tasks
from notices.management.commands.vapid_keys import new_key_pair
from notices.models import Kind, PushDelivery
from tests.factories import UserFactory, pair
from tests.support.notices import NOW
from tests.support.people import client_for
from tests.support.push import Device, PushService, push_service

AtOnce = Callable[..., list[object]]


@pytest.fixture(autouse=True)
def vapid(settings: Settings) -> None:
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = new_key_pair()
    settings.PUSH_ENABLED = True
    settings.PUSH_ALLOW_LOCAL_ENDPOINTS = True


@pytest.fixture
def service() -> Iterator[PushService]:
    with push_service() as running:
        yield running


def event(user_id: int, body: str) -> Callable[[], None]:
    return lambda: push.queue(
        user_id, kind=Kind.SHARED, title="Hearth", body=body, url="/", not_before=NOW
    )


@pytest.mark.django_db(transaction=True)
def test_two_events_at_once_leave_one_push_waiting_and_one_goes_out(
    at_once: AtOnce, service: PushService, clock: time_machine.Traveller
) -> None:
    alice = UserFactory.create()
    pair(alice, UserFactory.create())
    assert Device().subscribe(client_for(alice), service.endpoint("phone")) == 201
    # The hour since the device's last push is not over: both events wait.
    push.queue(alice.pk, kind=Kind.SHARED, title="Hearth", body="First", url="/", not_before=None)
    assert len(service.received) == 1

    assert at_once(event(alice.pk, "Second"), event(alice.pk, "Third")) == [None, None]
    [waiting] = PushDelivery.objects.filter(sent_at__isnull=True)
    assert waiting.events == 2

    clock.shift(timedelta(hours=1))
    outcomes = at_once(tasks.send_due_pushes, tasks.send_due_pushes)
    assert sorted(outcomes, key=repr) == [0, 1]
    assert len(service.received) == 2
