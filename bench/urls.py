"""Hearth's URLs plus `/bench/bare/`: a signed-in view that answers "ok" behind the same
middleware (session, user, CSRF, htmx, time zone…) and does nothing else. It is the benchmark's
yardstick for what Django itself costs per request on this machine, and lives only here: the
production URLconf (config/urls.py) never serves it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("config.urls")),
]
