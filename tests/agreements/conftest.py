from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from agreements.limits import PROPOSAL_LIFETIME
from agreements.models import Agreement, AgreementVersion, Category
from couples.models import Couple, User


def agreed(
    couple: Couple,
    proposer: User,
    accepter: User,
    *,
    versions: int = 1,
    title: str = "Phones at dinner",
    category: str = Category.DIGITAL,
    revisit_by: object = None,
) -> Agreement:
    """An agreement with `versions` accepted versions, written straight to the database (the
    services are tested on their own); version n reads "Version n: ..."."""
    agreement = Agreement.objects.create(couple=couple, title=title, category=category)
    start = timezone.now() - timedelta(days=versions)
    for n in range(1, versions + 1):
        at = start + timedelta(hours=n)
        version = AgreementVersion.objects.create(
            agreement=agreement,
            text=f"Version {n}: our phones stay in the drawer during dinner.",
            base_version=n - 1,
            number=n,
            status=AgreementVersion.Status.ACCEPTED,
            proposed_by=proposer,
            responded_by=accepter,
            created_at=at,
            expires_at=at + PROPOSAL_LIFETIME,
            responded_at=at,
            revisit_by=revisit_by,
            **(
                {"pause_minutes": 30, "signal_phrases": "I need a pause", "return_phrase": "Back"}
                if category == Category.PAUSE
                else {}
            ),
        )
    agreement.current, agreement.version = version, versions
    agreement.status, agreement.revisit_by = Agreement.Status.ACTIVE, revisit_by
    agreement.save()
    return agreement


@pytest.fixture
def phones(couple: Couple, alice: User, bob: User) -> Agreement:
    """Alice proposed it and Bob accepted it: version 1 is in force."""
    return agreed(couple, alice, bob)
