"""Walks every URL pattern in the project: an anonymous visitor is sent to log in, and a member
of another couple (charlie) gets 404 for the first couple's objects. A new URL is covered
automatically; a new public URL or a URL with parameters must be added below on purpose."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from couples.models import INVITATION_LIFETIME, Couple, Invitation, User, hash_token

# Reachable without signing in, each for a reason.
PUBLIC = {
    "home": "the landing page for visitors",
    "join": "an invitation is opened before the invitee has an account",
    "healthz": "probed by the load balancer",
    "dev_mail": "DEBUG only (404 otherwise), for reading emails in development",
    "dev_mail_message": "DEBUG only (404 otherwise)",
    "calendar_feed": "calendar apps fetch it without a session; the random token is the key",
    "unsubscribe": "one-click unsubscribe from a mail app (RFC 8058); the signed link is the key",
}
# Mounted apps with their own access rules: allauth (its pages are for signing in) and the admin.
SELF_GUARDED_PREFIXES = ("accounts/", "admin/")


@dataclass
class World:
    couple: Couple
    alice: User

    def invitation_pk(self) -> int:
        return Invitation.objects.create(
            couple=self.couple,
            invited_by=self.alice,
            token_hash=hash_token("t"),
            expires_at=timezone.now() + INVITATION_LIFETIME,
        ).pk

    def schedule_pk(self) -> int:
        return self.couple.schedules.get().pk


# URL name -> the arguments naming one of alice's objects.
OBJECT_ARGS: dict[str, Callable[[World], dict[str, object]]] = {
    "revoke_invitation": lambda w: {"pk": w.invitation_pk()},
    "schedule_edit": lambda w: {"pk": w.schedule_pk()},
    "schedule_pause": lambda w: {"pk": w.schedule_pk()},
    "schedule_delete": lambda w: {"pk": w.schedule_pk()},
}


@dataclass
class Route:
    name: str
    route: str


def walk(patterns: list, prefix: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield Route(p.name or "", prefix + str(p.pattern))


def guarded_routes() -> list[Route]:
    return [
        r
        for r in walk(get_resolver().url_patterns)
        if r.name not in PUBLIC and not r.route.startswith(SELF_GUARDED_PREFIXES)
    ]


def build(route: Route, kwargs: dict[str, object]) -> str:
    path = route.route
    for key, value in kwargs.items():
        path = path.replace(f"<int:{key}>", str(value)).replace(f"<str:{key}>", str(value))
    assert "<" not in path, f"{route.name}: add its arguments to OBJECT_ARGS"
    return "/" + path


def test_every_guarded_url_is_known() -> None:
    names = [r.name for r in guarded_routes()]
    assert all(names), "every URL pattern needs a name"
    for route in guarded_routes():
        if "<" in route.route:
            assert route.name in OBJECT_ARGS, f"{route.name}: add its arguments to OBJECT_ARGS"


@pytest.mark.parametrize("route", guarded_routes(), ids=lambda r: r.name)
def test_an_anonymous_visitor_is_sent_to_log_in(route: Route, couple: Couple, alice: User) -> None:
    kwargs = OBJECT_ARGS[route.name](World(couple, alice)) if route.name in OBJECT_ARGS else {}
    path = build(route, kwargs)
    client = Client()
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/accounts/login/?next="), path


@pytest.mark.parametrize("route", guarded_routes(), ids=lambda r: r.name)
def test_another_couple_never_reaches_the_first_couples_things(
    route: Route, couple: Couple, alice: User, charlie_client: Client
) -> None:
    if route.name in OBJECT_ARGS:
        path = build(route, OBJECT_ARGS[route.name](World(couple, alice)))
        assert charlie_client.post(path).status_code == 404, path
        assert charlie_client.get(path).status_code in (404, 405), path
    else:
        response = charlie_client.get(build(route, {}), follow=True)
        assert response.status_code in (200, 405)
        assert couple.name not in response.content.decode()
        assert "Alice" not in response.content.decode()
