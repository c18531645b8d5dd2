"""The opt-in "your partner has shared" email. Each thing a partner shares that the other may
read is one `Notice` for that person; waiting notices go out together in one `NoticeEmail`, at
most one an hour per person. The database holds every rule: the unique key records an event
once, the conditional UPDATE on `NotificationPreference.last_emailed_at` lets one email start an hour,
and the conditional UPDATE on `NoticeEmail.claimed_at` lets one worker send it."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.models import Outbound
from couples.models import Couple, User

# At most one email this often per person; what happens meanwhile waits for the next one.
INTERVAL = timedelta(hours=1)


class Channel(models.TextChoices):
    """How a person hears of one kind of thing. Inside Hearth it is always marked as new."""

    EMAIL = "email", _("Email")
    PUSH = "push", _("Push on my devices")
    HEARTH = "hearth", _("Only inside Hearth")


class Kind(models.TextChoices):
    """The kinds of thing a person may hear about from Hearth."""

    SHARED = "shared", _("Your partner shared something")
    TURN = "turn", _("It's your turn in this week's check-in")
    AGREEMENT = "agreement", _("An agreement awaits your answer")
    PAUSE = "pause", _("Your partner asked for a pause")
    REPAIR = "repair", _("A repair follow-up is due")
    REMINDER = "reminder", _("Reminders before a planned conversation")


def _channel_field(kind: Kind) -> models.CharField[str, str]:
    return models.CharField(
        kind.label, max_length=10, choices=Channel.choices, default=Channel.HEARTH
    )


class NotificationPreferenceQuerySet(models.QuerySet["NotificationPreference"]):
    def wanting(self, kind: str, channel: str = Channel.EMAIL) -> NotificationPreferenceQuerySet:
        """The preferences of people who hear of `kind` on `channel`."""
        return self.filter(**{kind: channel})


class NotificationPreference(models.Model):
    """How one person hears from Hearth: per kind, by email, by push or only inside Hearth, and
    their quiet hours (wall-clock times in their own zone; none when either is empty). Nothing
    is switched on for someone who was not asked: without a row every kind stays inside Hearth.
    `asked` is whether they have answered the question (or chosen to decide later), which is
    put to them once. `last_emailed_at` is when their latest "something new" email was started,
    which the hour between two of them counts from."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_preference"
    )
    shared = _channel_field(Kind.SHARED)
    turn = _channel_field(Kind.TURN)
    agreement = _channel_field(Kind.AGREEMENT)
    pause = _channel_field(Kind.PAUSE)
    repair = _channel_field(Kind.REPAIR)
    reminder = _channel_field(Kind.REMINDER)
    quiet_start = models.TimeField(_("Quiet from"), null=True, blank=True)
    quiet_end = models.TimeField(_("Quiet until"), null=True, blank=True)
    asked = models.BooleanField(default=False)
    last_emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationPreferenceQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Notifications of {self.user}"

    def channel(self, kind: str) -> str:
        value: str = getattr(self, kind)
        return value

    @classmethod
    def of(cls, user: User | int) -> NotificationPreference:
        """The person's choices, or the defaults (all inside Hearth) when they have none yet."""
        user_id = user if isinstance(user, int) else user.pk
        found = cls.objects.filter(user_id=user_id).first()
        return found if found is not None else cls(user_id=user_id)

    @classmethod
    def wants(cls, user: User | int, kind: str, channel: str = Channel.EMAIL) -> bool:
        user_id = user if isinstance(user, int) else user.pk
        return cls.objects.filter(user_id=user_id).wanting(kind, channel).exists()


class NoticeEmail(Outbound):
    """One email telling one person what is new, sent through the outbox (core/outbox.py)."""

    MESSAGE_ID_PREFIX = "notice"

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = (
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="notice_unsent_idx"
            ),
        )

    def __str__(self) -> str:
        return f"Notice email to {self.recipient} at {self.created_at}"


class EventEmail(Outbound):
    """One email about one event owed to one person (an agreement awaits their answer, a
    proposal closed, their partner asked for a pause, it is their turn in the check-in, a
    repair follow-up is due), sent through the outbox (core/outbox.py) no earlier than
    `not_before` (the end of their quiet hours). `letter` names the email's templates and the
    app's part that writes it (`core.registry.letter`); `thing_id` and `key` name the event, so
    one event is told to one person once. The app's part, the person's choice for `kind` and
    their membership of `couple` are asked again when it is sent; a row that is no longer worth
    sending is `dropped_at`."""

    MESSAGE_ID_PREFIX = "event"

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    letter = models.CharField(max_length=40)
    thing_id = models.PositiveBigIntegerField()
    key = models.CharField(max_length=40, blank=True, default="")
    dropped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["recipient", "letter", "thing_id", "key"], name="one_email_per_event"
            ),
        )
        indexes = (
            models.Index(
                fields=["not_before"],
                condition=Q(sent_at__isnull=True, dropped_at__isnull=True),
                name="event_email_unsent_idx",
            ),
        )

    def __str__(self) -> str:
        return f"{self.letter} email to {self.recipient}"

    @classmethod
    def unsent(cls) -> Q:
        return Q(sent_at__isnull=True, dropped_at__isnull=True)


