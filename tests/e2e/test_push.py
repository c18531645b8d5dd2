"""Push in Chromium, without the internet. The page's "Enable on this device" posts the browser's
subscription to Hearth; Hearth's push reaches a push service of our own on 127.0.0.1, encrypted
for the device; the DevTools protocol hands the device's message to the service worker
(`ServiceWorker.deliverPushMessage`, as the browser does once it has decrypted what its push
service brought), which shows the notification with the neutral words; and what a tap runs takes
the open window to the page the push names.

What is stubbed, and why: Chromium reaches its push service over the internet, which the tests do
not have, so `PushManager.subscribe` answers with a subscription whose endpoint is the local push
service and whose keys the test holds. A real tap gives the worker the right to focus or open a
window, which no DevTools command grants; the test runs the worker's tap handler (`openPage`,
which `notificationclick` calls) on what the notification it showed carries, in the worker, and
sees the window go to the page."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from couples.models import Couple, User
from notices import push
from notices.management.commands.vapid_keys import new_key_pair
from notices.models import Channel, Kind, NotificationPreference, PushSubscription
from tests.support.browser import SignedIn, assert_accessible
from tests.support.push import Device, PushService, push_service

BODY = "Your partner shared their check-in with you."


@pytest.fixture(autouse=True)
def vapid(settings: Settings) -> None:
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = new_key_pair()
    settings.PUSH_ENABLED = True
    settings.PUSH_ALLOW_LOCAL_ENDPOINTS = True


@pytest.fixture
def service() -> Iterator[PushService]:
    with push_service() as running:
        yield running


def stub_push_manager(context: BrowserContext, subscription: dict[str, object]) -> None:
    """The browser's push service, which would need the internet, gives this subscription. The
    browser keeps it until it is unsubscribed, across pages (in the origin's localStorage, as
    the browser keeps it in its profile); `browser_subscribed` reads whether it still has it."""
    context.add_init_script(
        f"""(() => {{
            const subscription = {json.dumps(subscription)};
            const fake = {{
                endpoint: subscription.endpoint,
                toJSON: () => subscription,
                unsubscribe: async () => {{
                    localStorage.removeItem("push-subscribed");
                    return true;
                }},
            }};
            const subscribed = () => localStorage.getItem("push-subscribed") === "yes";
            PushManager.prototype.getSubscription = async () => (subscribed() ? fake : null);
            PushManager.prototype.subscribe = async () => {{
                localStorage.setItem("push-subscribed", "yes");
                return fake;
            }};
        }})();"""
    )


def browser_subscribed(page: Page) -> bool:
    subscribed: bool = page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.ready;
            return (await registration.pushManager.getSubscription()) !== null;
        }"""
    )
    return subscribed


def controlled(page: Page) -> None:
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def registration_id(context: BrowserContext, page: Page, origin: str) -> Any:
    """The service worker registration's id, as the DevTools protocol reports it."""
    cdp = context.new_cdp_session(page)
    found: list[str] = []

    def keep(event: dict[str, Any]) -> None:
        for registration in event["registrations"]:
            if registration["scopeURL"] == origin + "/" and not registration["isDeleted"]:
                found.append(registration["registrationId"])

    cdp.on("ServiceWorker.workerRegistrationUpdated", keep)
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not found and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert found, "no registration reported"
    return cdp, found[-1]


def delivered(page: Page, origin: str, message: Mapping[str, object]) -> dict[str, Any]:
    """Hands the message to the service worker as the browser's push service would, and returns
    the one notification the worker then shows. Chromium now and then drops a message the
    DevTools protocol hands over (the command answers alike either way), so a message that
    shows nothing within two seconds is handed over again, at most five times."""
    cdp, registration = registration_id(page.context, page, origin)
    for _ in range(5):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": origin, "registrationId": registration, "data": json.dumps(message)},
        )
        # Polled in one evaluation: `wait_for_function` would take the promise for an answer.
        shown: list[dict[str, Any]] = page.evaluate(
            """async () => {
                const registration = await navigator.serviceWorker.ready;
                for (let tries = 0; tries < 20; tries++) {
                    const shown = await registration.getNotifications();
                    if (shown.length > 0) {
                        return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag,
                                                   data: n.data }));
                    }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                return [];
            }"""
        )
        if shown:
            [notification] = shown
            return notification
    raise AssertionError("the service worker showed no notification")


def tap(context: BrowserContext, notification: dict[str, Any]) -> None:
    """What a tap runs (the worker's `notificationclick` calls `openPage`), on what was shown."""
    [worker] = context.service_workers
    worker.evaluate("(data) => openPage({ data })", notification["data"])


