"""Choices made under the three old email preferences (notices 0002, agreements 0003) carry
over into one NotificationPreference per person (notices 0003) without loss, and nobody counts
as asked: each is asked once, on their next visit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from notices.models import NotificationPreference
from tests.factories import UserFactory
from tests.support.migrations import migrated_back_to

BEFORE = [("notices", "0002_notice_email_message_id"), ("agreements", "0003_pause_version")]


def choices(email: str) -> tuple[str, ...]:
    p = NotificationPreference.objects.get(user__email=email)
    return (p.shared, p.turn, p.agreement, p.pause, p.repair, p.reminder)


@pytest.mark.django_db(transaction=True)
def test_every_old_email_choice_is_kept_and_nobody_counts_as_asked() -> None:
    emailed = timezone.now() - timedelta(minutes=20)
    with migrated_back_to(BEFORE) as executor:
        old = executor.loader.project_state(BEFORE).apps
        notice = old.get_model("notices", "NoticePreference")
        agreement = old.get_model("agreements", "EmailPreference")
        pause = old.get_model("agreements", "PauseEmailPreference")
        everything = UserFactory.create(email="all@example.com", notifications=False)
        nothing = UserFactory.create(email="none@example.com", notifications=False)
        UserFactory.create(email="untouched@example.com", notifications=False)
        notice.objects.create(user_id=everything.pk, email_me=True, last_emailed_at=emailed)
        pause.objects.create(user_id=everything.pk, email_me=True)
        agreement.objects.create(user_id=everything.pk, proposal_emails=True)
        notice.objects.create(user_id=nothing.pk, email_me=False)
        pause.objects.create(user_id=nothing.pk, email_me=False)
        agreement.objects.create(user_id=nothing.pk, proposal_emails=False)

    #                                    shared   turn      agreement pause    repair  reminder
    assert choices("all@example.com") == ("email", "hearth", "email", "email", "hearth", "email")
    assert choices("none@example.com") == (
        "hearth",
        "hearth",
        "hearth",
        "hearth",
        "hearth",
        "email",
    )
    # No rows meant the defaults of the day: agreement emails on, the other two off.
    assert choices("untouched@example.com") == (
        "hearth",
        "hearth",
        "email",
        "hearth",
        "hearth",
        "email",
    )
    assert NotificationPreference.objects.get(user=everything).last_emailed_at == emailed
    assert not NotificationPreference.objects.filter(asked=True).exists()
