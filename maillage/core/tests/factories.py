"""Test factories (factory_boy). Personas are assembled from these in `maillage/conftest.py`."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from maillage.core.models import Member, Operator, Role, Space
from maillage.members.models import User

PASSWORD = "correct-horse-battery-staple"


class OperatorFactory(DjangoModelFactory):
    class Meta:
        model = Operator
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Opérateur {n}")
    slug = factory.Sequence(lambda n: f"operateur-{n}")


class SpaceFactory(DjangoModelFactory):
    class Meta:
        model = Space
        django_get_or_create = ("slug",)

    operator = factory.SubFactory(OperatorFactory)
    name = factory.Sequence(lambda n: f"Espace {n}")
    slug = factory.Sequence(lambda n: f"espace-{n}")
    city = "Lyon"
    opening_hours = factory.LazyFunction(
        lambda: {d: [["08:30", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"primary": True, "verified": True}
            )


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    home_space = factory.SubFactory(SpaceFactory)
    operator = factory.LazyAttribute(lambda m: m.home_space.operator)
    role = Role.MEMBER

    @factory.post_generation
    def manages(self, create, extracted, **kwargs):
        if create and self.role == Role.MANAGER:
            self.managed_spaces.add(self.home_space, *(extracted or []))
