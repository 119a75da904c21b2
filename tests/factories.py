from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User
from django.utils.text import slugify

from poles.models import LocationPrecision, Member, MemberCategory, Membership, Pole
from poles.search import poles_search_refresh
from poles.territories.models import Commune, Department, Epci, Region, search_key


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

    @factory.post_generation
    def search_documents(pole, create, extracted, **kwargs):
        # What the write service does after each write (a factory writes around it).
        if create:
            poles_search_refresh(model=Pole, pole_ids=[pole.pk])


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"Structure membre {n}")
    category = MemberCategory.ESS_ENTERPRISE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    pole = factory.SubFactory(PoleFactory)
    member = factory.SubFactory(MemberFactory)

    @factory.post_generation
    def search_documents(membership, create, extracted, **kwargs):
        if create:
            poles_search_refresh(model=Pole, pole_ids=[membership.pole_id])


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


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci

    siren = factory.Sequence(lambda n: f"2{n:08d}")
    name = factory.Sequence(lambda n: f"Communauté de communes d'essai {n}")
    kind = "CC"
    search_name = factory.LazyAttribute(lambda epci: search_key(epci.name))


class CommuneFactory(factory.django.DjangoModelFactory):
    """A commune; give its name, department code and point like the official list does."""

    class Meta:
        model = Commune

    code = factory.Sequence(lambda n: f"{44000 + n:05d}")
    name = factory.Sequence(lambda n: f"Commune d'essai {n}")
    search_name = factory.LazyAttribute(lambda commune: search_key(commune.name))
    department = factory.LazyFunction(lambda: department("44"))
    postcodes = ""
    latitude = Decimal("47.218630")
    longitude = Decimal("-1.553770")
    population = 1000
