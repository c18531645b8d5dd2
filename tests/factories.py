from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from couples.models import Couple, Membership, User

PASSWORD = "a calm evening walk"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    time_zone = "Europe/Berlin"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class CoupleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Couple

    name = factory.Sequence(lambda n: f"Space {n}")
    time_zone = "Europe/Berlin"


def pair(*users: User, couple: Couple | None = None) -> Couple:
    couple = couple or CoupleFactory()
    for user in users:
        Membership.objects.create(couple=couple, user=user)
    return couple
