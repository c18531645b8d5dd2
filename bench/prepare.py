"""Signed-in members for the load benchmark (bench/load.py), prepared in the database directly.

Run by `make bench` with the benchmark's environment (DJANGO_SETTINGS_MODULE=bench.settings and
the same SECRET_KEY as the servers, since a session carries a hash of the password keyed with
it). For members of distinct seeded couples it writes a session as a sign-in would (the session
row and allauth's list of sessions), so no load passes through the sign-in form and its rate
limits. It opens this week's check-in where the week has just begun, then writes a JSON plan:
each member's cookie and the address of every measured endpoint for them (their week, their
agreement, the pause stamp their pages were given), and per endpoint the queries one request
makes and the size of its answer, measured here in one process with Django's test client.

    python bench/prepare.py --members 100 --out var/bench/plan.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from allauth.usersessions.models import UserSession  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from agreements.banner import stamp_for_user  # noqa: E402
from agreements.models import Agreement  # noqa: E402
from checkins import services as checkin_services  # noqa: E402
from checkins.models import CheckIn, current_week, week_label  # noqa: E402
from couples.models import Membership  # noqa: E402

AGENT = "Hearth load benchmark"
HTMX = {"HX-Request": "true"}

# What is measured: name, what the table calls it, kind (targets differ), the answer expected.
ENDPOINTS = [
    ("bare", "bare logged-in view", "bare", 200),
    ("home", "home", "page", 200),
    ("checkin", "this week's check-in", "page", 200),
    ("history", "check-in history", "page", 200),
    ("agreements", "agreements list", "page", 200),
    ("agreement", "agreement detail", "page", 200),
    ("pause", "pause page", "page", 200),
    ("schedule", "schedule", "page", 200),
    ("toolkit", "toolkit", "page", 200),
    ("status", "check-in status poll, unchanged", "poll", 204),
    ("banner", "pause banner poll, unchanged", "poll", 204),
]


def sign_in(membership: Membership) -> str:
    """A session like the one signing in through allauth leaves, and its cookie header."""
    user = membership.user
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    UserSession.objects.create(
        user=user, session_key=session.session_key, ip="127.0.0.1", user_agent=AGENT
    )
    # A browser also sends the CSRF cookie it was given, so pages with forms set no new one.
    csrf = secrets.token_hex(16)
    return (
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    )


def paths_for(membership: Membership) -> dict[str, str]:
    couple = membership.couple
    monday = current_week(couple)
    # The first visit of a week creates it; do it now, so no measured request writes.
    checkin_services.open_week(membership=membership, monday=monday)
    week = week_label(monday)
    poll = CheckIn.objects.poll(user_id=membership.user_id, week_start=monday)
    if poll is None or poll.revealed:
        sys.exit(f"Couple {couple.pk}: this week should be open, as seed_scale leaves it.")
    agreement = (
        Agreement.objects.filter(couple=couple)
        .annotate(n=Count("versions"))
        .order_by("-n", "pk")
        .first()
    )
    if agreement is None:
        sys.exit(f"Couple {couple.pk} has no agreements: seed the database with seed_scale.")
    return {
        "bare": "/bench/bare/",
        "home": "/",
        "checkin": f"/checkins/{week}/",
        "history": "/checkins/",
        "agreements": "/agreements/",
        "agreement": f"/agreements/{agreement.pk}/",
        "pause": "/pause/",
        "schedule": "/schedule/",
        "toolkit": "/toolkit/",
        "status": f"/checkins/{week}/status/?own={poll.own.value}&partner={poll.partner.value}",
        "banner": f"/pause/banner/?v={stamp_for_user(membership.user_id)}",
    }


def measure(member: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Queries and bytes of one request to each endpoint, after a first one (which may fill
    per-process caches), with the member's own cookie."""
    client = Client(headers={"Cookie": str(member["cookie"])})
    paths = member["paths"]
    found = {}
    for name, _label, kind, expect in ENDPOINTS:
        headers = HTMX if kind == "poll" else {}
        client.get(paths[name], headers=headers)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(paths[name], headers=headers)
        if response.status_code != expect:
            sys.exit(f"{paths[name]} answered {response.status_code}, not {expect}.")
        found[name] = {"queries": len(queries), "bytes": len(response.content)}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    # Sessions from earlier runs go; each run signs in afresh.
    earlier = UserSession.objects.filter(user_agent=AGENT)
    Session.objects.filter(session_key__in=earlier.values("session_key")).delete()
    earlier.delete()

    couples = list(
        Membership.objects.values_list("couple_id", flat=True).distinct().order_by("couple_id")
    )
    if not couples:
        sys.exit("No couples in this database: seed it with `manage.py seed_scale` first.")
    chosen = random.Random(13).sample(couples, min(args.members, len(couples)))
    members = []
    for i, couple_id in enumerate(chosen):
        pair = list(
            Membership.objects.filter(couple_id=couple_id)
            .select_related("couple", "user")
            .order_by("joined_at", "pk")
        )
        membership = pair[i % len(pair)]
        members.append({"cookie": sign_in(membership), "paths": paths_for(membership)})
    measured = measure(members[0])
    for member in members[1:3]:
        measure(member)  # every endpoint answers as expected for more than one member
    plan = {
        "couples": len(couples),
        "members": members,
        "endpoints": [
            {"name": name, "label": label, "kind": kind, "expect": expect, **measured[name]}
            for name, label, kind, expect in ENDPOINTS
        ],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(plan, indent=1))
    print(f"{len(members)} members of {len(couples)} couples signed in; plan in {args.out}")


if __name__ == "__main__":
    main()
