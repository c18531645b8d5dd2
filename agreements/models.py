from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from couples.models import Couple, User

PAUSE_MIN = timedelta(minutes=20)
PAUSE_MAX = timedelta(hours=24)


class PauseSignalQuerySet(models.QuerySet["PauseSignal"]):
    def for_couple(self, couple: Couple) -> PauseSignalQuerySet:
        return self.filter(couple=couple)

    def between(self, start: datetime, end: datetime) -> PauseSignalQuerySet:
        """Pauses that began in [start, end), oldest first: for the check-in agenda."""
        return self.filter(started_at__gte=start, started_at__lt=end).order_by("started_at", "id")

    def open(self, now: datetime) -> PauseSignalQuerySet:
        """Not ended and not yet past 24 hours (the periodic task closes those)."""
        return self.filter(ended_at__isnull=True, started_at__gt=now - PAUSE_MAX)

    def overdue(self, now: datetime) -> PauseSignalQuerySet:
        return self.filter(ended_at__isnull=True, started_at__lte=now - PAUSE_MAX)

    def ended(self) -> PauseSignalQuerySet:
        return self.filter(ended_at__isnull=False).order_by("-started_at", "-id")


class PauseSignal(models.Model):
    """One partner's request for a break from a conversation, with a time to come back.

    A pause lasts at least 20 minutes and at most 24 hours. It ends when both partners are
    ready to come back, when its sender ends it, or on its own at 24 hours. A couple has at
    most one pause that has not ended (a database rule, so two partners asking at the same
    instant get one pause between them)."""

    class EndReason(models.TextChoices):
        READY = "ready", gettext_lazy("both were ready to come back")
        SENDER = "sender", gettext_lazy("ended by the person who asked for it")
        EXPIRED = "expired", gettext_lazy("ended on its own after 24 hours")

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="pauses")
    sender = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    phrase = models.CharField(max_length=200)
    started_at = models.DateTimeField(default=timezone.now)
    returns_at = models.DateTimeField()
    extended_at = models.DateTimeField(null=True, blank=True)
    sender_ready_at = models.DateTimeField(null=True, blank=True)
    partner_ready_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=10, choices=EndReason.choices, blank=True)

    objects = PauseSignalQuerySet.as_manager()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["couple"],
                condition=Q(ended_at__isnull=True),
                name="one_open_pause_per_couple",
            )
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["couple", "started_at"], name="pause_couple_started")
        ]

    def __str__(self) -> str:
        return self.phrase

    @staticmethod
    def return_time_problem(*, start: datetime, returns_at: datetime, now: datetime) -> str:
        """Why `returns_at` is not a valid return time for a pause begun at `start`, or ""."""
        if returns_at <= now:
            return _("That return time has already passed. Choose how long you need from now.")
        if returns_at - start < PAUSE_MIN:
            return _(
                "A pause lasts at least 20 minutes: the body needs that long to settle. "
                "Choose 20 minutes or more."
            )
        if returns_at - start > PAUSE_MAX:
            return _(
                "A pause lasts at most 24 hours. Choose a shorter time; you can extend it "
                "once later if you need to."
            )
        return ""

    @property
    def latest_return(self) -> datetime:
        return self.started_at + PAUSE_MAX

    def is_active(self, now: datetime) -> bool:
        return self.ended_at is None and now < self.latest_return

    def is_due(self, now: datetime) -> bool:
        """The return time has come: both are invited to come back."""
        return now >= self.returns_at

    def can_extend(self, now: datetime) -> bool:
        return (
            self.extended_at is None
            and self.is_active(now)
            and self.returns_at < self.latest_return
        )

    def is_ready(self, user: User) -> bool:
        at = self.sender_ready_at if user.pk == self.sender_id else self.partner_ready_at
        return at is not None

    def everyone_ready(self, member_ids: Collection[int]) -> bool:
        """Everyone still in the couple is ready: a partner who left is not waited for."""
        return all(
            (self.sender_ready_at if pk == self.sender_id else self.partner_ready_at) is not None
            for pk in member_ids
        )

    @property
    def length(self) -> timedelta:
        return (self.ended_at or timezone.now()) - self.started_at

    def length_display(self) -> str:
        minutes = round(self.length.total_seconds() / 60)
        hours, minutes = divmod(minutes, 60)
        if not hours:
            return _("%(m)d min") % {"m": minutes}
        if not minutes:
            return _("%(h)d h") % {"h": hours}
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}


class PauseEmailPreference(models.Model):
    """Whether a person wants an email when their partner asks for a pause. Off by default:
    no row means no email."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="pause_email")
    email_me = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user}: {self.email_me}"
