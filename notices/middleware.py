"""Two things notices does around pages it does not own: the question of how a person wants to
hear from their partner is put to them once, on their way home; and looking at check-ins,
agreements or repairs clears what was new to them there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from couples.access import member_couple, member_membership
from notices import services
from notices.models import Unread

# Kept in the session, so the home page asks the database once per sign-in at most.
SESSION_ASKED = "notifications_asked"

# The pages where a reader looks at what is new in an area.
AREA_PAGES = {
    "checkin_week": Unread.Area.CHECKINS,
    "agreements": Unread.Area.AGREEMENTS,
    "agreement": Unread.Area.AGREEMENTS,
    "toolkit_repairs": Unread.Area.REPAIRS,
    "toolkit_repair": Unread.Area.REPAIRS,
}


def remember_asked(request: HttpRequest, asked: bool) -> None:
    request.session[SESSION_ASKED] = asked


def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    remember_asked(request, services.was_asked(user))


class AskOnceMiddleware:
    """Send a member who was never asked how they want to hear from their partner to the
    question, once, when they come to the home page. Answering it or deciding later both count
    as asked; nothing is switched on until they choose it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if (
            request.method != "GET"
            or getattr(request, "htmx", False)
            or match is None
            or match.url_name != "home"
            or not request.user.is_authenticated
            or request.session.get(SESSION_ASKED) is True
            or member_couple(request) is None
        ):
            return None
        asked = services.was_asked(request.user.pk)
        remember_asked(request, asked)
        return None if asked else redirect("notifications_ask")


class SeenMiddleware:
    """A reader who opens a page of an area sees what was new to them there, so it is not new
    any more. Cleared before the view, so the page's own rendering writes nothing. Only their
    own markers change: nothing is recorded that anyone else could see."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        match = request.resolver_match
        if (
            request.method == "GET"
            and not getattr(request, "htmx", False)
            and match is not None
            and match.url_name in AREA_PAGES
            and request.user.is_authenticated
        ):
            # The membership row every page loads says whether anything is new here: clearing
            # costs a query only when something was.
            membership = member_membership(request)
            area = AREA_PAGES[match.url_name]
            if membership is not None and vars(membership).get(f"unread_{area}"):
                services.seen(reader=request.user.pk, area=area)
                setattr(membership, f"unread_{area}", 0)
