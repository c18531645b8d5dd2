"""The links every page's header and menu carry. They are the same on every page (they depend on
the URLconf alone), so they are reversed once per process and script prefix; a page only marks
which section it is in. Reversing them in base.html cost about a millisecond a page."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

LINKS = (
    "home",
    "checkin_this_week",
    "agreements",
    "pause",
    "pause_banner",
    "schedule",
    "toolkit",
    "couple",
    "settings",
    "account_login",
    "account_signup",
    "account_logout",
    "manifest",
    "service_worker",
)

# A section and the URL names that belong to it, by prefix, as the menu marks them.
SECTIONS = (
    ("checkin", "checkin"),
    ("agreements", "agreement"),
    ("schedule", "schedule"),
    ("toolkit", "toolkit"),
)
EXACT = frozenset({"home", "pause", "couple", "settings"})


@cache
def _links(script_prefix: str) -> dict[str, str]:
    return {name: reverse(name) for name in LINKS}


def section(url_name: str) -> str:
    """The menu section a page belongs to, or "" for none."""
    if url_name in EXACT:
        return url_name
    return next((key for key, prefix in SECTIONS if url_name.startswith(prefix)), "")


def nav(request: HttpRequest) -> dict[str, object]:
    match = request.resolver_match
    return {
        "links": _links(get_script_prefix()),
        "current_section": section(match.url_name or "") if match else "",
    }
