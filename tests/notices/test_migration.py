"""A notice email written before notice emails went through the outbox (notices 0001), and not
sent yet, is sent once after the migration, with its stable Message-ID."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notices import tasks
from notices.models import NoticeEmail
from tests.factories import UserFactory, pair
from tests.support.migrations import migrated_back_to

BEFORE = [("notices", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_an_unsent_notice_email_from_before_the_outbox_is_sent_once_after_it() -> None:
    long_ago = timezone.now() - timedelta(minutes=30)
    with migrated_back_to(BEFORE) as executor:
        old = executor.loader.project_state(BEFORE).apps
        bob = UserFactory.create(email="bob@example.com", notifications=False)
        couple = pair(bob)
        old.get_model("notices", "NoticePreference").objects.create(user_id=bob.pk, email_me=True)
        email = old.get_model("notices", "NoticeEmail").objects.create(
            recipient_id=bob.pk, created_at=long_ago
        )
        old.get_model("notices", "Notice").objects.create(
            recipient_id=bob.pk, couple_id=couple.pk, kind="proposal", thing_id=1, email=email
        )

    assert tasks.send_due_notices() == 1
    assert tasks.send_due_notices() == 0
    [message] = mail.outbox
    assert message.to == ["bob@example.com"]
    assert message.extra_headers["Message-ID"] == f"<notice-{email.pk}@127.0.0.1>"
    assert NoticeEmail.objects.get().message_id == message.extra_headers["Message-ID"]
