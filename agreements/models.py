"""Boundary agreements. An agreement changes only with both partners' consent: every wording
is an `AgreementVersion` that starts as an open proposal and is put in force when the other
partner accepts it. Declined, withdrawn, expired and countered proposals stay in the history.

`Agreement.version` is the number of the version in force (0 before the first acceptance).
Each proposal records it as `base_version`; the services lock the agreement row while they
change anything, so a proposal written for an older version can never be accepted."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agreements.limits import (
    PAUSE_MAX,
    PAUSE_MAX_MINUTES,
    PAUSE_MIN,
    PAUSE_MIN_MINUTES,
    in_words,
    in_words_lazy,
)
from couples.models import Couple, Membership, User

TEXT_MAX_LENGTH = 5000
PAUSE_PHRASE_MAX_LENGTH = 200


class Category(models.TextChoices):
    HOME = "home", _("Topics for home")
    THERAPY = "therapy", _("Topics saved for a session with our therapist")
    PAUSE = "pause", _("How we pause")
    DIGITAL = "digital", _("Digital and social media")
    OTHER = "other", _("Other")


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def for_couple(self, couple: Couple) -> AgreementQuerySet:
        return self.filter(couple=couple)

    def visible_to(self, membership: Membership) -> AgreementQuerySet:
        """The agreements `membership`'s member finds: those in force, which carry over to
        whoever joins (they are the couple's rules, open to change by proposal), and those
        proposed, answered or open since they joined. One retired, or never in force, before
        they came stays with the partners who were there."""
        since = AgreementVersion.objects.filter(agreement=OuterRef("pk")).filter(_since(membership))
        return self.for_couple(membership.couple).filter(
            Q(status=Agreement.Status.ACTIVE) | Exists(since)
        )

    def due_for_revisit(self, couple: Couple, today: date) -> AgreementQuerySet:
        """Agreements in force whose "revisit by" date has come (`today` in the couple's home
        time zone). The couple home page lists them; the check-in agenda uses this too."""
        return self.for_couple(couple).filter(due_for_revisit(today)).order_by(*REVISIT_ORDER)


def due_for_revisit(today: date) -> Q:
    """The rule of `AgreementQuerySet.due_for_revisit`, for a query that reads more with it."""
    return Q(status=Agreement.Status.ACTIVE, revisit_by__lte=today)


REVISIT_ORDER = ("revisit_by", "title")


class Agreement(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(_("title"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    version = models.PositiveIntegerField(default=0)
    current = models.ForeignKey(
        "AgreementVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="in_force_for",
        help_text="The accepted version in force.",
    )
    revisit_by = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_retired(self) -> bool:
        return self.status == self.Status.RETIRED

    def open_proposal(self, now: datetime) -> AgreementVersion | None:
        """The proposal waiting for an answer, if any (at most one: a database rule)."""
        return self.versions.open(now).select_related("proposed_by").first()


def _since(membership: Membership) -> Q:
    """Versions proposed or answered since `membership`'s member joined, or open now (an open
    proposal waits for whoever is the partner now)."""
    joined = membership.joined_at
    return (
        Q(created_at__gte=joined)
        | Q(responded_at__gte=joined)
        | Q(status=AgreementVersion.Status.OPEN)
    )


class AgreementVersionQuerySet(models.QuerySet["AgreementVersion"]):
    def for_couple(self, couple: Couple) -> AgreementVersionQuerySet:
        return self.filter(agreement__couple=couple)

    def visible_to(self, membership: Membership) -> AgreementVersionQuerySet:
        """The wordings `membership`'s member may read: the one in force when they joined, and
        every one proposed, answered or open since. What the partners before them proposed,
        declined or withdrew stays between them, and so does the note that came with the
        wording then in force: each version's note as this member may read it is `seen_note`."""
        in_force_then = (
            AgreementVersion.objects.filter(
                agreement=OuterRef("agreement"), responded_at__lt=membership.joined_at
            )
            .accepted()
            .order_by("-number")
            .values("pk")[:1]
        )
        since = _since(membership)
        return (
            self.for_couple(membership.couple)
            .filter(since | Q(pk=Subquery(in_force_then)))
            .annotate(
                seen_note=Case(
                    When(since, then=F("note")), default=Value(""), output_field=CharField()
                )
            )
        )

    def open(self, now: datetime) -> AgreementVersionQuerySet:
        """Proposals still waiting for an answer. An overdue one counts as expired even before
        the periodic task has marked it."""
        return self.filter(status=AgreementVersion.Status.OPEN, expires_at__gt=now)

    def accepted(self) -> AgreementVersionQuerySet:
        return self.filter(status=AgreementVersion.Status.ACCEPTED, number__isnull=False)

    def accepted_pause_protocol(self, couple: Couple) -> AgreementVersion | None:
        """The couple's pause protocol in force: the accepted version of their active "how we
        pause" agreement (the most recently accepted one if they keep several), or None.
        Its `pause_minutes`, `signal_phrases`, `grounding_practice` and `return_phrase` are
        the pause defaults."""
        return (
            self.filter(
                in_force_for__couple=couple,
                in_force_for__category=Category.PAUSE,
                in_force_for__status=Agreement.Status.ACTIVE,
            )
            .order_by("-responded_at", "-id")
            .first()
        )


