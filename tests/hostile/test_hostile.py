"""Hostile input everywhere: every URL pattern is opened with hostile values in its path and its
query parameters, and every form found on Hearth's pages is sent with hostile values in each
field, by each kind of person (a visitor, both partners, another couple's member, a former
member), without its CSRF token and with the wrong method. Hearth never answers 500, every
refusal says something, and words show escaped and exactly as typed.

The person a form was made for sends every value in every field; the other kinds of person take
turns with a sample of values in every field at once (the turn moves on from one URL to the
next, so across the suite each kind meets each value)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from itertools import count
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from django.test import Client

from tests.support.hostile.crawl import FREE_TEXT, Field, Form
from tests.support.hostile.findings import Findings, refusal_message, stored_values
from tests.support.hostile.payloads import (
    CHOSEN_VALUES,
    FREE_TEXT_VALUES,
    SAMPLE,
    TYPED,
    Value,
    encode,
)
from tests.support.hostile.site_map import SiteMap, forms_for, page_path
from tests.support.hostile.world import MEMBERS, VISITORS, People, build
from tests.support.routes import Route, every_route

pytestmark = pytest.mark.django_db

FORM_BODY = "application/x-www-form-urlencoded"
ROUTES = [r for r in every_route() if not r.route.startswith("admin/")]
ADMIN = [r for r in every_route() if r.route.startswith("admin/")]
EVERYONE = (*MEMBERS, *VISITORS)
# In a path: each kind of hostile value, percent-encoded as a browser sends it.
IN_PATH: dict[str, Value] = {
    **SAMPLE,
    "negative": "-1",
    "week 0": "2026-W00",
    "far week": "99999-W01",
    "long": "a" * 3000,
}
METHODS = ("put", "patch", "delete", "options", "trace")
# URLs no page shows a form for, each for a reason; each is still sent every value in every
# field name Hearth's forms use.
NO_FORM = {
    "account_confirm_login_code": "signing in by emailed code is off",
    "account_set_password": "every Hearth account has a password",
    "mfa_authenticate": "reached only in the middle of signing in with two-factor on",
    "mfa_reauthenticate": "reached only when two-factor is on",
    "mfa_deactivate_totp": "shown only when two-factor is on",
    "mfa_download_recovery_codes": "shown only when two-factor is on",
    "push_subscribe": "the page's script posts the browser's push subscription as JSON",
}
_markers = count()


def in_turn(route: Route) -> Callable[[int], str]:
    """Who sends the i-th value of a sample to `route`: each kind of person in turn, starting
    with a different one for each URL."""
    start = zlib.crc32(route.route.encode())
    return lambda i: EVERYONE[(start + i) % len(EVERYONE)]


def values_for(field: Field) -> dict[str, Value]:
    """A box a person types into gets markup, bytes and sizes and text in every script; a field
    whose value the page chose (hidden, select, number, date...) gets numbers, dates, zones and
    links too, and so does a box whose name says it holds one of those."""
    if field.kind in FREE_TEXT and not re.search(r"zone|date|time|_at|_on|next|url", field.name):
        return FREE_TEXT_VALUES
    return CHOSEN_VALUES


def replaced(base: list[tuple[str, Value]], name: str, value: Value) -> list[tuple[str, Value]]:
    return [(n, v) for n, v in base if n != name] + [(name, value)]


def post(client: Client, path: str, pairs: list[tuple[str, Value]], **extra: Any) -> Any:
    return client.post(path, encode(pairs), content_type=FORM_BODY, **extra)


def attack_field(
    people: People, who: str, form: Form, field: Field, page: str, findings: Findings
) -> None:
    base: list[tuple[str, Value]] = list(form.baseline())
    for name, value in values_for(field).items():
        client = people.browser(who)
        label = f"{who} POST {form.path} {field.name}={name}"
        if name in TYPED:
            assert isinstance(value, str)  # typed text, never bytes
            marker = f"typed{next(_markers)}x"
            typed = f"{marker} {value}"
            response = post(client, form.path, replaced(base, field.name, typed))
            findings.check(label, response)
            check_round_trip(client, response, page, label, marker, typed, findings)
        else:
            findings.check(label, post(client, form.path, replaced(base, field.name, value)))


def check_round_trip(
    client: Client, response: Any, page: str, label: str, marker: str, typed: str, f: Findings
) -> None:
    """Accepted words are stored exactly as typed and shown escaped once wherever they show."""
    if response.status_code not in (200, 302):
        return
    for stored in stored_values(marker):
        if typed not in stored:
            f.mangled.append(f"{label}: stored as {stored[:200]!r}")
    bodies = [response.getvalue().decode()] if response.status_code == 200 else []
    if response.status_code == 302 and response["Location"].startswith("/"):
        bodies.append(client.get(response["Location"]).content.decode())
    bodies.append(client.get(page).content.decode())
    for body in bodies:
        f.check_exact(label, marker, typed, body)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route)
def test_every_form_field_refuses_hostile_values_with_a_message(
    route: Route, site_map: SiteMap, record_property: Callable[..., None]
) -> None:
    findings = Findings()
    state, who, ref = site_map.forms.get(route.name, ("calm", "alice", ""))
    people = build(state)
    page = page_path(people, ref) if ref != "" else ""
    forms = forms_for(people, who, page, route.name) if page else []
    assert forms or not page, f"the form to {route.name} is no longer on {page}"
    turn = in_turn(route)
    if not forms:
        # No page shows a form for it: every field name Hearth uses, every value, at once.
        path = people.path(route)
        for i, (name, value) in enumerate(CHOSEN_VALUES.items()):
            sender = turn(i)
            pairs = [(n, value) for n in sorted(site_map.field_names)]
            response = post(people.browser(sender), path, pairs)
            findings.check(f"{sender} POST {path} every field={name}", response)
    for form in forms:
        for field in form.fields:
            attack_field(people, who, form, field, page, findings)
        for i, (name, value) in enumerate(SAMPLE.items()):
            sender = turn(i)
            pairs = [(f.name, value) for f in form.fields if f.kind != "submit"]
            response = post(people.browser(sender), form.path, pairs)
            findings.check(f"{sender} POST {form.path} every field={name}", response)
        strict = people.client(who, enforce_csrf_checks=True)
        refused = post(strict, form.path, list(form.baseline()))
        findings.check(f"{who} POST {form.path} without its CSRF token", refused)
        if not getattr(route.view, "csrf_exempt", False):
            assert refused.status_code == 403, form.path
            assert "Please try that again" in refusal_message(refused.content.decode())
    findings.assert_clean(record_property)


def path_params(route: Route) -> list[str]:
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route.route)]


def hostile_path(route: Route, real: str, param: str, value: Value) -> str:
    """`real` (a path of `route`) with the part `param` names replaced by `value`."""
    raw = value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")
    pattern = route.route.replace("^", "").replace("$", "")
    # Regular-expression groups first: their `<name>` would otherwise look like a converter's.
    pattern = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"(?P<\1>[^/]+?)", pattern)
    pattern = re.sub(r"(?<!\?P)<(?:\w+:)?(\w+)>", r"(?P<\1>[^/]+?)", pattern)
    match = re.fullmatch("/" + pattern, real)
    assert match, (route.route, real)
    start, end = match.span(param)
    return real[:start] + quote_from_bytes(raw, safe="") + real[end:]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route)
def test_every_url_and_query_parameter_refuses_hostile_values_with_a_message(
    route: Route, site_map: SiteMap, record_property: Callable[..., None]
) -> None:
    findings = Findings()
    people = build("calm")
    path = people.path(route)
    every = sorted(site_map.query_names())
    turn = in_turn(route)
    for name in sorted(site_map.queries.get(route.name, set())):
        for value_name, value in CHOSEN_VALUES.items():
            target = f"{path}?{encode([(name, value)])}"
            response = people.browser("alice").get(target)
            findings.check(f"alice GET {path}?{name}={value_name}", response)
    for i, (value_name, value) in enumerate(CHOSEN_VALUES.items()):
        # Half of them as htmx asks, for the views that answer it with a piece of a page.
        htmx = {"HX-Request": "true"} if i % 2 else {}
        sender = turn(i)
        target = f"{path}?{encode([(n, value) for n in every])}"
        response = people.browser(sender).get(target, headers=htmx)
        findings.check(f"{sender} GET {path}?every parameter={value_name}", response)
    for param in path_params(route):
        for i, (value_name, value) in enumerate(IN_PATH.items()):
            sender = turn(i)
            target = hostile_path(route, path, param, value)
            for method in ("get", "post"):
                response = getattr(people.browser(sender), method)(target)
                findings.check(
                    f"{sender} {method.upper()} {route.route} {param}={value_name}", response
                )
    for i, method in enumerate(METHODS):
        sender = turn(i)
        response = getattr(people.browser(sender), method)(path)
        findings.check(f"{sender} {method.upper()} {path}", response)
    findings.assert_clean(record_property)


def test_the_admin_refuses_hostile_values_with_a_message(
    site_map: SiteMap, record_property: Callable[..., None]
) -> None:
    findings = Findings()
    people = build("calm")
    clients = {who: people.client(who) for who in ("anonymous", "alice")}
    for i, route in enumerate(ADMIN):
        path = people.path(route)
        for j, (value_name, value) in enumerate(SAMPLE.items()):
            who = ("anonymous", "alice")[(i + j) % 2]
            target = f"{path}?{encode([('next', value), ('q', value), ('o', value)])}"
            findings.check(f"{who} GET {path}?next={value_name}", clients[who].get(target))
        response = post(clients["anonymous"], path, [("next", "//evil.example/")])
        findings.check(f"anonymous POST {path}", response)
    findings.assert_clean(record_property)


def test_every_url_that_takes_a_post_has_a_form_the_suite_found(site_map: SiteMap) -> None:
    missing = sorted(site_map.accepts_post - set(site_map.forms) - set(NO_FORM))
    assert not missing, ", ".join(missing)
    found_after_all = sorted(set(NO_FORM) & set(site_map.forms))
    assert not found_after_all, f"remove from NO_FORM: {', '.join(found_after_all)}"


def test_the_crawl_finds_the_query_parameters_of_paged_and_searched_pages(
    site_map: SiteMap,
) -> None:
    # Every parameter found is sent every value alone (above): the history's page number and
    # search among them, which its own links and form name.
    assert {"page", "q"} <= site_map.queries["checkins"]
