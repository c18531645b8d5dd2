"""Reads of agreements for pages that other apps own (the couple home card and /settings/).
Template tags call these and build nothing themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils import timezone

from agreements.models import (
    REVISIT_ORDER,
    Agreement,
    AgreementVersion,
    due_for_revisit,
)
from couples.models import Couple, User


@dataclass(frozen=True)
class HomeCard:
    due: list[Agreement] = field(default_factory=list)
    awaiting: list[Agreement] = field(default_factory=list)


def home_card(*, couple: Couple, user: User, now: datetime | None = None) -> HomeCard:
    """Agreements due for a revisit and proposals waiting for `user`, in one query: each
    agreement of the couple that is due or holds a proposal awaiting them, with when that
    proposal expires (a database rule allows one open proposal per agreement)."""
    now = now or timezone.now()
    today = timezone.localdate(now, couple.tz)
    awaiting = (
        AgreementVersion.objects.filter(agreement=OuterRef("pk"))
        .open(now)
        .exclude(proposed_by=user)
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
    # Read as annotated above (`is_due` shadows the model method of that name on these rows).
    until = {agreement.pk: getattr(agreement, "awaiting_until") for agreement in shown}  # noqa: B009
    return HomeCard(
        due=[agreement for agreement in shown if getattr(agreement, "is_due")],  # noqa: B009
        awaiting=sorted(
            (agreement for agreement in shown if until[agreement.pk] is not None),
            key=lambda agreement: until[agreement.pk],
        ),
    )