class AgreementVersion(models.Model):
    """One wording of an agreement, proposed by one partner. While `status` is open it is a
    proposal; accepting it gives it the next `number` and puts it in force."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("Change")
        RETIRE = "retire", _("Retire")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COUNTERED = "countered", _("Answered with a counter-proposal")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHANGE)
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH)
    note = models.CharField(_("note"), max_length=500, blank=True)
    revisit_by = models.DateField(_("revisit by"), null=True, blank=True)

    # The pause protocol's terms; set only on "how we pause" agreements.
    pause_minutes = models.PositiveSmallIntegerField(
        _("default pause length in minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(PAUSE_MIN_MINUTES), MaxValueValidator(PAUSE_MAX_MINUTES)],
    )
    signal_phrases = models.TextField(_("signal phrases"), max_length=1000, blank=True)
    grounding_practice = models.TextField(_("grounding practice"), max_length=1000, blank=True)
    return_phrase = models.CharField(_("return phrase"), max_length=200, blank=True)

    base_version = models.PositiveIntegerField()
    number = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    proposed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    responded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(max_length=1000, blank=True)

    objects = AgreementVersionQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status="open"),
                name="one_open_proposal_per_agreement",
            ),
            models.UniqueConstraint(fields=["agreement", "number"], name="one_number_per_version"),
            models.CheckConstraint(
                condition=Q(pause_minutes__isnull=True)
                | Q(pause_minutes__gte=PAUSE_MIN_MINUTES, pause_minutes__lte=PAUSE_MAX_MINUTES),
                name="pause_minutes_within_limits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} ({self.get_status_display()})"

    def clean(self) -> None:
        if not self.text.strip():
            raise ValidationError({"text": _("Write the agreement's text.")})

    def is_open(self, now: datetime) -> bool:
        return self.status == self.Status.OPEN and self.expires_at > now

    def shown_status(self, now: datetime) -> str:
        """The status as people should see it: an overdue proposal is expired."""
        if self.status == self.Status.OPEN and self.expires_at <= now:
            return self.Status.EXPIRED
        return self.status

    def awaits(self, user: User, now: datetime) -> bool:
        """Whether this proposal waits for `user`'s answer (it never waits for its proposer)."""
        return self.is_open(now) and self.proposed_by_id != user.pk

    def terms(self) -> tuple[object, ...]:
        """What a proposal says, to tell whether two proposals are the same."""
        return (
            self.kind,
            self.text,
            self.revisit_by,
            self.pause_minutes,
            self.signal_phrases,
            self.grounding_practice,
            self.return_phrase,
        )

    @property
    def signal_phrase_list(self) -> list[str]:
        return [line.strip() for line in self.signal_phrases.splitlines() if line.strip()]


