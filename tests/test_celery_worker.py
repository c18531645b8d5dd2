"""A real Celery worker on the configured broker (the filesystem broker locally, Redis in CI's
second run) picks up the invitation task and sends the email."""

from __future__ import annotations

import pytest
from django.core import mail

from couples import services
from tests.factories import UserFactory, pair
from tests.support.worker import wait_for_mail


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_invitation_email(real_worker: None) -> None:
    alice = UserFactory(display_name="Alice")
    couple = pair(alice)
    services.invite_partner(couple=couple, inviter=alice, email="bob@example.com")

    wait_for_mail(1)
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert "/join/" in mail.outbox[0].body
