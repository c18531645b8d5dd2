"""The devices a person enabled push on: listed for them alone, removable by them alone, added
by the page's script; and nothing offered where the site has no VAPID keys."""

from __future__ import annotations

import json

import pytest
from django.template import Context, Template
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from couples.models import User
from notices import push
from notices.models import PushSubscription
from tests.support.pages import visible_words
from tests.support.push import PHONE, Device

DEVICES = "/settings/notifications/devices/"
SUBSCRIBE = "/settings/notifications/devices/subscribe/"


def remove_url(device: PushSubscription) -> str:
    return f"/settings/notifications/devices/{device.pk}/remove/"


@pytest.fixture(autouse=True)
def offered(settings: Settings) -> None:
    settings.VAPID_PUBLIC_KEY = "BPublicKeyOfTheSite"
    settings.VAPID_PRIVATE_KEY = "private"
    settings.PUSH_ENABLED = True


def enable(user: User, n: int, device: str = "Firefox on Android") -> list[PushSubscription]:
    return [
        push.subscribe(
            user=user,
            endpoint=f"https://push.example.net/{user.pk}/{i}",
            p256dh=Device().p256dh,
            auth="A" * 22,
            user_agent="",
        ).subscription
        for i in range(n)
    ]


def test_an_anonymous_visitor_is_sent_to_log_in(alice: User) -> None:
    [device] = enable(alice, 1)
    client = Client()
    for response in (
        client.get(DEVICES),
        client.post(SUBSCRIBE, "{}", content_type="application/json"),
        client.post(remove_url(device)),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/accounts/login/?next=")
    assert PushSubscription.objects.count() == 1


def test_a_person_sees_their_own_devices_and_nobody_elses(
    alice: User, bob: User, alice_client: Client
) -> None:
    enable(alice, 1)
    PushSubscription.objects.filter(user=alice).update(device="Firefox on Android")
    enable(bob, 1)
    PushSubscription.objects.filter(user=bob).update(device="Safari on iPhone")
    words = visible_words(alice_client.get(DEVICES))
    assert "Firefox on Android" in words
    assert "Safari on iPhone" not in words
    assert "Enable on this device" in words


def test_nobody_else_can_remove_a_persons_device(
    alice: User, bob_client: Client, charlie_client: Client
) -> None:
    [device] = enable(alice, 1)
    assert bob_client.post(remove_url(device)).status_code == 404
    assert charlie_client.post(remove_url(device)).status_code == 404
    assert PushSubscription.objects.filter(pk=device.pk).exists()


def test_a_person_removes_their_device(alice: User, alice_client: Client) -> None:
    first, second = enable(alice, 2)
    response = alice_client.post(remove_url(first), follow=True)
    assert response.redirect_chain == [(DEVICES, 302)]
    assert "That device gets no more notifications." in visible_words(response)
    assert list(PushSubscription.objects.all()) == [second]


def test_the_page_never_holds_a_devices_push_address_or_keys(
    alice: User, alice_client: Client
) -> None:
    [device] = enable(alice, 1)
    page = alice_client.get(DEVICES).content.decode()
    for secret in (device.endpoint, device.p256dh, device.auth, "push.example.net"):
        assert secret not in page


def test_removing_with_htmx_answers_with_the_section_alone(
    alice: User, alice_client: Client
) -> None:
    first, second = enable(alice, 2)
    PushSubscription.objects.filter(pk=second.pk).update(device="Safari on iPhone")
    response = alice_client.post(remove_url(first), headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="push-devices"')
    assert "Safari on iPhone" in visible_words(body)
    assert "<html" not in body


@pytest.mark.parametrize("devices", [1, 20])
def test_the_devices_page_makes_the_same_queries_however_many_devices(
    devices: int,
    alice: User,
    alice_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    enable(alice, devices)
    # Session, person, their membership (menu and pause banner), the devices, the pause banner.
    with django_assert_num_queries(5):
        response = alice_client.get(DEVICES)
    assert response.status_code == 200
    assert visible_words(response).count("Remove") == devices


def test_a_browser_subscribes_as_its_script_posts_it(alice: User, alice_client: Client) -> None:
    device = Device()
    response = alice_client.post(
        SUBSCRIBE,
        json.dumps(device.subscription("https://fcm.googleapis.com/fcm/send/abc")),
        content_type="application/json",
        headers={"User-Agent": PHONE},
    )
    assert response.status_code == 201
    assert response.json() == {"device": "Chrome on Android"}
    stored = PushSubscription.objects.get()
    assert (stored.user, stored.endpoint, stored.p256dh) == (
        alice,
        "https://fcm.googleapis.com/fcm/send/abc",
        device.p256dh,
    )
    # The same browser again: still one device.
    assert device.subscribe(alice_client, "https://fcm.googleapis.com/fcm/send/abc") == 200
    assert PushSubscription.objects.count() == 1


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.net/a",
        "https://127.0.0.1/a",
        "https://10.0.0.8/a",
        "https://localhost/a",
        "https://intranet/a",
        "https://[::1]/a",
        "javascript:alert(1)",
    ],
)
def test_an_address_that_is_no_public_push_service_is_refused(
    endpoint: str, alice: User, alice_client: Client
) -> None:
    assert Device().subscribe(alice_client, endpoint) == 400
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        '{"endpoint": "https://push.example.net/a"}',
        '{"endpoint": "https://push.example.net/a", "keys": {"p256dh": "short", "auth": "x"}}',
    ],
)
def test_a_subscription_without_its_keys_is_refused(
    body: str, alice: User, alice_client: Client
) -> None:
    response = alice_client.post(SUBSCRIBE, body, content_type="application/json")
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_without_vapid_keys_push_is_not_offered(
    settings: Settings, alice: User, alice_client: Client
) -> None:
    settings.PUSH_ENABLED = False
    words = visible_words(alice_client.get(DEVICES))
    assert "This Hearth does not send notifications to devices" in words
    assert "Enable on this device" not in words
    assert Device().subscribe(alice_client, "https://push.example.net/a") == 404
    assert not PushSubscription.objects.exists()


def test_the_settings_section_shows_the_persons_devices_and_the_sites_public_key(
    alice: User,
) -> None:
    enable(alice, 1)
    PushSubscription.objects.filter(user=alice).update(device="Edge on Windows")
    html = Template("{% load notices %}{% push_devices_setting %}").render(
        Context({"user": alice, "csrf_token": "t", "csp_nonce": "n"})
    )
    assert "Edge on Windows" in visible_words(html)
    assert 'data-key="BPublicKeyOfTheSite"' in html
    assert 'nonce="n"' in html


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (PHONE, "Chrome on Android"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Linux",
        ),
        ("", "A browser"),
    ],
)
def test_a_device_is_named_by_its_browser_and_system(user_agent: str, label: str) -> None:
    assert push.device_label(user_agent) == label


def test_devices_enabled_before_the_keys_were_unset_can_still_be_removed(
    settings: Settings, alice: User, alice_client: Client
) -> None:
    [device] = enable(alice, 1)
    settings.PUSH_ENABLED = False
    words = visible_words(alice_client.get(DEVICES))
    assert "This Hearth does not send notifications to devices" in words
    assert "Remove A browser" in words
    assert alice_client.post(remove_url(device)).status_code == 302
    assert not PushSubscription.objects.exists()