def test_a_delivered_push_shows_the_neutral_words_and_a_tap_opens_the_page(
    signed_in: SignedIn,
    alice: User,
    couple: Couple,
    live_server: LiveServer,
    service: PushService,
) -> None:
    device = Device()
    page = signed_in(alice)
    context = page.context
    context.grant_permissions(["notifications"], origin=live_server.url)
    stub_push_manager(context, device.subscription(service.endpoint("chromium")))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto("/settings/notifications/devices/")
    controlled(page)
    page.get_by_role("button", name="Enable on this device").click()
    expect(page.get_by_role("button", name="Remove Chrome on Linux")).to_be_visible()
    assert PushSubscription.objects.get().user == alice
    assert_accessible(page)
    # The page's script ran under the strict CSP.
    assert errors == []

    NotificationPreference.objects.update_or_create(
        user=alice, defaults={Kind.SHARED: Channel.PUSH}
    )
    push.queue(
        alice.pk,
        kind=Kind.SHARED,
        title="Hearth",
        body=BODY,
        url="/checkins/this-week/",
        not_before=None,
    )
    [received] = service.received
    message = device.decrypt(received)
    assert message == {
        "title": "Hearth",
        "body": BODY,
        "url": "/checkins/this-week/",
        "tag": "hearth",
    }

    notification = delivered(page, live_server.url, message)
    assert notification == {
        "title": "Hearth",
        "body": BODY,
        "tag": "hearth",
        "data": {"url": live_server.url + "/checkins/this-week/"},
    }

    tap(context, notification)
    expect(page).to_have_url(re.compile(r"/checkins/\d{4}-W\d{2}/$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Check-in, "))).to_be_visible()


def test_a_push_naming_another_site_opens_hearths_home(
    signed_in: SignedIn, alice: User, couple: Couple, live_server: LiveServer
) -> None:
    page = signed_in(alice)
    context = page.context
    context.grant_permissions(["notifications"], origin=live_server.url)
    page.goto("/settings/")
    controlled(page)
    message = {"title": "Hearth", "body": BODY, "url": "https://elsewhere.example/"}
    notification = delivered(page, live_server.url, message)
    assert notification["data"] == {"url": live_server.url + "/"}
    tap(context, notification)
    expect(page).to_have_url(live_server.url + "/")


def unsubscribed_soon(page: Page) -> bool:
    """Whether the browser's subscription is gone within two seconds (polled in one evaluation:
    `wait_for_function` would take the promise for an answer)."""
    gone: bool = page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.ready;
            for (let tries = 0; tries < 20; tries++) {
                if ((await registration.pushManager.getSubscription()) === null) return true;
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
            return false;
        }"""
    )
    return gone


def enabled_here(
    signed_in: SignedIn, person: User, live_server: LiveServer, service: PushService
) -> Page:
    """`person`'s browser, with push enabled on it from the devices page."""
    page = signed_in(person)
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    stub_push_manager(page.context, Device().subscription(service.endpoint("chromium")))
    page.goto("/settings/notifications/devices/")
    controlled(page)
    page.get_by_role("button", name="Enable on this device").click()
    expect(page.get_by_role("button", name="Remove Chrome on Linux")).to_be_visible()
    assert browser_subscribed(page)
    return page


def test_removing_this_browsers_device_also_unsubscribes_the_browser(
    signed_in: SignedIn,
    alice: User,
    couple: Couple,
    live_server: LiveServer,
    service: PushService,
) -> None:
    page = enabled_here(signed_in, alice, live_server, service)
    push.subscribe(
        user=alice,
        endpoint=service.endpoint("phone"),
        p256dh=Device().p256dh,
        auth="A" * 22,
        user_agent="Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
    )
    page.reload()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # Another device goes: this browser keeps its subscription.
    page.get_by_role("button", name="Remove Firefox on Android").click()
    expect(page.get_by_role("button", name="Remove Firefox on Android")).to_have_count(0)
    assert browser_subscribed(page)

    # This one goes: the browser is unsubscribed too, and may enable push again.
    page.get_by_role("button", name="Remove Chrome on Linux").click()
    expect(page.get_by_text("No device shows notifications from Hearth yet.")).to_be_visible()
    expect(page.get_by_role("button", name="Remove Chrome on Linux")).to_have_count(0)
    assert unsubscribed_soon(page)
    assert not PushSubscription.objects.exists()
    expect(page.get_by_role("button", name="Enable on this device")).to_be_visible()
    assert errors == []


def test_a_browser_removed_from_another_device_is_offered_push_again(
    signed_in: SignedIn,
    alice: User,
    couple: Couple,
    live_server: LiveServer,
    service: PushService,
) -> None:
    page = enabled_here(signed_in, alice, live_server, service)
    # Removed from her phone's settings page: the row goes, this browser keeps its subscription.
    PushSubscription.objects.get().delete()
    page.reload()
    expect(page.get_by_text("No device shows notifications from Hearth yet.")).to_be_visible()
    assert browser_subscribed(page)
    page.get_by_role("button", name="Enable on this device").click()
    expect(page.get_by_role("button", name="Remove Chrome on Linux")).to_be_visible()
    assert PushSubscription.objects.get().endpoint == service.endpoint("chromium")