class PauseSignalQuerySet(models.QuerySet["PauseSignal"]):
    def for_couple(self, couple: Couple) -> PauseSignalQuerySet:
        return self.filter(couple=couple)

    def visible_to(self, membership: Membership) -> PauseSignalQuerySet:
        """The pauses `membership`'s member may look back on: those begun since they joined.
        The pauses of the partners before them stay between them."""
        return self.for_couple(membership.couple).filter(_looked_back_on(membership))

    def between(self, start: datetime, end: datetime) -> PauseSignalQuerySet:
        """Pauses that began in [start, end), oldest first: for the check-in agenda."""
        return self.filter(started_at__gte=start, started_at__lt=end).order_by("started_at", "id")

    def open(self, now: datetime) -> PauseSignalQuerySet:
        """Not ended and not yet past PAUSE_MAX (the periodic task closes those)."""
        return self.filter(_open(now))

    def open_then_past(self, membership: Membership, now: datetime) -> PauseSignalQuerySet:
        """What the pause page shows, in one query: the couple's open pause first (as `open`),
        then the ended pauses `membership`'s member may look back on (as `visible_to`), newest
        first."""
        is_open = ExpressionWrapper(Q(ended_at__isnull=True), output_field=BooleanField())
        return (
            self.for_couple(membership.couple)
            .filter(_open(now) | Q(_looked_back_on(membership), ended_at__isnull=False))
            .order_by(is_open.desc(), "-started_at", "-id")
        )

    def overdue(self, now: datetime) -> PauseSignalQuerySet:
        return self.filter(ended_at__isnull=True, started_at__lte=now - PAUSE_MAX)

    def ended(self) -> PauseSignalQuerySet:
        return self.filter(ended_at__isnull=False).order_by("-started_at", "-id")


def _open(now: datetime) -> Q:
    return Q(ended_at__isnull=True, started_at__gt=now - PAUSE_MAX)


def _looked_back_on(membership: Membership) -> Q:
    return Q(started_at__gte=membership.joined_at)


class PauseSignal(models.Model):
    """One partner's request for a break from a conversation, with a time to come back.

    A pause lasts at least PAUSE_MIN and at most PAUSE_MAX. It ends when both partners are
    ready to come back, when its sender ends it, or on its own at PAUSE_MAX. A couple has at
    most one pause that has not ended (a database rule, so two partners asking at the same
    instant get one pause between them)."""

    class EndReason(models.TextChoices):
        READY = "ready", _("both were ready to come back")
        SENDER = "sender", _("ended by the person who asked for it")
        EXPIRED = (
            "expired",
            format_lazy(_("ended on its own after {limit}"), limit=in_words_lazy(PAUSE_MAX)),
        )

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="pauses")
    sender = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    phrase = models.CharField(max_length=PAUSE_PHRASE_MAX_LENGTH)
    started_at = models.DateTimeField(default=timezone.now)
    returns_at = models.DateTimeField()
    extended_at = models.DateTimeField(null=True, blank=True)
    sender_ready_at = models.DateTimeField(null=True, blank=True)
    partner_ready_at = models.DateTimeField(null=True, blank=True)
    # The partner's optional "Take your time", which the sender then sees.
    partner_take_time_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=10, choices=EndReason.choices, blank=True)
    # Raised by every change to the pause, and to what its banner shows with it (the sender's
    # shared trigger scripts): with the id it is the banner's stamp, read from the database by
    # every process alike (agreements/banner.py).
    version = models.PositiveIntegerField(default=1)

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
            return gettext(
                "That return time has already passed. Choose how long you need from now."
            )
        if returns_at - start < PAUSE_MIN:
            return gettext(
                "A pause lasts at least %(min)s: the body needs that long to settle. "
                "Choose %(min)s or more."
            ) % {"min": in_words(PAUSE_MIN)}
        if returns_at - start > PAUSE_MAX:
            return gettext(
                "A pause lasts at most %(max)s. Choose a shorter time; you can extend it "
                "once later if you need to."
            ) % {"max": in_words(PAUSE_MAX)}
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

    def is_sent_by(self, user: User) -> bool:
        return user.pk == self.sender_id

    @property
    def partner_is_ready(self) -> bool:
        return self.partner_ready_at is not None

    @property
    def partner_said_take_your_time(self) -> bool:
        return self.partner_take_time_at is not None

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
