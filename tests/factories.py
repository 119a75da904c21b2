from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User
from django.utils.text import slugify

from poles.models import (
    Department,
    LocationPrecision,
    Member,
    MemberCategory,
    Membership,
    Pole,
    Region,
)


def department(code: str) -> Department:
    return Department.objects.get(code=code)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


class PoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pole
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Pôle d'essai {n}")
    slug = factory.LazyAttribute(lambda pole: slugify(pole.name))
    summary = "Pôle créé pour les tests."
    is_published = True

    class Params:
        # A pole in Nantes, placed at its town hall.
        located = factory.Trait(
            commune="Nantes",
            commune_insee="44109",
            department=factory.LazyFunction(lambda: department("44")),
            region=factory.LazyFunction(lambda: region("52")),
            latitude=Decimal("47.218630"),
            longitude=Decimal("-1.553770"),
            location_precision=LocationPrecision.COMMUNE,
        )
        approximate = factory.Trait(
            department=factory.LazyFunction(lambda: department("59")),
            region=factory.LazyFunction(lambda: region("32")),
            latitude=Decimal("50.636565"),
            longitude=Decimal("3.063528"),
            location_precision=LocationPrecision.DEPARTMENT_SEAT,
        )
        unpublished = factory.Trait(is_published=False)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"Structure membre {n}")
    category = MemberCategory.ESS_ENTERPRISE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    pole = factory.SubFactory(PoleFactory)
    member = factory.SubFactory(MemberFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"personne{n}")
    password = factory.django.Password("mot-de-passe-de-test-2026")

    class Params:
        editor = factory.Trait(
            is_staff=True,
            groups=factory.PostGeneration(
                lambda user, create, extracted, **kw: user.groups.add(
                    Group.objects.get(name="éditeur")
                )
            ),
        )
        superuser = factory.Trait(is_staff=True, is_superuser=True)
