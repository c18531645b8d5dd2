"""Push to a person's devices. A stand-in with the interface the push channel is built on; the
Web Push sender replaces it."""

from __future__ import annotations

from datetime import datetime


def queue(
    user_id: int, *, kind: str, title: str, body: str, url: str, not_before: datetime | None
) -> None:
    """Queue one push message for `user_id`'s devices, not before `not_before`."""
