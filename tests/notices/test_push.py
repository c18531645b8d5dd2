"""Web Push end to end without the internet: a device subscribes through the page's endpoint,
Hearth owes it a push, and a push service of our own on 127.0.0.1 receives the request. The
device's keys decrypt it (aes128gcm) to the neutral words; the VAPID token is signed by the
site's key for this push service; the TTL is set. The push service's answers decide what
follows: 410 and 404 end the subscription, 429 and 503 are tried again later."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from io import StringIO

import http_ece
import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from couples.models import User
from couples.services import leave_couple
from notices import push, tasks
from notices.models import Channel, Kind, NotificationPreference, PushDelivery, PushSubscription
from privacy.services import delete_account
from tests.support.notices import NOW, Capture
from tests.support.push import Device, PushService, push_service, verified_vapid

TITLE = "Hearth"
BODY = "Your partner shared their check-in with you."


@pytest.fixture(autouse=True)
def vapid(settings: Settings) -> None:
    """The site's keys as `manage.py vapid_keys` prints them, set as the environment would."""
    out = StringIO()
    call_command("vapid_keys", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert set(lines) == {"VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY"}
    settings.VAPID_PUBLIC_KEY = lines["VAPID_PUBLIC_KEY"]
    settings.VAPID_PRIVATE_KEY = lines["VAPID_PRIVATE_KEY"]
    settings.VAPID_SUBJECT = "mailto:hearth@example.org"
    settings.PUSH_ENABLED = True
    settings.PUSH_ALLOW_LOCAL_ENDPOINTS = True


@pytest.fixture
def service() -> Iterator[PushService]:
    with push_service() as running:
        yield running


@pytest.fixture
def phone(alice_client: Client, service: PushService) -> Device:
    device = Device()
    assert device.subscribe(alice_client, service.endpoint("alice-phone")) == 201
    return device


def tell(user: User, capture: Capture, **changes: object) -> None:
    """Owe `user` a push, and run what is due once the transaction commits."""
    fields: dict[str, object] = {
        "kind": Kind.SHARED,
        "title": TITLE,
        "body": BODY,
        "url": "/checkins/this-week/",
        "not_before": None,
    }
    fields.update(changes)
    with capture(execute=True):
        push.queue(user.pk, **fields)  # type: ignore[arg-type]


def send_due() -> int:
    """What beat's task does every minute."""
    sent: int = tasks.send_due_pushes()
    return sent


def test_the_device_receives_the_neutral_words_encrypted_signed_and_with_a_ttl(
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    tell(alice, django_capture_on_commit_callbacks)

    [request] = service.received
    assert request.path == "/push/alice-phone"
    assert phone.decrypt(request) == {
        "title": TITLE,
        "body": BODY,
        "url": "/checkins/this-week/",
        "tag": "hearth",
    }
    assert request.headers["ttl"] == str(24 * 60 * 60)
    assert request.headers["topic"] == "hearth"
    token = verified_vapid(request)
    assert token.aud == service.url
    assert token.sub == "mailto:hearth@example.org"
    assert NOW.timestamp() < token.exp <= NOW.timestamp() + 24 * 60 * 60
    delivery = PushDelivery.objects.get()
    assert delivery.sent_at == NOW
    assert delivery.message_id == f"{service.url}/message/1"
    assert PushSubscription.objects.get().last_used == NOW


def test_another_device_cannot_read_the_push(
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    tell(alice, django_capture_on_commit_callbacks)
    with pytest.raises(http_ece.ECEException, match="InvalidTag"):
        Device().decrypt(service.received[0])


@pytest.mark.parametrize("status", [410, 404])
def test_a_subscription_the_push_service_no_longer_knows_is_removed(
    status: int,
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    service.answers.append((status, {}))
    tell(alice, django_capture_on_commit_callbacks)
    assert len(service.received) == 1
    assert not PushSubscription.objects.exists()
    assert not PushDelivery.objects.exists()
    # Nothing more is tried.
    assert send_due() == 0
    assert len(service.received) == 1


def test_a_busy_or_failing_push_service_is_asked_again_after_retry_after_or_a_backoff(
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    service.answers += [(503, {}), (429, {"Retry-After": "300"})]
    tell(alice, django_capture_on_commit_callbacks)
    assert len(service.received) == 1
    assert PushDelivery.objects.get().sent_at is None

    # The first retry waits a minute.
    clock.shift(timedelta(seconds=59))
    assert send_due() == 0
    clock.shift(timedelta(seconds=1))
    assert send_due() == 0
    assert len(service.received) == 2

    # The push service asked for five minutes.
    clock.shift(timedelta(seconds=299))
    assert send_due() == 0
    assert len(service.received) == 2
    clock.shift(timedelta(seconds=1))
    assert send_due() == 1
    assert len(service.received) == 3
    assert [phone.decrypt(request)["body"] for request in service.received] == [BODY] * 3
    delivery = PushDelivery.objects.get()
    assert delivery.sent_at == NOW + timedelta(seconds=360)
    assert delivery.attempts == 3
    assert PushSubscription.objects.exists()


def test_retry_after_as_a_date_is_honoured(
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    service.answers.append((503, {"Retry-After": "Wed, 25 Nov 2026 15:10:00 GMT"}))
    tell(alice, django_capture_on_commit_callbacks)
    assert PushDelivery.objects.get().not_before == NOW + timedelta(minutes=10)


def test_a_push_service_that_keeps_failing_is_given_up_after_six_tries(
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    service.answers += [(500, {})] * 10
    tell(alice, django_capture_on_commit_callbacks)
    for _ in range(10):
        clock.shift(timedelta(hours=1))
        send_due()
    assert len(service.received) == PushDelivery.MAX_ATTEMPTS == 6
    assert PushDelivery.objects.get().given_up_at is not None


def test_an_unreachable_push_service_is_tried_again(
    alice: User,
    phone: Device,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    # The `service` fixture has stopped listening once this body's own one replaces it.
    with push_service() as other:
        endpoint = other.endpoint("gone")
    device = Device()
    client = Client()
    client.force_login(alice)
    assert device.subscribe(client, endpoint) == 201
    tell(alice, django_capture_on_commit_callbacks)
    row = PushDelivery.objects.get(subscription__endpoint=endpoint)
    assert row.sent_at is None
    assert row.attempts == 1
    assert row.not_before == NOW + timedelta(minutes=1)


def test_never_more_than_one_push_an_hour_what_comes_meanwhile_is_collapsed(
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    tell(alice, django_capture_on_commit_callbacks)
    clock.shift(timedelta(minutes=10))
    tell(alice, django_capture_on_commit_callbacks, body="Your partner shared 2 check-ins.")
    clock.shift(timedelta(minutes=10))
    tell(alice, django_capture_on_commit_callbacks, body="Your partner shared 3 check-ins.")
    assert len(service.received) == 1
    waiting = PushDelivery.objects.get(sent_at__isnull=True)
    assert waiting.events == 2
    assert waiting.not_before == NOW + timedelta(hours=1)

    clock.shift(timedelta(minutes=39))
    assert send_due() == 0
    clock.shift(timedelta(minutes=1))
    assert send_due() == 1
    assert len(service.received) == 2
    assert phone.decrypt(service.received[1])["body"] == "Your partner shared 3 check-ins."


def test_collapsed_pushes_of_different_kinds_say_only_that_something_is_new(
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    tell(alice, django_capture_on_commit_callbacks)
    tell(alice, django_capture_on_commit_callbacks)
    tell(
        alice,
        django_capture_on_commit_callbacks,
        kind=Kind.AGREEMENT,
        body="Your partner proposed wording for an agreement.",
        url="/agreements/",
    )
    clock.shift(timedelta(hours=1))
    assert send_due() == 1
    assert phone.decrypt(service.received[1]) == {
        "title": "Hearth",
        "body": "There is something new for you in Hearth.",
        "url": "/",
        "tag": "hearth",
    }


def test_a_push_waits_for_its_not_before(
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    tell(alice, django_capture_on_commit_callbacks, not_before=NOW + timedelta(hours=8))
    assert service.received == []
    clock.shift(timedelta(hours=8) - timedelta(seconds=1))
    assert send_due() == 0
    clock.shift(timedelta(seconds=1))
    assert send_due() == 1
    assert len(service.received) == 1


def test_a_later_not_before_holds_back_the_push_it_joins(
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    tell(alice, django_capture_on_commit_callbacks, not_before=NOW + timedelta(hours=1))
    tell(alice, django_capture_on_commit_callbacks, not_before=NOW + timedelta(hours=3))
    clock.shift(timedelta(hours=2))
    assert send_due() == 0
    clock.shift(timedelta(hours=1))
    assert send_due() == 1
    assert len(service.received) == 1


def test_every_device_of_the_person_gets_the_push_and_nobody_else(
    alice: User,
    bob: User,
    alice_client: Client,
    bob_client: Client,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    laptop, bobs = Device(), Device()
    assert laptop.subscribe(alice_client, service.endpoint("alice-laptop")) == 201
    assert bobs.subscribe(bob_client, service.endpoint("bob-phone")) == 201
    tell(alice, django_capture_on_commit_callbacks)
    assert sorted(request.path for request in service.received) == [
        "/push/alice-laptop",
        "/push/alice-phone",
    ]


def test_a_browser_enabled_by_someone_else_stops_pushing_to_the_first(
    alice: User,
    bob: User,
    bob_client: Client,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    tell(alice, django_capture_on_commit_callbacks, not_before=NOW + timedelta(hours=1))
    # Bob signs in on the same browser and enables push there: one browser, one subscription.
    assert phone.subscribe(bob_client, service.endpoint("alice-phone")) == 201
    assert PushSubscription.objects.get().user == bob
    clock.shift(timedelta(hours=1))
    assert send_due() == 0
    assert service.received == []


def test_without_vapid_keys_nothing_is_queued_or_sent(
    settings: Settings,
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    settings.PUSH_ENABLED = False
    tell(alice, django_capture_on_commit_callbacks)
    assert not PushDelivery.objects.exists()
    assert service.received == []


def test_a_push_opens_only_a_page_of_this_site(
    alice: User, phone: Device, django_capture_on_commit_callbacks: Capture
) -> None:
    for url in ("https://elsewhere.example/", "//elsewhere.example/", "checkins/"):
        with pytest.raises(ValueError, match="A push opens a page of this site"):
            tell(alice, django_capture_on_commit_callbacks, url=url)
    assert not PushDelivery.objects.exists()


def test_someone_who_leaves_their_space_gets_no_push_that_waited(
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    tell(alice, django_capture_on_commit_callbacks, not_before=NOW + timedelta(hours=1))
    leave_couple(user=alice)
    clock.shift(timedelta(hours=1))
    assert send_due() == 0
    assert service.received == []
    assert not PushDelivery.objects.exists()
    # The device stays theirs, for a space they join later.
    assert PushSubscription.objects.filter(user=alice).exists()


def test_beat_sends_what_waited_every_minute(settings: Settings) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["send-due-pushes"]
    assert entry["task"] == "notices.tasks.send_due_pushes"
    assert entry["schedule"] == 60.0


def test_deleting_the_account_ends_its_devices_and_what_waited_for_them(
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    tell(alice, django_capture_on_commit_callbacks, not_before=NOW + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user=alice)
    assert not PushSubscription.objects.exists()
    assert not PushDelivery.objects.exists()


def test_words_longer_than_a_notification_shows_are_cut_to_fit(
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    tell(alice, django_capture_on_commit_callbacks, title="T" * 500, body="B" * 500)
    message = phone.decrypt(service.received[0])
    assert message["title"] == "T" * 120
    assert message["body"] == "B" * 300


def test_an_endpoint_whose_name_now_points_inside_the_network_is_never_posted_to(
    settings: Settings,
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # As when a public name that subscribed is later pointed at 127.0.0.1.
    settings.PUSH_ALLOW_LOCAL_ENDPOINTS = False
    tell(alice, django_capture_on_commit_callbacks)
    assert service.received == []
    assert not PushSubscription.objects.exists()


def test_a_kind_switched_away_from_push_before_sending_sends_nothing_that_waited(
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    tell(alice, django_capture_on_commit_callbacks, not_before=NOW + timedelta(hours=1))
    NotificationPreference.objects.filter(user=alice).update(**{Kind.SHARED: Channel.EMAIL})
    clock.shift(timedelta(hours=1))
    assert send_due() == 0
    assert service.received == []
    assert not PushDelivery.objects.filter(subscription__user=alice).exists()


def test_pushes_finished_longer_ago_than_kept_are_pruned_and_waiting_ones_stay(
    settings: Settings, alice: User, clock: time_machine.Traveller
) -> None:
    settings.PUSH_DELIVERY_RETENTION_DAYS = 30
    device = PushSubscription.objects.create(
        user=alice,
        endpoint="https://push.example.net/alice",
        p256dh="key",
        auth="secret",
        device="Firefox on Android",
    )

    def push_at(at: datetime, **fields: object) -> PushDelivery:
        return PushDelivery.objects.create(
            subscription=device,
            kind=Kind.SHARED,
            title=TITLE,
            body=BODY,
            url="/",
            created_at=at,
            not_before=at,
            **fields,
        )

    old, recent = NOW - timedelta(days=30, minutes=1), NOW - timedelta(days=29)
    push_at(old, sent_at=old)
    push_at(old, given_up_at=old, attempts=PushDelivery.MAX_ATTEMPTS)
    stays = {
        "sent lately": push_at(old, sent_at=recent),
        "given up lately": push_at(recent, given_up_at=recent, attempts=PushDelivery.MAX_ATTEMPTS),
        "waiting for a retry": push_at(old, attempts=3),
        "being sent": push_at(old, claimed_at=NOW),
    }

    assert tasks.prune_push_deliveries() == 2
    left = set(PushDelivery.objects.values_list("pk", flat=True))
    assert left == {row.pk for row in stays.values()}
    # Run again, nothing more goes.
    assert tasks.prune_push_deliveries() == 0


def test_beat_prunes_finished_pushes_every_hour(settings: Settings) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["prune-push-deliveries"]
    assert entry["task"] == "notices.tasks.prune_push_deliveries"
    assert entry["schedule"] == 3600.0


@pytest.mark.parametrize(("still_pushed", "sent"), [([Kind.REPAIR], 1), ([], 0)])
def test_a_collapsed_push_goes_out_while_any_kind_is_still_pushed(
    still_pushed: list[Kind],
    sent: int,
    alice: User,
    phone: Device,
    service: PushService,
    django_capture_on_commit_callbacks: Capture,
    clock: time_machine.Traveller,
) -> None:
    # The first goes out; the next two wait for the hour and are collapsed into one.
    tell(alice, django_capture_on_commit_callbacks)
    tell(alice, django_capture_on_commit_callbacks)
    tell(alice, django_capture_on_commit_callbacks, kind=Kind.AGREEMENT, url="/agreements/")
    assert PushDelivery.objects.get(sent_at__isnull=True).kind == push.COLLAPSED_KIND
    choices = {
        kind.value: Channel.PUSH if kind in still_pushed else Channel.HEARTH for kind in Kind
    }
    NotificationPreference.objects.filter(user=alice).update(**choices)
    clock.shift(timedelta(hours=1))
    assert send_due() == sent
    assert len(service.received) == 1 + sent
    assert PushDelivery.objects.filter(sent_at__isnull=True).count() == 0
