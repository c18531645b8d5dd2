from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from tests.support.hostile.site_map import SiteMap, discover
from tests.support.hostile.world import STATES, build


@pytest.fixture(scope="session")
def site_map(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> SiteMap:
    """Opens every page as each member, in each state of the couple, and notes what it finds.
    Everything it writes is rolled back."""
    found = SiteMap()
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():  # type: ignore[attr-defined]
        for state, where in STATES.items():
            with transaction.atomic():
                discover(found, build(state), state, where)
                transaction.set_rollback(True)
        transaction.set_rollback(True)
    return found
