"""Render the app icons (static/icons/*.png) from the one drawing in static/favicon.svg, with
Chromium through Playwright: `make icons`. The PNGs are committed; run this after changing the
drawing or the stylesheet's background colour."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from playwright.sync_api import sync_playwright

from config.pwa import APPLE_TOUCH_ICON, ICONS, colours

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
# How much of the icon the drawing fills. A maskable icon keeps it inside the central circle
# every platform's mask leaves whole (80% of the side); a plain icon sits on a rounded tile.
FILL = {"any": 0.72, "maskable": 0.56, "apple": 0.7}


def page_html(svg: str, size: int, purpose: str, background: str) -> str:
    drawing = f"data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}"
    inner = round(size * FILL[purpose])
    radius = round(size * 0.22) if purpose == "any" else 0
    return f"""<!doctype html><html><body style="margin:0;background:transparent">
<div style="width:{size}px;height:{size}px;display:grid;place-items:center;
background:{background};border-radius:{radius}px">
<img src="{drawing}" width="{inner}" height="{inner}" alt=""></div></body></html>"""


class Command(BaseCommand):
    help = "Render the app icons in static/icons/ from static/favicon.svg."

    def handle(self, *args: Any, **options: Any) -> None:
        static_dir = Path(settings.BASE_DIR) / "static"
        svg = (static_dir / "favicon.svg").read_text()
        background = colours()["background_color"]
        wanted = [*ICONS, (*APPLE_TOUCH_ICON, "apple")]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, size, purpose in wanted:
                page = browser.new_page(viewport={"width": size, "height": size})
                page.set_content(page_html(svg, size, purpose, background))
                target = static_dir / name
                target.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(target), omit_background=True)
                page.close()
                self.stdout.write(f"{name} ({size}x{size}, {purpose})")
            browser.close()
