"""The weekly check-in: one per couple per ISO week in the couple's home time zone. Each partner
writes a private entry; both entries are revealed together once both are shared."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar

from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import fastpath
from core.time import week_dates
from couples.models import Couple, Membership, User
from toolkit.models import Phrase, PhraseGroup

LIMIT = 1000
SHORT_LIMIT = 500
# The history page shows this many carried-over challenges, and this many more per "Show more",
# up to a century of weeks.
CARRIED_OVER_STEP = 10
CARRIED_OVER_MAX = 10_000
# An open challenge rests quietly after this long, unless its author brings it back.
REST_AFTER = timedelta(weeks=4)
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
    def of(cls, progress: Mapping[int | None, datetime | None], person_id: int | None) -> Status:
        """Where `person_id` is, from a week's progress: when each author's entry was shared
        (None while it is a draft); no entry at all is "not started"."""
        if person_id is None or person_id not in progress:
            return cls.NOT_STARTED
        return cls.WRITING if progress[person_id] is None else cls.SHARED


@dataclass(frozen=True)
class Poll:
    """A week as its status poll reads it: statuses only, never words."""

    revealed: bool
    own: Status
    partner: Status


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def for_couple(self, couple: Couple) -> CheckInQuerySet:
        return self.filter(couple=couple)

    def closed(self) -> CheckInQuerySet:
        """Weeks closed with a small step both partners agreed on."""
        return self.filter(closed_at__isnull=False)

    def visible_to(self, membership: Membership) -> CheckInQuerySet:
        """The weeks of `membership`'s couple its member finds in their history: the weeks begun
        or opened since they joined, and the weeks that hold their own entry. The weeks the
        partners kept before someone joined stay between those who were there."""
        joined = membership.joined_at
        own = Entry.objects.filter(author_id=membership.user_id).values("checkin")
        return self.filter(couple_id=membership.couple_id).filter(
            Q(created_at__gte=joined) | Q(revealed_at__gte=joined) | Q(pk__in=own)
        )

    def with_step_for(self, membership: Membership) -> CheckInQuerySet:
        """Each week's small step as `membership`'s member may read it, as `step_seen`: a step
        proposed before they joined reads as none (`CheckIn.step_for` says the same)."""
        return self.annotate(
            step_seen=Case(
                When(next_step_at__gte=membership.joined_at, then=F("next_step")),
                default=Value(""),
                output_field=models.TextField(),
            )
        )

    def steps_seen_by(self, membership: Membership) -> CheckInQuerySet:
        """Weeks whose step was proposed since `membership`'s member joined."""
        return self.filter(next_step_at__gte=membership.joined_at)

    def for_week_page(self, membership: Membership) -> CheckInQuerySet:
        """Each week with what its page shows beyond its entries, in the same query:
        `last_step`, the small step chosen in the last closed week before it as `membership`'s
        member may read it (None when there is none), which opens the week's agenda; and the
        partner's progress without their words, `partner_started` and `partner_shared_at`
        (None while a draft), for `Status.of`. An entry by someone who has left the couple is
        nobody's progress. Only the weeks of `membership`'s couple: the week page and its forms
        open any week of it (what they show of it is read through `visible_to`). The week page
        reads this week with these and `with_prompt_on_offer` as SQL (`core.fastpath.week_page`,
        held to the same reads by its test)."""
        earlier = (
            CheckIn.objects.filter(
                couple_id=OuterRef("couple_id"), week_start__lt=OuterRef("week_start")
            )
            .closed()
            .steps_seen_by(membership)
            .order_by("-week_start")
        )
        partners = Entry.objects.filter(
            checkin_id=OuterRef("pk"), author__membership__couple_id=OuterRef("couple_id")
        ).exclude(author_id=membership.user_id)
        return self.filter(
            couple_id=membership.couple_id
        ).annotate(  # type: ignore[no-redef]  # see CheckIn's declarations
            last_step=Subquery(earlier.values("next_step")[:1]),
            partner_started=Exists(partners),
            partner_shared_at=Subquery(partners.values("shared_at")[:1]),
        )

    def with_prompt_on_offer(self) -> CheckInQuerySet:
        """Each week with the prompt it has on offer, in the same query, for
        `CheckIn.prompt_on_offer`. At most one is on offer, and it is the week's latest offer:
        a prompt is set aside before another is offered."""
        return self.annotate(  # type: ignore[no-redef]  # see CheckIn's declarations
            on_offer=FilteredRelation("prompt_offers", condition=Q(prompt_offers__outcome="")),
            on_offer_id=F("on_offer__id"),
            on_offer_prompt_id=F("on_offer__prompt_id"),
            on_offer_category=F("on_offer__prompt__category"),
            on_offer_text=F("on_offer__prompt__text"),
            on_offer_couple_id=F("on_offer__prompt__couple_id"),
        )

    def counted(self) -> CheckInQuerySet:
        """Each week with `found`, how many weeks the whole query holds before any slice, read
        in the same query: a page of weeks knows how many pages there are without a COUNT."""
        return self.annotate(found=Window(Count("*")))  # type: ignore[no-redef]  # see CheckIn's declarations

    def matching(self, q: str, membership: Membership) -> CheckInQuerySet:
        """Weeks with `q`, ignoring case, in an entry or in the chosen step that `membership`'s
        member may read."""
        found = Entry.objects.visible_to(membership).matching(q).values("checkin")
        step = Q(next_step__icontains=q, next_step_at__gte=membership.joined_at)
        return self.filter(Q(pk__in=found) | step)

    def poll(self, *, user_id: int, week_start: date) -> Poll | None:
        """The week starting `week_start` of `user_id`'s couple, for the status poll, in one
        query; None when their couple has no such week (or they have no couple). An entry by
        someone who has left the couple is nobody's status."""
        rows = fastpath.week_progress(user_id=user_id, week_start=week_start, using=self.db)
        if not rows:
            return None
        progress = {author: shared for _, author, shared, is_member in rows if is_member}
        partner_id = next((author for author in progress if author != user_id), None)
        return Poll(
            revealed=rows[0][0] is not None,
            own=Status.of(progress, user_id),
            partner=Status.of(progress, partner_id),
        )


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

    objects = CheckInQuerySet.as_manager()
    # Annotations, declared for their types (django-stubs reports the querysets that set them
    # as redefining them: it takes a declaration for a field, hence those querysets' ignores).
    # Set by `CheckInQuerySet.for_week_page`.
    last_step: str | None
    partner_started: bool
    partner_shared_at: datetime | None
    # Set by `CheckInQuerySet.with_prompt_on_offer`.
    on_offer_id: int | None
    on_offer_prompt_id: int | None
    on_offer_category: str | None
    on_offer_text: str | None
    on_offer_couple_id: int | None
    # Set by `CheckInQuerySet.counted`.
    found: int
    # The entries a member may read, prefetched by `checkins.services.history`.
    visible: list[Entry]

    class Meta:
        ordering: ClassVar[list[str]] = ["-week_start"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["couple", "week_start"], name="one_checkin_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.couple} {self.label}"

    @property
    def label(self) -> str:
        """The week in URLs ("2026-W49"); people see `dates`."""
        return week_label(self.week_start)

    @property
    def dates(self) -> str:
        """The week as people read it: "30 Nov - 6 Dec"."""
        return week_dates(self.week_start, today=timezone.localdate())

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    def prompt_on_offer(self) -> PromptOffer | None:
        """The offer on the table, as read with the week (`CheckInQuerySet.with_prompt_on_offer`),
        or None when none is on offer. Its other fields load if asked for."""
        if self.on_offer_id is None:
            return None
        db = self._state.db
        prompt = fastpath.loaded(
            Prompt,
            db,
            id=self.on_offer_prompt_id,
            category=self.on_offer_category,
            text=self.on_offer_text,
            couple_id=self.on_offer_couple_id,
        )
        offer = fastpath.loaded(
            PromptOffer,
            db,
            id=self.on_offer_id,
            checkin_id=self.pk,
            prompt_id=self.on_offer_prompt_id,
            outcome=PromptOffer.Outcome.OFFERED,
        )
        offer.checkin = self
        offer.prompt = prompt
        return offer

    def step_for(self, membership: Membership) -> str:
        """The small step as `membership`'s member may read it: one proposed before they joined
        was the former partners' and reads as none (`CheckInQuerySet.with_step_for`)."""
        if self.next_step_at is None or self.next_step_at < membership.joined_at:
            return ""
        return self.next_step


class EntryQuerySet(models.QuerySet["Entry"]):
    def visible_to(self, membership: Membership) -> EntryQuerySet:
        """What `membership`'s member may read in their couple: their own entries, and the
        entries revealed since they joined. A draft, an entry shared by someone who left before
        the week opened, and whatever the partners revealed to each other before this person
        joined stay unread by them for good. Every page, partial, search and export reads
        entries through this."""
        return self.filter(checkin__couple_id=membership.couple_id).filter(
            Q(author_id=membership.user_id) | Q(revealed_at__gte=membership.joined_at)
        )

    def matching(self, q: str) -> EntryQuerySet:
        """Entries with `q` in any of their words or chosen feelings, ignoring case."""
        return self.filter(
            Q(small_win__icontains=q)
            | Q(challenge__icontains=q)
            | Q(appreciation__icontains=q)
            | Q(help_wanted__icontains=q)
            | Q(feelings__icontains=q)
        )

    def still_open(self, *, membership: Membership, before: date) -> EntryQuerySet:
        """`membership`'s member's own shared challenges of weeks before the week of `before`
        that they have not marked resolved, newest week first. Only ever their own: a
        partner's challenge is read in the week it was shared, never carried beyond it."""
        return self.filter(
            checkin__couple_id=membership.couple_id,
            author_id=membership.user_id,
            shared_at__isnull=False,
            checkin__week_start__lt=before,
            challenge_resolved_at__isnull=True,
        ).order_by("-checkin__week_start", "id")


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
    # When the entry opened to the partner: at the week's reveal, for the two partners' shared
    # entries (or at its share, for someone who joined after the reveal). Never set for an entry
    # whose author left before the reveal: what was not revealed while its author was a member
    # is never revealed afterwards, to anyone.
    revealed_at = models.DateTimeField(null=True, blank=True)
    edited_after_sharing_at = models.DateTimeField(null=True, blank=True)
    challenge_resolved_at = models.DateTimeField(null=True, blank=True)
    # When its author last brought an open challenge back from resting (`Entry.resting`).
    challenge_brought_back_at = models.DateTimeField(null=True, blank=True)

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
    def status(self) -> Status:
        """Its author's status: an entry exists from the first saved draft on."""
        return Status.SHARED if self.shared else Status.WRITING

    @property
    def feeling_list(self) -> list[str]:
        return [line for line in self.feelings.splitlines() if line]

    def saved_notice(self) -> str:
        """What a save means for who can read the entry, said after each one."""
        if self.revealed_at is not None:
            return str(
                _("Saved. Your partner can read it, with changes marked “edited after sharing”.")
            )
        if self.shared:
            return str(_("Saved. It opens for both of you when your partner shares too."))
        return str(_("Saved privately. Only you can see it."))

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

    def resting(self, this_week: date, now: datetime) -> bool:
        """Whether an open challenge rests quietly: shared more than REST_AFTER ago and not
        brought back by its author within REST_AFTER. A resting challenge is only out of the
        way, never gone: its author can bring it back, and its week keeps it."""
        back = self.challenge_brought_back_at
        if back is not None and now - back < REST_AFTER:
            return False
        return this_week - self.checkin.week_start > REST_AFTER

    def is_understood(self) -> bool:
        """Whether the partner's paraphrase of this challenge has been confirmed."""
        return any(r.answer == Reflection.Answer.YES for r in self.reflections.all())

    def awaits_answer(self) -> bool:
        """Whether the latest paraphrase of this challenge still awaits its author's answer."""
        reflections = list(self.reflections.all())
        return bool(reflections) and not reflections[-1].answer


class ReflectionQuerySet(models.QuerySet["Reflection"]):
    def visible_to(self, membership: Membership) -> ReflectionQuerySet:
        """A reflection is read where its entry is: by the entry's author, and by whoever was a
        member when the entry was revealed (see `EntryQuerySet.visible_to`)."""
        return self.filter(entry__checkin__couple_id=membership.couple_id).filter(
            Q(entry__author_id=membership.user_id) | Q(entry__revealed_at__gte=membership.joined_at)
        )


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

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Reflection on {self.entry}"

    @property
    def confirmed(self) -> bool:
        return self.answer == self.Answer.YES


# Conversation prompts ---------------------------------------------------------------------------

PROMPT_LIMIT = 300


class PromptCategory(models.TextChoices):
    APPRECIATION = "appreciation", _("Appreciation")
    FEELINGS = "feelings", _("Feelings and needs")
    BOUNDARIES = "boundaries", _("Boundaries")
    REPAIR = "repair", _("Repair")
    VALUES = "values", _("Shared values")
    RITUALS = "rituals", _("Rituals and play")
    THERAPY = "therapy", _("What therapy is bringing up")


class PromptQuerySet(models.QuerySet["Prompt"]):
    def visible_to(self, membership: Membership) -> PromptQuerySet:
        """The prompts `membership`'s member may read: Hearth's library, their own, and those
        their couple added since they joined. A prompt carries its writer's words, so one added
        before someone joined stays with those who were there."""
        return self.filter(
            Q(couple__isnull=True)
            | Q(couple_id=membership.couple_id)
            & (Q(created_at__gte=membership.joined_at) | Q(created_by_id=membership.user_id))
        )

    def offerable(self, couple: Couple) -> PromptQuerySet:
        """What a week of `couple` may offer, as both partners read it: Hearth's library and
        the couple's own prompts added since the later of them joined."""
        joined = Membership.objects.filter(couple_id=couple.pk).order_by("-joined_at")
        return self.filter(
            Q(couple__isnull=True)
            | Q(
                couple_id=couple.pk, created_at__gte=models.Subquery(joined.values("joined_at")[:1])
            )
        )

    def with_marks(self, couple: Couple) -> PromptQuerySet:
        """Each prompt with `couple`'s marks on it, in the same query: `retired_at`,
        `favourite_at` and `saved_at` (None where the couple has not marked it)."""
        return self.annotate(  # type: ignore[no-redef]  # see Prompt's declarations
            mine=models.FilteredRelation("marks", condition=Q(marks__couple_id=couple.pk)),
            retired_at=F("mine__retired_at"),
            favourite_at=F("mine__favourite_at"),
            saved_at=F("mine__saved_at"),
        )

    def with_last_offered(self, couple: Couple) -> PromptQuerySet:
        """Each prompt with the moment `couple` was last offered it, as `last_offered` (None
        if never). The moment rather than the week, so swaps within one week take turns too."""
        offers = PromptOffer.objects.filter(checkin__couple_id=couple.pk, prompt_id=OuterRef("pk"))
        latest = offers.order_by("-offered_at", "-id").values("offered_at")[:1]
        return self.annotate(last_offered=models.Subquery(latest))  # type: ignore[no-redef]  # see Prompt's declarations

    # Of prompts read `with_marks`:

    def in_use(self) -> PromptQuerySet:
        return self.filter(Q(retired_at__isnull=True))

    def retired(self) -> PromptQuerySet:
        return self.filter(Q(retired_at__isnull=False))

    def favourites(self) -> PromptQuerySet:
        return self.filter(Q(favourite_at__isnull=False))

    def saved(self) -> PromptQuerySet:
        """Saved for the next check-in, in the order they will be offered."""
        # django-stubs checks order_by() against the model's fields; `saved_at` is with_marks()'s.
        return self.filter(Q(saved_at__isnull=False)).order_by("saved_at", "id")  # type: ignore[misc]


class Prompt(models.Model):
    """A question to open a conversation at the check-in. Hearth's own library has no couple;
    a couple's own prompts belong to it. Prompts are never deleted by the couple: they retire
    one (`PromptMark`), so past weeks keep the question they were offered."""

    category = models.CharField(_("Category"), max_length=20, choices=PromptCategory.choices)
    text = models.CharField(_("Your question"), max_length=PROMPT_LIMIT)
    couple = models.ForeignKey(
        Couple, null=True, blank=True, on_delete=models.CASCADE, related_name="prompts"
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PromptQuerySet.as_manager()

    # Annotations, declared for their types (as on CheckIn).
    # The couple's marks, on prompts read through `PromptQuerySet.with_marks`.
    retired_at: datetime | None
    favourite_at: datetime | None
    saved_at: datetime | None
    # On prompts read through `PromptQuerySet.with_last_offered`.
    last_offered: datetime | None

    class Meta:
        ordering: ClassVar[list[str]] = ["category", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["text"], condition=Q(couple__isnull=True), name="one_hearth_prompt_per_text"
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_own(self) -> bool:
        """Whether the couple wrote it (rather than it coming from Hearth's library)."""
        return self.couple_id is not None


class PromptMark(models.Model):
    """What a couple chose about one prompt: a favourite, retired (never offered again), or
    saved for their next check-in (saved prompts are offered first, oldest saved first)."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="+")
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="marks")
    favourite_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["couple", "prompt"], name="one_mark_per_prompt")
        ]

    def __str__(self) -> str:
        return f"{self.couple} on {self.prompt}"


class PromptOffer(models.Model):
    """A prompt offered at one week's check-in. A swap sets the offer aside and offers another;
    a skip sets it aside and offers none. The week's latest offer says where it stands, and
    every offer counts as seen when the next one is chosen."""

    class Outcome(models.TextChoices):
        OFFERED = "", _("offered")
        SWAPPED = "swapped", _("swapped for another")
        SKIPPED = "skipped", _("skipped")

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="prompt_offers")
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="offers")
    offered_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    set_aside_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # At most one prompt on offer per week, also when both partners open it at once.
            models.UniqueConstraint(
                fields=["checkin"], condition=Q(outcome=""), name="one_prompt_on_offer_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prompt} in {self.checkin}"

    @property
    def on_offer(self) -> bool:
        return self.outcome == self.Outcome.OFFERED
