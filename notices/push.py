"""Web Push for the installed app: the devices a person enabled it on, and the pushes owed to
them, sent through the outbox's claim (core/outbox.py) to each browser's push service.

- `queue` owes a person one push on each of their devices, no earlier than `not_before` and no
  sooner than an hour after that device's last push: while one waits, later ones are collapsed
  into it, as the notice emails are (notices/services.py).
- `send` claims due rows as the outbox does (still to send, unclaimed or their lease run out),
  encrypts each payload for its device (RFC 8291, aes128gcm), signs the request with the site's
  VAPID key (RFC 8292) and posts it to the device's endpoint (RFC 8030) with a TTL.
- An endpoint whose name now leads inside a network is never posted to: its subscription goes.
- The push service's answer decides what follows: 404/410, the device is gone and its
  subscription is deleted; 429 and 5xx (or no answer), asked again later, after its Retry-After
  or an exponential backoff, up to `PushDelivery.MAX_ATTEMPTS`; any other refusal gives it up.
- `prune` deletes what was sent or given up longer ago than PUSH_DELIVERY_RETENTION_DAYS.

The payload holds neutral words only (the same as the emails': that something is new, never
what), the page to open and a tag; the device's service worker shows it
(templates/pwa/service-worker.js)."""

from __future__ import annotations

import ipaddress
import json
import re
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from time import monotonic
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from couples.models import User
from notices import tasks
from notices.models import (
    INTERVAL,
    Channel,
    Kind,
    NotificationPreference,
    PushDelivery,
    PushSubscription,
)

# How long a push service keeps a push for a device that is off: after a day it is stale news.
TTL = 24 * 60 * 60
# One push service answer may take this long; a task sends many.
TIMEOUT = 10
# The push service keeps only the latest undelivered push of one topic for a device (RFC 8030
# section 5.4): a device that was off for hours wakes to one notification, not a pile.
TOPIC = "hearth"
# Retries wait 1, 2, 4, ... minutes, never more than an hour, or what Retry-After asks (within
# a day).
BACKOFF = timedelta(minutes=1)
MOST_BACKOFF = timedelta(hours=1)
MOST_RETRY_AFTER = timedelta(days=1)
# Most rows one beat tick sends; the rest wait for the next minute.
BATCH = 500
TITLE_LENGTH = PushDelivery._meta.get_field("title").max_length or 0
BODY_LENGTH = PushDelivery._meta.get_field("body").max_length or 0
# A collapsed push of several kinds says only this, and opens the home.
COLLAPSED_KIND = "news"


def offered() -> bool:
    """Whether Hearth offers push at all: only with its VAPID keys set."""
    return settings.PUSH_ENABLED


@dataclass(frozen=True)
class Subscribed:
    subscription: PushSubscription
    created: bool


def is_push_service(endpoint: str) -> bool:
    """A push service's address: https on a public name. Anything on this machine or a private
    network is refused, so no one can have Hearth post to it (the tests' own push service on
    127.0.0.1 is allowed through PUSH_ALLOW_LOCAL_ENDPOINTS)."""
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if settings.PUSH_ALLOW_LOCAL_ENDPOINTS and parts.scheme in {"http", "https"} and host:
        return True
    if parts.scheme != "https" or not host or host == "localhost" or "." not in host:
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return not host.endswith((".localhost", ".local", ".internal"))
    return False


