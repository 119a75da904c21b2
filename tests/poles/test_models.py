from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from poles.models import (
    CharterStatus,
    LocationPrecision,
    Membership,
    Pole,
)
from poles.territories.models import PlaceKind
from tests.factories import MemberFactory, MembershipFactory, PoleFactory

pytestmark = pytest.mark.django_db


def assert_db_refuses(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        PoleFactory(**fields)


def test_slugs_are_unique():
    PoleFactory(name="Pôle A", slug="pole-a")
    assert_db_refuses(name="Pôle B", slug="pole-a")


def test_names_are_unique_whatever_the_case():
    PoleFactory(name="Les Ecossolies")
    assert_db_refuses(name="les ecossolies", slug="autre")


def test_latitude_and_longitude_go_together():
    assert_db_refuses(
        latitude=Decimal("47.2"), longitude=None, location_precision=LocationPrecision.COMMUNE
    )
    assert_db_refuses(
        latitude=None, longitude=Decimal("-1.5"), location_precision=LocationPrecision.COMMUNE
    )


@pytest.mark.parametrize(
    ("latitude", "longitude"), [("91", "2"), ("-90.5", "2"), ("45", "180.5"), ("45", "-181")]
)
def test_coordinates_out_of_range_are_refused_by_the_database(latitude, longitude):
    assert_db_refuses(
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        location_precision=LocationPrecision.COMMUNE,
    )


def test_location_precision_matches_the_point():
    assert_db_refuses(location_precision=LocationPrecision.COMMUNE)
    assert_db_refuses(
        latitude=Decimal("47.2"),
        longitude=Decimal("-1.5"),
        location_precision=LocationPrecision.NONE,
    )


def test_charter_year_needs_a_signatory():
    assert_db_refuses(charter_status=CharterStatus.UNKNOWN, charter_year=2014)
    pole = PoleFactory(charter_status=CharterStatus.YES, charter_year=2014)
    assert pole.charter_year == 2014


def test_year_created_range_is_enforced():
    assert_db_refuses(year_created=1850)


def test_a_member_belongs_once_to_a_pole():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(pole=membership.pole, member=membership.member)


def test_a_member_may_belong_to_several_poles():
    member = MemberFactory()
    MembershipFactory(member=member)
    MembershipFactory(member=member)
    assert member.memberships.count() == 2


def test_clean_refuses_a_point_outside_france():
    pole = PoleFactory.build(
        latitude=Decimal("40.4168"),  # Madrid
        longitude=Decimal("-3.7038"),
        location_precision=LocationPrecision.COMMUNE,
    )
    with pytest.raises(ValidationError) as error:
        pole.full_clean()
    assert "hors de France" in str(error.value.message_dict["latitude"])


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        ("48.8566", "2.3522"),  # Paris
        ("41.9192", "8.7386"),  # Ajaccio
        ("16.2650", "-61.5510"),  # Guadeloupe
        ("14.6161", "-61.0588"),  # Martinique
        ("4.9224", "-52.3135"),  # Cayenne
        ("-20.8789", "55.4481"),  # Saint-Denis (La Réunion)
        ("-12.7806", "45.2278"),  # Mamoudzou
    ],
)
def test_clean_accepts_points_in_metropolitan_and_overseas_france(latitude, longitude):
    pole = PoleFactory.build(
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        location_precision=LocationPrecision.COMMUNE,
    )
    pole.full_clean()


def test_clean_keeps_a_region_without_department():
    from tests.factories import region

    pole = PoleFactory.build(department=None, region=region("53"))
    pole.full_clean()
    assert pole.region.code == "53"


def test_clean_refuses_a_half_point():
    pole = PoleFactory.build(latitude=Decimal("47.2"), longitude=None)
    with pytest.raises(ValidationError) as error:
        pole.full_clean()
    assert "longitude" in error.value.message_dict


@pytest.mark.parametrize(
    ("siren", "valid"),
    [
        ("732829320", True),  # a real SIREN
        ("732829321", False),
        ("73282932000074", True),  # a real SIRET of that SIREN
        ("73282932000075", False),
        ("35600000000001", True),  # La Poste: digits add up to a multiple of 5
        ("35600000000002", False),
        ("12345", False),
        ("abcdefghi", False),
    ],
)
def test_carrier_siren_is_checked(siren, valid):
    pole = PoleFactory.build(carrier_siren=siren)
    if valid:
        pole.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            pole.full_clean()
        assert "carrier_siren" in error.value.message_dict


def test_queryset_verbs():
    published = PoleFactory(located=True)
    PoleFactory(unpublished=True)
    unlocated = PoleFactory()
    assert list(Pole.objects.published().located()) == [published]
    assert list(Pole.objects.published().unlocated()) == [unlocated]
    assert list(Pole.objects.in_territory(PlaceKind.REGION, "52")) == [published]
    assert list(Pole.objects.in_territory(PlaceKind.DEPARTMENT, "44")) == [published]
    assert list(Pole.objects.in_territory(PlaceKind.DEPARTMENT, "29")) == []


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ecopole", True),
        ("ÉCOPÔLE", True),
        ("Ecopôle alimentaire", True),
        ("audruicq", True),  # commune
        ("cocagne", True),  # member name
        ("porteuse", True),  # carrier
        ("ECOPA", True),  # short name
        ("bretagne", False),
    ],
)
def test_search_ignores_accents_and_case(query, found):
    pole = PoleFactory(
        name="Écopôle alimentaire",
        short_name="EcoPAL",
        carrier_name="Association porteuse",
        commune="Audruicq",
    )
    MembershipFactory(pole=pole, member=MemberFactory(name="Jardins de Cocagne"))
    PoleFactory(name="Autre pôle")
    assert (list(Pole.objects.search(query)) == [pole]) is found
