"""The installable app as the browser reads it: the manifest and its icons, the service worker
served from the root, and the offline page. tests/e2e/test_pwa.py installs it in Chromium."""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from config import pwa
from couples.models import User
from tests.support.pages import Response


def png_size(path: str) -> tuple[int, int]:
    header = Path(path).read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def static_file(url: str) -> str:
    found = finders.find(url.removeprefix(settings.STATIC_URL))
    assert isinstance(found, str), url
    return found


def test_the_manifest_describes_a_standalone_app_starting_at_home(client: Client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.headers["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Hearth"
    assert manifest["short_name"] == "Hearth"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"


def test_the_manifest_takes_its_colours_from_the_stylesheet(client: Client) -> None:
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    css = Path(static_file(pwa.STYLESHEET)).read_text()
    assert f"--primary: {manifest['theme_color']};" in css
    assert f"--bg: {manifest['background_color']};" in css
    assert manifest["theme_color"] == "#a2462a"
    assert manifest["background_color"] == "#fbf7f2"


def test_every_icon_in_the_manifest_exists_at_its_stated_size(client: Client) -> None:
    icons = json.loads(client.get("/manifest.webmanifest").content)["icons"]
    purposes = {(icon["sizes"], icon["purpose"]) for icon in icons}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    for icon in icons:
        width, height = png_size(static_file(icon["src"]))
        assert icon["sizes"] == f"{width}x{height}"
        assert icon["type"] == "image/png"


def test_pages_link_the_manifest_and_a_touch_icon_of_180_pixels(client: Client) -> None:
    page = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', page)
    assert touch is not None
    assert png_size(static_file(touch.group(1))) == (180, 180)


def test_the_service_worker_is_served_from_the_root_as_javascript(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "no-cache" in response.headers["Cache-Control"]
    # Its scope is where it is served from: the root covers every page.
    assert response.request["PATH_INFO"] == "/sw.js"
    assert "eval(" not in response.content.decode()


def test_the_page_script_registers_the_worker_for_the_whole_site(client: Client) -> None:
    page = client.get("/").content.decode()
    tag = re.search(r"<script src=\"([^\"]+register-service-worker\.js)\"[^>]*>", page)
    assert tag is not None
    assert 'nonce="' in tag.group(0)
    assert 'data-service-worker="/sw.js"' in tag.group(0)
    script = Path(static_file(tag.group(1))).read_text()
    assert 'register(url, { scope: "/" })' in script


def precached(client: Client) -> list[str]:
    body = client.get("/sw.js").content.decode()
    match = re.search(r"const ASSETS = (\[.*?\]);", body)
    offline = re.search(r"const OFFLINE_URL = (\S+);", body)
    assert match is not None
    assert offline is not None
    return [
        *json.loads(match.group(1)),
        json.loads(offline.group(1)),
    ]


def test_the_worker_keeps_only_static_files_and_the_offline_page(client: Client) -> None:
    kept = precached(client)
    assert "/offline/" in kept
    assert all(url.startswith("/static/") for url in kept if url != "/offline/")
    for url in kept:
        if url != "/offline/":
            static_file(url)


def test_the_worker_never_stores_what_it_fetches_from_the_network(client: Client) -> None:
    body = client.get("/sw.js").content.decode()
    # The only writes to the cache are at install, from the fixed list above.
    assert body.count("cache.add") == 1
    assert ".put(" not in body


def test_the_offline_page_says_what_needs_a_connection_and_names_nobody(
    alice: User, words: Callable[[Response | str], str]
) -> None:
    client = Client()
    client.force_login(alice)
    response = client.get("/offline/")
    assert response.status_code == 200
    text = words(response)
    assert "No connection right now" in text
    assert "Hearth needs a connection for everything in it" in text
    assert "Alice" not in text
    assert "Sign out" not in text


@pytest.mark.parametrize("path", ["/manifest.webmanifest", "/sw.js", "/offline/"])
def test_the_app_files_need_no_sign_in_and_no_database(
    path: str, client: Client, db: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200
