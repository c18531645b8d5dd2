"""End to end on the configured broker: a proposal committed in one transaction reaches the
partner who asked for the email, through a real Celery worker, once."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from notices.models import NoticeEmail
from tests.factories import UserFactory, pair
from tests.support.notices import SUBJECT, notice_emails, opt_in, propose
from tests.support.worker import wait_for_mail


def wait_until_sent(seconds: float = 30) -> None:
    """The worker marks the email sent just after it reaches the outbox."""
    deadline = time.monotonic() + seconds
    while not NoticeEmail.objects.filter(sent_at__isnull=False).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_tells_the_partner_once_the_proposal_is_committed(
    real_worker: None,
) -> None:
    alice = UserFactory.create(email="alice@example.com")
    bob = UserFactory.create(email="bob@example.com")
    couple = pair(alice, bob)
    opt_in(bob)

    propose(couple, alice)

    # The notice alone: Bob hears of agreements inside Hearth, so this email tells of it.
    wait_for_mail(1)
    [email] = notice_emails()
    assert email.to == [bob.email]
    assert email.subject == SUBJECT
    assert len(mail.outbox) == 1
    wait_until_sent()
    assert NoticeEmail.objects.filter(sent_at__isnull=False).count() == 1
