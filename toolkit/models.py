from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from couples.models import Couple, Membership, User


class PhraseGroup(models.TextChoices):
    FEEL = "feel", _("I feel…")
    NEED = "need", _("I need…")
    APPRECIATE = "appreciate", _("I appreciate…")


class PhraseQuerySet(models.QuerySet["Phrase"]):
    """Reusable filters for the shared vocabulary, for example the pause form's choices:
    `Phrase.objects.for_couple(couple).active().in_group(PhraseGroup.NEED)`."""

    def for_couple(self, couple: Couple) -> PhraseQuerySet:
        return self.filter(couple=couple)

    def visible_to(self, membership: Membership) -> PhraseQuerySet:
        """The couple's words, retired ones included: both partners keep them together."""
        return self.filter(couple_id=membership.couple_id)

    def active(self) -> PhraseQuerySet:
        return self.filter(retired_at__isnull=True)

    def in_group(self, group: str) -> PhraseQuerySet:
        return self.filter(group=group)


class Phrase(models.Model):
    """A phrase of the couple's shared feelings vocabulary. Phrases are retired, never deleted,
    and whatever uses one (a pause, a check-in) stores the phrase's text as it was then, so
    editing or retiring a phrase never rewrites a past record."""

    MAX_LENGTH = 120

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="phrases")
    group = models.CharField(_("group"), max_length=20, choices=PhraseGroup.choices)
    text = models.CharField(_("phrase"), max_length=MAX_LENGTH)
    position = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PhraseQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class TriggerScriptQuerySet(models.QuerySet["TriggerScript"]):
    def for_couple(self, couple: Couple) -> TriggerScriptQuerySet:
        return self.filter(couple=couple)

    def visible_to(self, membership: Membership) -> TriggerScriptQuerySet:
        """The scripts `membership`'s member may read: their own, and those their partner now
        shares (`shared`)."""
        return self.filter(couple_id=membership.couple_id).filter(
            Q(author_id=membership.user_id)
            | Q(shared_at__isnull=False, author__membership__couple=F("couple"))
        )

    def by(self, user: User) -> TriggerScriptQuerySet:
        return self.filter(author=user)

    def shared(self) -> TriggerScriptQuerySet:
        """Scripts their author shares with the partner. Only while the author is still in the
        script's couple: a former partner's scripts describe their own triggers, and with them
        gone are shown to nobody."""
        return self.filter(shared_at__isnull=False, author__membership__couple=F("couple"))

    def shared_by(self, user: User) -> TriggerScriptQuerySet:
        """The scripts `user` chose to show their partner; the pause banner shows these while
        `user` pauses, so the partner knows what the pause means."""
        return self.by(user).shared()


class TriggerScript(models.Model):
    """ "When I notice ___, I'll ___". Private to its author until they share it."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="trigger_scripts")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="trigger_scripts")
    when_i_notice = models.CharField(_("When I notice"), max_length=300)
    i_will = models.CharField(_("I'll"), max_length=300)
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TriggerScriptQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return f"When I notice {self.when_i_notice}, I'll {self.i_will}"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None


class TherapySession(models.TextChoices):
    INDIVIDUAL = "individual", _("My individual session")
    JOINT = "joint", _("Our joint session")


class SavedTopicQuerySet(models.QuerySet["SavedTopic"]):
    def visible_to(self, membership: Membership) -> SavedTopicQuerySet:
        """Only ever its author's own topics."""
        return self.filter(couple_id=membership.couple_id, author_id=membership.user_id)

    def open(self) -> SavedTopicQuerySet:
        return self.filter(discussed_at__isnull=True)


class SavedTopic(models.Model):
    """A topic saved for therapy. Only its author ever sees it."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_topics")
    topic = models.CharField(_("Topic"), max_length=200)
    session = models.CharField(
        _("For which session?"),
        max_length=20,
        choices=TherapySession.choices,
        default=TherapySession.INDIVIDUAL,
    )
    note = models.TextField(_("Note (optional)"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    discussed_at = models.DateTimeField(null=True, blank=True)

    objects = SavedTopicQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return self.topic


class RepairQuerySet(models.QuerySet["Repair"]):
    def visible_to(self, membership: Membership) -> RepairQuerySet:
        """The repairs `membership`'s member may read: those recorded since they joined, and
        their own. A repair made before someone joined stays between those who made it."""
        return self.filter(couple_id=membership.couple_id).filter(
            Q(created_at__gte=membership.joined_at) | Q(author_id=membership.user_id)
        )

    def follow_ups_due(self, today: date) -> RepairQuerySet:
        """Repairs whose follow-up date has come and that nobody has marked followed up yet;
        the check-in agenda lists them (of the repairs its reader may read)."""
        return self.filter(follow_up_on__lte=today, followed_up_at__isnull=True).order_by(
            "follow_up_on", "id"
        )


class Repair(models.Model):
    """After a hard moment: an acknowledgement, an apology and a plan, which the partner may
    answer. A shared record: it stays with the couple if its author leaves."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="repairs")
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledgement = models.TextField(_("What I acknowledge"), max_length=2000)
    apology = models.TextField(_("My apology"), max_length=2000)
    plan = models.TextField(_("What I'll do differently"), max_length=2000)
    follow_up_on = models.DateField(_("Let's follow up on"))
    response = models.TextField(_("Your response (optional)"), max_length=2000, blank=True)
    responded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RepairQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Repair of {self.created_at:%Y-%m-%d}"


class SharedValueQuerySet(models.QuerySet["SharedValue"]):
    def for_couple(self, couple: Couple) -> SharedValueQuerySet:
        return self.filter(couple=couple)

    def ours(self) -> SharedValueQuerySet:
        """The values both partners chose: the couple's own."""
        return self.filter(agreed_at__isnull=False)

    def visible_to(self, membership: Membership) -> SharedValueQuerySet:
        """The couple's own values, and the values proposed by the people in the couple now
        (waiting for the other's yes): a former partner's picks never show."""
        return self.filter(couple_id=membership.couple_id).filter(
            Q(agreed_at__isnull=False) | Q(proposed_by__membership__couple_id=membership.couple_id)
        )


class SharedValue(models.Model):
    """A value the couple names together (respect, curiosity…), shown on their home page.

    One partner picks it (a proposal, `agreed_at` empty); it becomes the couple's own when the
    other picks it too. Values are never pre-filled: Hearth only suggests."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="values")
    name = models.CharField(_("Value"), max_length=60)
    description = models.CharField(_("What it means to us (optional)"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    proposed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True, default=timezone.now)

    objects = SharedValueQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_ours(self) -> bool:
        return self.agreed_at is not None
