"""The weekly check-in: one per couple per ISO week in the couple's home time zone. Each partner
writes a private entry; both entries are revealed together once both are shared."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from couples.models import Couple, Phrase, PhraseGroup, User

LIMIT = 1000
SHORT_LIMIT = 500
WEEK_LABEL = re.compile(r"^(\d{4})-W(\d{2})$")


def feelings_for(couple: Couple) -> list[str]:
    """The feelings a partner can pick from: the "I feel…" phrases of the couple's shared
    vocabulary. Entries keep the chosen phrases as text, so editing or retiring a phrase never
    changes an earlier week."""
    return list(
        Phrase.objects.for_couple(couple)
        .active()
        .in_group(PhraseGroup.FEEL)
        .values_list("text", flat=True)
    )


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def current_week(couple: Couple, now: datetime | None = None) -> date:
    """The Monday of the ISO week it is now in the couple's home time zone."""
    now = now or timezone.now()
    return monday_of(now.astimezone(couple.tz).date())


def parse_week(label: str) -> date | None:
    """The Monday of an ISO week written as 2026-W48, or None when it names no real week."""
    match = WEEK_LABEL.match(label)
    if not match:
        return None
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def week_label(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


class Status(models.TextChoices):
    """Where a partner is with this week's entry. Never more than this: no content, no "seen"."""

    NOT_STARTED = "not_started", _("not started yet")
    WRITING = "writing", _("writing")
    SHARED = "shared", _("shared")

    @classmethod
    def of(cls, entry_exists: bool, shared_at: datetime | None) -> Status:
        if shared_at is not None:
            return cls.SHARED
        return cls.WRITING if entry_exists else cls.NOT_STARTED


class CheckIn(models.Model):
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="checkins")
    week_start = models.DateField(help_text="The Monday of the ISO week, in the couple's zone.")
    created_at = models.DateTimeField(default=timezone.now)
    # Set once, when the second partner shares: the single fact that makes both entries visible.
    revealed_at = models.DateTimeField(null=True, blank=True)
    next_step = models.TextField(blank=True, max_length=SHORT_LIMIT)
    next_step_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    next_step_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-week_start"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["couple", "week_start"], name="one_checkin_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.couple} {self.label}"

    @property
    def label(self) -> str:
        return week_label(self.week_start)

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class EntryQuerySet(models.QuerySet["Entry"]):
    def visible_to(self, user: User) -> EntryQuerySet:
        """What `user` may read: their own entries, and the others' shared ones once the week is
        revealed (a draft left by someone who has since left the couple stays private).
        Every page, partial, search and export reads entries through this."""
        return self.filter(
            Q(author=user) | Q(checkin__revealed_at__isnull=False, shared_at__isnull=False)
        )


class Entry(models.Model):
    """One partner's part of a week. It exists from the first saved draft on."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="checkin_entries"
    )
    small_win = models.TextField(_("One small win"), blank=True, max_length=LIMIT)
    challenge = models.TextField(_("One remaining challenge"), blank=True, max_length=LIMIT)
    appreciation = models.TextField(
        _("Something I appreciate about you (optional)"), blank=True, max_length=SHORT_LIMIT
    )
    help_wanted = models.TextField(
        _("What would help me this week (optional)"), blank=True, max_length=SHORT_LIMIT
    )
    # One chosen phrase per line, kept as the words that were picked.
    feelings = models.TextField(_("How I'm feeling (optional)"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    shared_at = models.DateTimeField(null=True, blank=True)
    edited_after_sharing_at = models.DateTimeField(null=True, blank=True)
    challenge_resolved_at = models.DateTimeField(null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["checkin", "author"], name="one_entry_per_partner")
        ]

    def __str__(self) -> str:
        return f"{self.author} in {self.checkin}"

    @property
    def shared(self) -> bool:
        return self.shared_at is not None

    @property
    def feeling_list(self) -> list[str]:
        return [line for line in self.feelings.splitlines() if line]

    def missing_to_share(self) -> str:
        """Why this entry cannot be shared yet, or "" when it can."""
        if not self.small_win.strip() or not self.challenge.strip():
            return str(
                _(
                    "To share, write both one small win and one remaining challenge. "
                    "Your draft is saved."
                )
            )
        return ""

    def is_understood(self) -> bool:
        """Whether the partner's paraphrase of this challenge has been confirmed."""
        return any(r.answer == Reflection.Answer.YES for r in self.reflections.all())


class Reflection(models.Model):
    """Reflective listening: the listener says what they heard in the partner's challenge, the
    author answers. Every attempt is kept; a reply unlocks once an attempt is confirmed."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes, that's it")
        NOT_QUITE = "not_quite", _("Not quite")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="reflections")
    listener = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    heard = models.TextField(_("What I heard is …"), max_length=LIMIT)
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    clarification = models.TextField(blank=True, max_length=LIMIT)
    answered_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(_("A reply or a suggestion"), blank=True, max_length=LIMIT)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Reflection on {self.entry}"

    @property
    def confirmed(self) -> bool:
        return self.answer == self.Answer.YES
