from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from datetime import datetime, timedelta
from functools import cache
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

INVITATION_LIFETIME = timedelta(days=7)


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [(name, name.replace("_", " ")) for name in names]


def validate_time_zone(value: str) -> None:
    if value not in dict(time_zone_choices()):
        raise ValidationError(_("Choose a time zone from the list."))


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), unique=True)
    display_name = models.CharField(_("display name"), max_length=60)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Couple(models.Model):
    name = models.CharField(_("name of your space"), max_length=80)
    time_zone = models.CharField(
        _("home time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Membership(models.Model):
    """A person's place in a couple. The database holds both rules: the one-to-one keeps a person
    in at most one couple, and each member sits in seat 1 or 2 of their couple, never both in
    one, so a couple never has more than two members. The services also lock the couple row
    while adding one, so a full couple is refused with words rather than a database error."""

    SEATS = (1, 2)
    MAX_MEMBERS = len(SEATS)

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    seat = models.PositiveSmallIntegerField(choices=[(seat, str(seat)) for seat in SEATS])
    joined_at = models.DateTimeField(default=timezone.now)
    # Set when the partner left and chose that this member learn it on their next visit rather
    # than by email; the first page they open afterwards shows the notice once and clears it.
    partner_left_notice = models.BooleanField(default=False)

    class Meta:
        constraints = (
            models.CheckConstraint(condition=Q(seat__in=(1, 2)), name="membership_seat_1_or_2"),
            models.UniqueConstraint(fields=("couple", "seat"), name="membership_one_per_seat"),
        )

    def __str__(self) -> str:
        return f"{self.user} in {self.couple}"

    @classmethod
    def free_seat(cls, couple: Couple) -> int | None:
        """The first seat of `couple` no member holds, or None when the couple has two members."""
        taken = set(cls.objects.filter(couple=couple).values_list("seat", flat=True))
        return next((seat for seat in cls.SEATS if seat not in taken), None)


class TellPartner(models.TextChoices):
    """How the partner who stays learns that the other has left."""

    EMAIL = "email", _("Send them a short email now")
    NEXT_VISIT = "next_visit", _("Tell them the next time they open Hearth")


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def for_couple(self, couple: Couple) -> InvitationQuerySet:
        return self.filter(couple=couple)

    def visible_to(self, membership: Membership) -> InvitationQuerySet:
        """The couple's invitations: either member may see and withdraw them."""
        return self.filter(couple_id=membership.couple_id)

    def open(self, now: datetime) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation to join a couple. Only a hash of its token is stored: the link is shown
    once, to the person who creates it, and sent by email if they give an address."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("partner's email"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Invitation to {self.couple}"

    @classmethod
    def new_token(cls) -> str:
        return secrets.token_urlsafe(32)

    def problem(self, now: datetime) -> str:
        """Why this invitation can no longer be used, or "" when it can."""
        if self.revoked_at is not None:
            return str(_("This invitation was withdrawn. Ask your partner for a new link."))
        if self.accepted_at is not None:
            return str(_("This invitation has already been used. Ask your partner for a new link."))
        if self.expires_at <= now:
            return str(_("This invitation has expired. Ask your partner for a new link."))
        return ""
