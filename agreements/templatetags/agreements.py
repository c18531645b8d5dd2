"""Agreements shown on pages that other apps own (the couple home card and /settings/), and
the limits of agreements and pauses in words for pages and emails."""

from __future__ import annotations

from typing import Any

from django import template

from agreements import selectors
from agreements.limits import (
    DECLINE_COOLDOWN,
    PAUSE_MAX,
    PAUSE_MIN,
    PROPOSAL_LIFETIME,
    in_words,
)
from couples.access import member_couple

register = template.Library()


@register.inclusion_tag("agreements/home_card.html", takes_context=True)
def agreements_home_card(context: template.Context) -> dict[str, Any]:
    """Agreements due for a revisit and proposals waiting for the viewer
    (`agreements.selectors.home_card`)."""
    request = context["request"]
    couple = member_couple(request)
    if couple is None:
        return {}
    card = selectors.home_card(couple=couple, user=request.user)
    return {"due": card.due, "awaiting": card.awaiting}


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
