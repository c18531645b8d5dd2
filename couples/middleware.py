from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SESSION_TIME_ZONE = "time_zone"


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
