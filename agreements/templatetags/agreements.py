"""The limits of agreements and pauses in words for pages and emails."""

from __future__ import annotations

from django import template

from agreements.limits import (
    DECLINE_COOLDOWN,
    PAUSE_MAX,
    PAUSE_MIN,
    PROPOSAL_LIFETIME,
    in_words,
)

register = template.Library()


LIMITS = {
    "proposal_lifetime": PROPOSAL_LIFETIME,
    "decline_cooldown": DECLINE_COOLDOWN,
    "pause_min": PAUSE_MIN,
    "pause_max": PAUSE_MAX,
}


@register.simple_tag
def limit(name: str) -> str:
    """`{% limit "pause_max" %}` is PAUSE_MAX in words: a page names a limit without restating
    it."""
    return in_words(LIMITS[name])
