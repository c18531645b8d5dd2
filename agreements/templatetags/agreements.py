"""Agreements shown on pages that other apps own (the couple home card and /settings/), and
the limits of agreements and pauses in words for pages and emails."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils import timezone

from agreements.limits import (
    DECLINE_COOLDOWN,
    PAUSE_MAX,
    PAUSE_MIN,
    PROPOSAL_LIFETIME,
    in_words,
)
from agreements.models import (
    REVISIT_ORDER,
    Agreement,
    AgreementVersion,
    EmailPreference,
    due_for_revisit,
)
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
    # As an Exists of `Agreement.objects.due_for_revisit` the query took twice as long to build
    # as the two it replaces; its rule serves as a condition instead.
    due = due_for_revisit(today)
    shown = list(
        Agreement.objects.for_couple(couple)
        .annotate(
            is_due=ExpressionWrapper(due, output_field=BooleanField()),
            awaiting_until=Subquery(awaiting),
        )
        .filter(due | Q(awaiting_until__isnull=False))
        .only("title", "revisit_by")
        .order_by(*REVISIT_ORDER)
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
