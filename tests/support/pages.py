"""What a page says: the words a reader sees, or its markup when a test looks at attributes."""

from __future__ import annotations

import html
import re

from django.http import HttpResponse

# The home page: session, user, couple with both partners, values, agreements due a revisit or
# awaiting the viewer, schedules, the pause banner. Tests that grow one kind of data assert
# it stays at this.
HOME_QUERIES = 7


def visible_words(page: HttpResponse | str) -> str:
    """What a reader sees of a page, or of a piece of one: its text without tags, with entities
    decoded and whitespace collapsed, so assertions match what is on screen."""
    body = page if isinstance(page, str) else page.content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def markup(page: HttpResponse | str) -> str:
    """The page's HTML with entities decoded and whitespace collapsed, for assertions about
    markup (an attribute, a link, an id) next to the words around it."""
    body = page if isinstance(page, str) else page.content.decode()
    return html.unescape(" ".join(body.split()))


def main_content(response: HttpResponse) -> str:
    """A page's <main>, without the per-request CSP nonce and CSRF token around it."""
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
