"""One-click unsubscribe (RFC 8058) for every email a person can stop from the email itself: one
signed link, one view (`core.views.unsubscribe`) and one page (templates/core/unsubscribe.html).

An app describes what its links stop with an `Unsubscribe` and routes its link's path to the
view with it, e.g. `path("schedule/unsubscribe/<str:token>/", unsubscribe, {"what": REMINDERS},
name="unsubscribe")`; the email carries `what.url(...)` through `core.emails.one_click_unsubscribe`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

Key = tuple[int, ...]


@dataclass(frozen=True)
class Unsubscribe:
    """What one kind of unsubscribe link stops, for the person and thing its signed key names."""

    # Which words the page uses ("reminder", "notice").
    name: str
    # Signs the links. Never changed: links in emails already sent carry it.
    salt: str
    url_name: str
    # What the page says about the key, or None when what it names no longer exists.
    describe: Callable[[Key], dict[str, object] | None]
    is_off: Callable[[Key], bool]
    # Turns it off; False when it was already off.
    turn_off: Callable[[Key], bool]

    def token(self, *key: int) -> str:
        return signing.dumps(list(key), salt=self.salt, compress=False)

    def url(self, *key: int) -> str:
        return settings.SITE_URL + reverse(self.url_name, args=[self.token(*key)])

    def read(self, token: str) -> Key | None:
        """The key a link signed, or None for a damaged or forged link."""
        try:
            return tuple(int(part) for part in signing.loads(token, salt=self.salt))
        except (signing.BadSignature, ValueError, TypeError):
            return None
