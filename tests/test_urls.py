"""Walks every URL pattern in the project: an anonymous visitor is sent to log in, a member
of another couple (charlie) gets 404 for the first couple's objects, and HEAD answers as GET
does. A new URL is covered automatically; a new public URL or a URL with parameters must be
added to tests/support/routes.py on purpose."""

from __future__ import annotations

import pytest
from django.test import Client

from couples.models import Couple, User
from tests.support.routes import (
    OBJECT_ARGS,
    Route,
    World,
    build,
    every_route,
    guarded_routes,
    sample_path,
)

# Guarded URLs without parameters that take only a POST: a GET is refused with 405.
POST_ONLY = {
    "invite",
    "reminder_choices",
    "calendar_link",
    "notification_settings",
    "push_subscribe",
}


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
        # One method reaches the view and finds nothing; the other may not be allowed at all.
        statuses = {charlie_client.post(path).status_code, charlie_client.get(path).status_code}
        assert 404 in statuses, (path, statuses)
        assert statuses <= {404, 405}, (path, statuses)
    else:
        response = charlie_client.get(build(route, {}), follow=True)
        assert response.status_code == (405 if route.name in POST_ONLY else 200), route.name
        # getvalue() reads a streamed download (the export) as well as a page.
        body = response.getvalue().decode()
        assert couple.name not in body
        assert "Alice" not in body


@pytest.mark.parametrize("route", every_route(), ids=lambda r: r.route)
def test_head_answers_as_get_does_for_a_member_and_a_visitor(
    route: Route, couple: Couple, alice: User, alice_client: Client
) -> None:
    """Health monitors and link checkers ask with HEAD: wherever GET is allowed, HEAD is too,
    and it answers with GET's status (HEAD first, so GET's own effects cannot help it)."""
    kwargs = OBJECT_ARGS[route.name](World(couple, alice)) if route.name in OBJECT_ARGS else {}
    path = sample_path(route, kwargs)
    for client in (Client(), alice_client):
        head = client.head(path)
        assert head.status_code == client.get(path).status_code, path
