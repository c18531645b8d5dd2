"""Web Push without the internet: a push service of our own on 127.0.0.1 (RFC 8030) that keeps
every request it receives and answers as a test scripts it, and a device whose keys decrypt
what Hearth sent it (RFC 8291) and check who signed it (RFC 8292)."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.test import Client

from notices.models import Channel, Kind, NotificationPreference

# A browser's user agent on a phone, as the subscribing page sends it.
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    """What it received, and the answers still to give: (status, headers), then 201 Created."""

    url: str
    received: list[Received] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def endpoint(self, name: str) -> str:
        return f"{self.url}/push/{name}"


@contextmanager
def push_service() -> Iterator[PushService]:
    lock = threading.Lock()
    service = PushService(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                service.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status, headers = service.answers.pop(0) if service.answers else (201, {})
            self.send_response(status)
            if status == 201:
                self.send_header("Location", f"{service.url}/message/{len(service.received)}")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Device:
    """A browser's side of one subscription: its P-256 key pair and 16-byte auth secret."""

    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        public = self.key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return b64url(public)

    def subscription(self, endpoint: str) -> dict[str, object]:
        """What `PushSubscription.toJSON()` gives in the browser."""
        return {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)},
        }

    def subscribe(self, client: Client, endpoint: str, *, choose_push: bool = True) -> int:
        """Post the subscription as static/js/push.js does; the status Hearth answers. With
        `choose_push`, the person also chooses push for every kind in their settings (what is
        asked at send time)."""
        if choose_push and "_auth_user_id" in client.session:
            NotificationPreference.objects.update_or_create(
                user_id=int(client.session["_auth_user_id"]),
                defaults={kind.value: Channel.PUSH for kind in Kind},
            )
        response = client.post(
            "/settings/notifications/devices/subscribe/",
            json.dumps(self.subscription(endpoint)),
            content_type="application/json",
            headers={"User-Agent": PHONE},
        )
        return response.status_code

    def decrypt(self, received: Received) -> dict[str, object]:
        """The payload, which only this device's keys can read (aes128gcm, RFC 8188)."""
        assert received.headers["content-encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            received.body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        message: dict[str, object] = json.loads(plain)
        return message


@dataclass(frozen=True)
class Vapid:
    """The claims of a request's VAPID token, once its signature checked out against the key
    the header names, which must be the site's."""

    aud: str
    exp: int
    sub: str


def verified_vapid(received: Received) -> Vapid:
    scheme, _, params = received.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    parts = dict(part.split("=", 1) for part in params.split(","))
    assert parts["k"] == settings.VAPID_PUBLIC_KEY
    header, claims, signature = parts["t"].split(".")
    assert json.loads(unb64url(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = unb64url(signature)
    assert len(raw) == 64
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
    der = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
    # Raises InvalidSignature unless the site's private key signed exactly these claims.
    public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    body = json.loads(unb64url(claims))
    return Vapid(aud=body["aud"], exp=body["exp"], sub=body["sub"])
