"""The shape every outbox row shares (see core/outbox.py); core itself keeps no table."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.emails import mail_domain


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

    class Meta:
        abstract = True

    @classmethod
    def unsent(cls) -> Q:
        """The rows still to send."""
        return Q(sent_at__isnull=True)

    @classmethod
    def claimable(cls, now: datetime) -> Q:
        """Rows still to send that nobody holds: never claimed, or their holder's lease ran out."""
        return cls.unsent() & (Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - cls.LEASE))

    @property
    def stable_message_id(self) -> str:
        return f"<{self.MESSAGE_ID_PREFIX}-{self.pk}@{mail_domain()}>"
