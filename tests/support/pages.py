"""What a page says: the words a reader sees, or its markup when a test looks at attributes."""

from __future__ import annotations

import html
import re
from typing import Protocol

from django.http.response import ResponseHeaders

# The home page: session, user, couple with both partners, this week's facts for the reader,
# repair follow-ups due, values, agreements awaiting the viewer, schedules, the pause banner
# (two more than before the home named the week's next step). Tests that grow one kind of data
# assert it stays at this.
HOME_QUERIES = 9


class Response(Protocol):
    """An answer as the tests read it: what the test client returns (django-stubs types it
    apart from HttpResponse, as a private class) and an HttpResponse alike."""

    status_code: int
    headers: ResponseHeaders

    @property
    def content(self) -> bytes: ...

    def __getitem__(self, header: str) -> str: ...


def visible_words(page: Response | str) -> str:
    """What a reader sees of a page, or of a piece of one: its text without tags, with entities
    decoded and whitespace collapsed, so assertions match what is on screen."""
    body = page if isinstance(page, str) else page.content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def markup(page: Response | str) -> str:
    """The page's HTML with entities decoded and whitespace collapsed, for assertions about
    markup (an attribute, a link, an id) next to the words around it."""
    body = page if isinstance(page, str) else page.content.decode()
    return html.unescape(" ".join(body.split()))


def main_content(response: Response) -> str:
    """A page's <main>, without the per-request CSP nonce and CSRF token around it."""
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
