from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from couples.access import member_membership
from couples.services import take_partner_left_notice

SESSION_TIME_ZONE = "time_zone"

PARTNER_LEFT = _(
    "Your partner has left the space. What the two of you shared stays here, shown as written by"
    " a former partner, and everything you wrote is unchanged."
)


def remember_time_zone(request: HttpRequest, time_zone: str) -> None:
    request.session[SESSION_TIME_ZONE] = time_zone


def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    remember_time_zone(request, user.time_zone)


class TimeZoneMiddleware:
    """Show every date and time in the signed-in person's own zone. The zone is kept in the
    session at login, so pages that never load the user (the polled endpoints) pay nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = request.session.get(SESSION_TIME_ZONE)
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        return self.get_response(request)


class PartnerLeftNoticeMiddleware:
    """Tell the partner who stays, once, that the other left (`take_partner_left_notice`).

    The notice is claimed here, before the view, and handed to Django's messages: a page render
    only reads, and a message waits through a redirect for the next page that shows messages,
    so the person sees it exactly once however the next page is reached. The claim stays a
    conditional UPDATE, so two pages opened at once still show it once. (Letting the person
    dismiss it instead would keep it on every page until they do, which the product does not
    want.) Only a GET for a page asks: htmx requests (the polls, the fragments) show no
    messages, and a form's POST is followed by the page it leads to. A page loads the membership
    anyway for its menu, and it is cached on the request, so a page without a notice pays
    nothing more; a signed-in GET that is no page (the manifest, a download) pays that one
    query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_page = request.method == "GET" and not getattr(request, "htmx", False)
        if is_page and request.user.is_authenticated:
            membership = member_membership(request)
            if membership is not None and take_partner_left_notice(membership):
                messages.info(request, PARTNER_LEFT)
        return self.get_response(request)
