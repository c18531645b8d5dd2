"""The activity log both partners read, and the shape every outbox row shares (see
core/outbox.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.emails import mail_domain

if TYPE_CHECKING:
    from couples.models import Membership


class ActivityEntryQuerySet(models.QuerySet["ActivityEntry"]):
    def visible_to(self, membership: Membership) -> ActivityEntryQuerySet:
        """What changed since `membership`'s member joined: the log of the partners before them
        (the agreements they proposed and declined) stays theirs."""
        return self.filter(couple_id=membership.couple_id, created_at__gte=membership.joined_at)


class ActivityEntry(models.Model):
    """What changed in the couple space, readable by both partners. Plain facts, no scoring.
    Its table kept the name it had when the model lived in couples/."""

    couple = models.ForeignKey("couples.Couple", on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ActivityEntryQuerySet.as_manager()

    class Meta:
        db_table = "couples_activityentry"
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        verbose_name_plural = "activity entries"

    def __str__(self) -> str:
        return self.message


class Outbound(models.Model):
    """One email owed to one person, sent at most once by `core.outbox.send`. A claim older than
    LEASE is taken over (the worker that held it died); an unclaimed row older than REQUEUE_AFTER
    is enqueued again by beat (its message may have been lost)."""

    # Far longer than a send task may run (CELERY_TASK_TIME_LIMIT): a live worker keeps its rows.
    LEASE = timedelta(minutes=10)
    REQUEUE_AFTER = timedelta(minutes=2)
    # The Message-ID is <PREFIX-pk@domain>: the same for every attempt at one row.
    MESSAGE_ID_PREFIX: ClassVar[str]
    # Fields set besides sent_at and message_id when the mail server accepted the email.
    ON_SENT: ClassVar[dict[str, object]] = {}

    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    # Not to be sent before then: set when the recipient's quiet hours held it back.
    not_before = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def unsent(cls) -> Q:
        """The rows still to send."""
        return Q(sent_at__isnull=True)

    @classmethod
    def claimable(cls, now: datetime) -> Q:
        """Rows still to send that nobody holds (never claimed, or their holder's lease ran out)
        and nothing holds back any more (the recipient's quiet hours, `not_before`)."""
        return (
            cls.unsent()
            & (Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - cls.LEASE))
            & (Q(not_before__isnull=True) | Q(not_before__lte=now))
        )

    @property
    def stable_message_id(self) -> str:
        return f"<{self.MESSAGE_ID_PREFIX}-{self.pk}@{mail_domain()}>"
