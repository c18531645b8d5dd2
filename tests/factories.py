from __future__ import annotations

from datetime import UTC, datetime

from allauth.account.models import EmailAddress
from factory.declarations import PostGenerationMethodCall, Sequence
from factory.django import DjangoModelFactory
from factory.helpers import post_generation

from couples.models import Couple, Membership, User
from couples.signals import couple_created
from notices.models import Channel, NotificationPreference

PASSWORD = "a calm evening walk"
# When the people `pair` puts together joined: long before anything a test writes, also in tests
# that travel back in time, since a member reads only what was shared since they joined.
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = Sequence(lambda n: f"person{n}@example.com")
    display_name = Sequence(lambda n: f"Person {n}")
    time_zone = "Europe/Berlin"
    password = PostGenerationMethodCall("set_password", PASSWORD)

    @post_generation  # type: ignore[untyped-decorator]  # factory-boy leaves it unannotated
    def verified(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @post_generation  # type: ignore[untyped-decorator]  # factory-boy leaves it unannotated
    def notifications(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Someone who was already asked, with the choices people had before they were asked
        (agreement emails and reminders by email); `notifications=False` leaves them unasked,
        as a person who just signed up is."""
        if create and extracted is not False:
            NotificationPreference.objects.create(
                user=obj, agreement=Channel.EMAIL, reminder=Channel.EMAIL, asked=True
            )


class CoupleFactory(DjangoModelFactory[Couple]):
    class Meta:
        model = Couple

    name = Sequence(lambda n: f"Space {n}")
    time_zone = "Europe/Berlin"


def pair(*users: User, couple: Couple | None = None) -> Couple:
    """Put `users` in `couple` (a new one by default), seeded as a newly created couple is. Each
    takes a free seat, as joining does: a couple never has more than two members."""
    is_new = couple is None or not couple.memberships.exists()
    couple = couple or CoupleFactory.create()
    for user in users:
        seat = Membership.free_seat(couple)
        assert seat is not None, f"{couple} already has two members"
        Membership.objects.create(couple=couple, user=user, seat=seat, joined_at=LONG_AGO)
    if is_new and users:
        couple_created.send(sender=Couple, couple=couple, user=users[0])
    return couple