class Notice(models.Model):
    """One thing a partner shared that `recipient` may read: an entry of theirs that opened to
    the recipient, or an agreement wording they proposed or answered (`thing_id` is the entry's
    or the version's id). `email` is the email that told of it; none while it waits."""

    class Kind(models.TextChoices):
        ENTRY = "entry", _("check-in")
        PROPOSAL = "proposal", _("agreement proposal")
        ANSWER = "answer", _("answer to a proposal")

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    thing_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    email = models.ForeignKey(
        NoticeEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["recipient", "kind", "thing_id"], name="one_notice_per_event"
            ),
        )
        indexes = (
            models.Index(
                fields=["recipient"], condition=Q(email__isnull=True), name="notice_waiting_idx"
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"


def in_words(kind: str, count: int) -> str:
    """What an email says of `count` notices of one kind: neutral words, never what was said."""
    if kind == Notice.Kind.ENTRY:
        return ngettext(
            "Your partner shared their check-in with you.",
            "Your partner shared %(n)s check-ins with you.",
            count,
        ) % {"n": count}
    if kind == Notice.Kind.PROPOSAL:
        return ngettext(
            "Your partner proposed wording for an agreement.",
            "Your partner proposed wording for %(n)s agreements.",
            count,
        ) % {"n": count}
    return ngettext(
        "Your partner answered a proposal.",
        "Your partner answered %(n)s proposals.",
        count,
    ) % {"n": count}


class Unread(models.Model):
    """Something new to `reader` that they have not looked at yet: their partner shared a
    check-in, proposed or answered an agreement, recorded a repair. Private to the reader: it is made and cleared
    by what the reader sees and does, never shown or exported to anyone else, and clearing it
    leaves no trace (no read receipt, no last seen)."""

    class Area(models.TextChoices):
        CHECKINS = "checkins", _("check-ins")
        AGREEMENTS = "agreements", _("agreements")
        REPAIRS = "repairs", _("repairs")

    reader = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="+")
    area = models.CharField(max_length=10, choices=Area.choices)
    kind = models.CharField(max_length=10)
    thing_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["reader", "kind", "thing_id"], name="one_unread_per_thing"
            ),
        )
        indexes = (models.Index(fields=["reader", "area"], name="unread_reader_idx"),)

    def __str__(self) -> str:
        return f"New {self.kind} for {self.reader}"


class PushSubscriptionQuerySet(models.QuerySet["PushSubscription"]):
    def of(self, user: User) -> PushSubscriptionQuerySet:
        """A person's own devices: nobody else's, partner included."""
        return self.filter(user=user)


class PushSubscription(models.Model):
    """One device where a person enabled push: the address its browser's push service gave
    (RFC 8030) and the keys that encrypt for that device alone (RFC 8291). A browser has one
    subscription, so its endpoint belongs to whoever enabled push there last."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=2000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=50)
    # What the person sees in the list: browser and system, read from the user agent.
    device = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)

    objects = PushSubscriptionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.device} of {self.user}"

    @property
    def endpoint_digest(self) -> str:
        """The endpoint's SHA-256 in hex: how the devices page lets the browser's script find the
        device it is subscribed with (static/js/push.js) without writing the browser's push
        address into the page."""
        return hashlib.sha256(self.endpoint.encode()).hexdigest()

    def info(self) -> dict[str, object]:
        """As pywebpush and the browser's `PushSubscription.toJSON()` name it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushDelivery(Outbound):
    """One push owed to one device, sent by `notices.push.send` no earlier than `not_before`.
    At most one push an hour reaches a device: what comes meanwhile is collapsed into the one
    waiting. A push service that is busy or failing is asked again later (`attempts`); after
    MAX_ATTEMPTS the push is given up."""

    MESSAGE_ID_PREFIX = "push"
    MAX_ATTEMPTS = 6
    # `message_id` keeps the push message's address at the push service (its Location answer,
    # RFC 8030 section 5): a push has no Message-ID of its own.

    subscription = models.ForeignKey(PushSubscription, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=120)
    body = models.CharField(max_length=300)
    # A path on this site, opened when the notification is tapped.
    url = models.CharField(max_length=500)
    not_before = models.DateTimeField(default=timezone.now)
    # How many events this one push tells of.
    events = models.PositiveIntegerField(default=1)
    attempts = models.PositiveSmallIntegerField(default=0)
    given_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = (
            models.Index(
                fields=["not_before"],
                condition=Q(sent_at__isnull=True, given_up_at__isnull=True),
                name="push_unsent_idx",
            ),
        )

    def __str__(self) -> str:
        return f"Push to {self.subscription} at {self.not_before}"

    @classmethod
    def unsent(cls) -> Q:
        return Q(sent_at__isnull=True, given_up_at__isnull=True)
