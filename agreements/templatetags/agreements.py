"""Agreements shown on pages that other apps own (the couple home card and /settings/), and
the limits of agreements and pauses in words for pages and emails."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from agreements.limits import (
    DECLINE_COOLDOWN,
    PAUSE_MAX,
    PAUSE_MIN,
    PROPOSAL_LIFETIME,
    in_words,
)
from agreements.models import Agreement, AgreementVersion, EmailPreference
from couples.access import member_couple

register = template.Library()


@register.inclusion_tag("agreements/home_card.html", takes_context=True)
def agreements_home_card(context: template.Context) -> dict[str, Any]:
    """Agreements due for a revisit and proposals waiting for the viewer, in one query: each
    agreement of the couple that is due or holds a proposal awaiting the viewer, with when that
    proposal expires (a database rule allows one open proposal per agreement)."""
    request = context["request"]
    couple = member_couple(request)
    if couple is None:
        return {}
    now = timezone.now()
    today = timezone.localdate(now, couple.tz)
    awaiting = (
        AgreementVersion.objects.filter(agreement=OuterRef("pk"))
        .open(now)
        .exclude(proposed_by=request.user)
        .order_by("expires_at")
        .values("expires_at")[:1]
    )
    due = Agreement.objects.due_for_revisit(couple, today).filter(pk=OuterRef("pk"))
    shown = list(
        Agreement.objects.for_couple(couple)
        .annotate(is_due=Exists(due), awaiting_until=Subquery(awaiting))
        .filter(Q(is_due=True) | Q(awaiting_until__isnull=False))
        .only("title", "revisit_by")
        # As `due_for_revisit` orders them.
        .order_by("revisit_by", "title")
    )
    return {
        "due": [agreement for agreement in shown if agreement.is_due],
        "awaiting": sorted(
            (agreement for agreement in shown if agreement.awaiting_until is not None),
            key=lambda agreement: agreement.awaiting_until,
        ),
    }


@register.simple_tag
def wants_agreement_emails(user: Any) -> bool:
    return EmailPreference.wants_email(user)


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