# (pattern, name), first match wins: Edge and Opera also say Chrome, Chrome also says Safari.
BROWSERS = (
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chromium/", "Chromium"),
    (r"Chrome/|CriOS/", "Chrome"),
    (r"Safari/", "Safari"),
)
SYSTEMS = (
    (r"iPhone", "iPhone"),
    (r"iPad", "iPad"),
    (r"Android", "Android"),
    (r"CrOS", "ChromeOS"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """ "Firefox on Android": enough to tell one's devices apart, nothing more."""
    browser = next((name for p, name in BROWSERS if re.search(p, user_agent)), "")
    system = next((name for p, name in SYSTEMS if re.search(p, user_agent)), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("A browser")


@transaction.atomic
def subscribe(*, user: User, endpoint: str, p256dh: str, auth: str, user_agent: str) -> Subscribed:
    """Enable push on the device whose browser gave this subscription. A browser has one: if
    someone else enabled push there before, their subscription and what waited for it go."""
    PushSubscription.objects.filter(endpoint=endpoint).exclude(user=user).delete()
    subscription, created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "device": device_label(user_agent)[:100],
        },
    )
    return Subscribed(subscription, created)


def remove(*, subscription: PushSubscription) -> None:
    """Stop pushing to this device; what waited for it goes too."""
    subscription.delete()


def forget_waiting(user_id: int) -> int:
    """Drop the pushes still waiting for the person (nothing a sender holds): someone who left
    their space, or turned push off, is told nothing that waited. Returns how many."""
    deleted, _ = (
        PushDelivery.objects.filter(PushDelivery.unsent(), subscription__user_id=user_id)
        .filter(claimed_at__isnull=True)
        .delete()
    )
    return deleted


def on_member_left(sender: object, *, user: User, **kwargs: object) -> None:
    forget_waiting(user.pk)


def _reaches_public_addresses(endpoint: str) -> bool | None:
    """Whether every address the endpoint's name stands for now is a public one (a name may
    point anywhere, whatever it looked like when the device subscribed); None when the name
    does not resolve right now."""
    if settings.PUSH_ALLOW_LOCAL_ENDPOINTS:
        return True
    parts = urlsplit(endpoint)
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return None
    return all(ipaddress.ip_address(str(address[4][0])).is_global for address in found)


def _on_this_site(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def queue(
    user_id: int, *, kind: str, title: str, body: str, url: str, not_before: datetime | None
) -> None:
    """Owe the person one push on each device they enabled, saying `title` and `body` (neutral
    words: that something is new, never what) and opening `url` (a path on this site) when
    tapped, no earlier than `not_before` (now when None). Inside the caller's transaction; what
    is due goes out once it commits, the rest from beat.

    Never more than one push an hour per device: while one waits (not yet taken by a sender),
    this one is collapsed into it, taking the later `not_before`; a new one waits until an hour
    after the device's last push."""
    if not offered():
        return
    if not _on_this_site(url):
        raise ValueError(f"A push opens a page of this site, not {url!r}")
    # Words for a notification are short; the columns hold what a phone shows of them.
    title, body = title[:TITLE_LENGTH], body[:BODY_LENGTH]
    now = timezone.now()
    wanted = max(not_before or now, now)
    due: list[int] = []
    with transaction.atomic():
        # Locked so two events for one person at once leave one waiting push per device.
        subscriptions = list(
            PushSubscription.objects.select_for_update().filter(user_id=user_id).order_by("pk")
        )
        for subscription in subscriptions:
            row = _collapse_or_create(subscription, kind, title, body, url, wanted, now)
            if row.not_before <= now:
                due.append(row.pk)
    if due:
        transaction.on_commit(partial(tasks.send_pushes.delay, due))


def _collapse_or_create(
    subscription: PushSubscription,
    kind: str,
    title: str,
    body: str,
    url: str,
    wanted: datetime,
    now: datetime,
) -> PushDelivery:
    waiting = (
        PushDelivery.objects.filter(PushDelivery.unsent(), subscription=subscription)
        .filter(claimed_at__isnull=True)
        .order_by("pk")
        .first()
    )
    if waiting is None:
        last = (
            PushDelivery.objects.filter(subscription=subscription, sent_at__isnull=False)
            .order_by("-sent_at")
            .values_list("sent_at", flat=True)
            .first()
        )
        not_before = wanted if last is None else max(wanted, last + INTERVAL)
        return PushDelivery.objects.create(
            subscription=subscription,
            kind=kind,
            title=title,
            body=body,
            url=url,
            not_before=not_before,
            created_at=now,
        )
    if waiting.kind != kind:
        kind, title, body, url = (
            COLLAPSED_KIND,
            _("Hearth"),
            _("There is something new for you in Hearth."),
            "/",
        )
    waiting.kind, waiting.title, waiting.body, waiting.url = kind, title, body, url
    waiting.not_before = max(waiting.not_before, wanted)
    waiting.events += 1
    waiting.save(update_fields=["kind", "title", "body", "url", "not_before", "events"])
    return waiting


def payload(row: PushDelivery) -> bytes:
    """What the device's service worker receives, encrypted for it alone."""
    body = {"title": row.title, "body": row.body, "url": row.url, "tag": TOPIC}
    return json.dumps(body).encode()


def _retry_after(error: WebPushException, now: datetime) -> timedelta | None:
    """The wait a push service asked for: seconds, or an HTTP date (RFC 9110 section 10.2.3)."""
    raw = (error.retry_after or "").strip()
    if not raw:
        return None
    if raw.isdigit():
        wait = timedelta(seconds=int(raw))
    else:
        try:
            wait = parsedate_to_datetime(raw) - now
        except (TypeError, ValueError):
            return None
    return min(max(wait, timedelta(0)), MOST_RETRY_AFTER)


def _backoff(attempts: int) -> timedelta:
    wait: timedelta = BACKOFF * 2 ** (attempts - 1)
    return min(wait, MOST_BACKOFF)


@dataclass(frozen=True)
class Outcome:
    sent: int
    # Claimed but not reached in time: released, for a follow-up task.
    left: list[int]


def _claim(ids: list[int], now: datetime) -> list[int]:
    """The outbox's claim (core/outbox.py), for rows that are also due."""
    with transaction.atomic():
        claimed = list(
            PushDelivery.objects.filter(
                PushDelivery.claimable(now), pk__in=ids, not_before__lte=now
            )
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        if claimed:
            PushDelivery.objects.filter(pk__in=claimed).update(claimed_at=now)
    return claimed


def send(*, ids: list[int], now: datetime, started: float | None = None) -> Outcome:
    """Send the due rows among `ids` that this call wins the claim of. Like the outbox, it takes
    no new row once OUTBOX_SEND_SECONDS have gone and hands back the rest."""
    if not offered():
        return Outcome(sent=0, left=[])
    deadline = (monotonic() if started is None else started) + settings.OUTBOX_SEND_SECONDS
    claimed = _claim(ids, now)
    if not claimed:
        return Outcome(sent=0, left=[])
    # Ours until `now` + LEASE: every later write is conditional on still holding the claim.
    mine = PushDelivery.objects.filter(pk__in=claimed, claimed_at=now)
    vapid = Vapid.from_string(settings.VAPID_PRIVATE_KEY)
    sent = tried = 0
    with requests.Session() as session:
        # A push service answers; it never sends Hearth elsewhere.
        session.max_redirects = 0
        claimed_rows = PushDelivery.objects.filter(pk__in=claimed).select_related("subscription")
        for row in _still_wanted(list(claimed_rows.order_by("pk")), mine):
            if tried and monotonic() >= deadline:
                break
            tried += 1
            sent += _send_one(row, mine.filter(pk=row.pk), vapid, session, now)
    unreached = mine.filter(PushDelivery.unsent())
    left = list(unreached.values_list("pk", flat=True))
    unreached.update(claimed_at=None)
    return Outcome(sent=sent, left=left)


def _still_wanted(rows: list[PushDelivery], mine: QuerySet[PushDelivery]) -> list[PushDelivery]:
    """The rows whose person still chooses push for their kind, asked at send time (one query
    per kind among them): a push for a kind they switched to email or to inside Hearth since it
    was owed is dropped. A collapsed push goes out while they want push for any kind."""
    users = {row.subscription.user_id for row in rows}
    kinds = {row.kind for row in rows}
    asked = set(Kind) if COLLAPSED_KIND in kinds else kinds
    wanting = {
        kind: set(
            NotificationPreference.objects.filter(user_id__in=users)
            .wanting(kind, Channel.PUSH)
            .values_list("user_id", flat=True)
        )
        for kind in asked
    }

    def wanted(row: PushDelivery) -> bool:
        of_row = list(Kind) if row.kind == COLLAPSED_KIND else [row.kind]
        return any(row.subscription.user_id in wanting[kind] for kind in of_row)

    keep = [row for row in rows if wanted(row)]
    mine.exclude(pk__in=[row.pk for row in keep]).delete()
    return keep


def _send_one(
    row: PushDelivery,
    mine: QuerySet[PushDelivery],
    vapid: Vapid,
    session: requests.Session,
    now: datetime,
) -> int:
    subscription = row.subscription
    last = (
        PushDelivery.objects.filter(subscription=subscription, sent_at__gt=now - INTERVAL)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    if last is not None:
        # Another push reached this device within the hour (one queued while it was sent).
        mine.update(claimed_at=None, not_before=last + INTERVAL)
        return 0
    public = _reaches_public_addresses(subscription.endpoint)
    if public is None:
        _retry(row, mine, now, None)
        return 0
    if not public:
        # Not a push service, whatever its name: Hearth posts nothing inside a network.
        subscription.delete()
        return 0
    try:
        response = webpush(
            subscription.info(),
            data=payload(row),
            vapid_private_key=vapid,
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=TTL,
            timeout=TIMEOUT,
            headers={"Topic": TOPIC, "Urgency": "normal"},
            requests_session=session,
        )
    except WebPushException as error:
        status = error.status_code
        if status in {404, 410}:
            # The browser unsubscribed or the subscription expired: it will never take a push.
            subscription.delete()
            return 0
        if status is not None and status != 429 and status < 500:
            mine.update(given_up_at=timezone.now(), attempts=row.attempts + 1)
            return 0
        _retry(row, mine, now, _retry_after(error, now))
        return 0
    except requests.RequestException:
        _retry(row, mine, now, None)
        return 0
    at = timezone.now()
    location = response.headers.get("Location", "")
    updated = mine.update(sent_at=at, message_id=location[:200], attempts=row.attempts + 1)
    if updated:
        PushSubscription.objects.filter(pk=subscription.pk).update(last_used=at)
    return int(bool(updated))


def _retry(
    row: PushDelivery, mine: QuerySet[PushDelivery], now: datetime, wait: timedelta | None
) -> None:
    attempts = row.attempts + 1
    if attempts >= PushDelivery.MAX_ATTEMPTS:
        mine.update(attempts=attempts, given_up_at=timezone.now())
        return
    wait = _backoff(attempts) if wait is None else wait
    mine.update(attempts=attempts, claimed_at=None, not_before=now + wait)


def send_due(*, now: datetime) -> int:
    """Run by beat every minute: what waited for its time (quiet hours, the hour since the last
    push, a retry), and any row whose task was lost or whose worker died."""
    started = monotonic()
    due = list(
        PushDelivery.objects.filter(PushDelivery.claimable(now), not_before__lte=now)
        .order_by("not_before")
        .values_list("pk", flat=True)[:BATCH]
    )
    outcome = send(ids=due, now=now, started=started)
    if outcome.left:
        transaction.on_commit(partial(tasks.send_pushes.delay, outcome.left))
    return outcome.sent


def prune(*, now: datetime) -> int:
    """Run by beat every hour: delete the pushes sent or given up more than
    PUSH_DELIVERY_RETENTION_DAYS before `now`, so the table holds what is waiting and a recent
    past, not every push ever sent. A push still waiting (or being sent) has neither time, so it
    is never deleted here. Returns how many went."""
    before = now - timedelta(days=settings.PUSH_DELIVERY_RETENTION_DAYS)
    deleted, _ = PushDelivery.objects.filter(
        Q(sent_at__lt=before) | Q(given_up_at__lt=before)
    ).delete()
    return deleted


def send_now(*, ids: list[int], now: datetime) -> int:
    """Run by the task `queue` enqueues; hands what it did not reach to a follow-up task."""
    outcome = send(ids=ids, now=now)
    if outcome.left:
        transaction.on_commit(partial(tasks.send_pushes.delay, outcome.left))
    return outcome.sent
