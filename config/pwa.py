"""The installable app: the web app manifest, the service worker and the page it shows when
there is no connection. The worker keeps only static files and that page; every other request,
above all every private page, goes to the network and is never stored on the device."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# The stylesheet whose light scheme gives the app's colours outside the page.
STYLESHEET = "css/hearth.css"
# (file, sizes, purpose), rendered from static/favicon.svg by `manage.py render_icons`.
ICONS = (
    ("icons/icon-192.png", 192, "any"),
    ("icons/icon-512.png", 512, "any"),
    ("icons/maskable-192.png", 192, "maskable"),
    ("icons/maskable-512.png", 512, "maskable"),
)
APPLE_TOUCH_ICON = ("icons/apple-touch-icon.png", 180)
# What every page may load; the worker keeps them so pages open fast and the offline page has
# its styles. The calendar print stylesheet and the pause page's script are among them.
ASSETS = (
    STYLESHEET,
    "css/toolkit-print.css",
    "js/hearth.js",
    "js/pause.js",
    "js/register-service-worker.js",
    "django_htmx/htmx-2.min.js",
    "favicon.svg",
    APPLE_TOUCH_ICON[0],
    *(icon for icon, _size, _purpose in ICONS),
)


def _variable(css: str, name: str) -> str:
    """The first colour `name` is set to: the stylesheet sets the light scheme's value first."""
    match = re.search(rf"{re.escape(name)}:\s*(#[0-9a-fA-F]{{3,8}})\b", css)
    if match is None:
        raise ImproperlyConfigured(f"{STYLESHEET} sets no colour for {name}")
    return match.group(1)


@cache
def colours() -> dict[str, str]:
    """The theme colour (the primary buttons' background) and the page background."""
    path = finders.find(STYLESHEET)
    if not isinstance(path, str):
        raise ImproperlyConfigured(f"{STYLESHEET} is missing from the static files")
    css = Path(path).read_text()
    return {
        "theme_color": _variable(css, "--primary"),
        "background_color": _variable(css, "--bg"),
    }


@require_safe
@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    body = {
        "name": "Hearth",
        "short_name": "Hearth",
        "description": "A shared space for two partners between therapy sessions.",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        **colours(),
        "icons": [
            {
                "src": static(icon),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for icon, size, purpose in ICONS
        ],
    }
    return JsonResponse(body, content_type="application/manifest+json")


@require_safe
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so that it may answer for every page (its scope is "/")."""
    assets = [static(asset) for asset in ASSETS]
    offline_url = reverse("offline")
    # A new release names its files anew, so the worker installs a new cache and drops the old.
    version = hashlib.sha256(json.dumps([assets, offline_url]).encode()).hexdigest()[:12]
    ctx = {"assets": json.dumps(assets), "offline_url": json.dumps(offline_url), "version": version}
    return render(
        request, "pwa/service-worker.js", ctx, content_type="text/javascript; charset=utf-8"
    )


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """The page the worker shows when a page cannot be reached. It is the same for everyone and
    names nobody, since the worker keeps it on the device."""
    return render(request, "pwa/offline.html")
