"""The one error every service raises when the rules refuse a request."""

from __future__ import annotations


class RefusedError(Exception):
    """A request the rules refuse; the message is shown to the person as it is."""
