"""Finding a place from what a person types, and the nearest poles with their distances."""

from decimal import Decimal

import pytest

from poles.models import Pole
from poles.territories.models import search_key
from poles.territories.selectors import place_get, place_search, poles_nearest
from tests.factories import PoleFactory, department, region

pytestmark = pytest.mark.django_db


def labels(text: str) -> list[str]:
    return [place.label for place in place_search(text=text)]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Saint-Denis", "st denis"),
        ("st denis", "st denis"),
        ("SAINT DENIS", "st denis"),
        ("Sainte-Anne", "ste anne"),
        ("Ergué-Gabéric", "ergue gaberic"),
        ("l'Île d'Yeu", "ile d yeu"),
        ("Le Havre", "havre"),
    ],
)
def test_names_compare_without_accents_case_hyphens_or_saint(typed, key):
    assert search_key(typed) == key


def test_a_commune_name_finds_it_first(places):
    assert labels("quimper")[0] == "Quimper (29)"
    assert labels("ergue gaberic") == ["Ergué-Gabéric (29)"]


def test_homonyms_are_all_listed_with_their_department(places):
    found = labels("St-Denis")
    assert found[:2] == ["Saint-Denis (974)", "Saint-Denis (93)"]  # the most populous first
    assert "Saint-Denis-en-Val (45)" in found


def test_a_postcode_finds_its_communes(places):
    assert labels("29000") == ["Quimper (29)"]
    assert labels("44300") == ["Nantes (44)"]
    assert labels("99999") == []


def test_departments_regions_and_intercommunalities_are_places(places):
    assert labels("Finistère")[0] == "Finistère (29)"
    assert labels("29")[0] == "Finistère (29)"
    assert labels("2A")[0] == "Corse-du-Sud (2A)"
    assert labels("bretagne")[0] == "Bretagne (région)"
    assert "Pays de Landerneau-Daoulas (29)" in labels("landerneau")


@pytest.mark.parametrize(
    "key",
    ["commune:00000", "epci:1", "departement:99", "region:00", "point:abc", "point:95,2",
     "nowhere:1", "", "commune"],
)  # fmt: skip
def test_a_bad_code_names_no_place(places, key):
    assert place_get(key=key) is None


def test_a_place_has_a_point(places):
    quimper = place_get(key="commune:29232")
    assert (quimper.latitude, quimper.longitude) == (47.996194, -4.102035)
    assert quimper.department_name == "Finistère"
    finistere = place_get(key="departement:29")
    assert 47.9 < finistere.latitude < 48.5  # the centre of its communes


def test_nearest_poles_are_sorted_by_distance_in_kilometres(places):
    lorient = PoleFactory(name="À Lorient", latitude=Decimal("47.7483"),
                          longitude=Decimal("-3.37"), location_precision="commune")  # fmt: skip
    nantes = PoleFactory(name="À Nantes", located=True)
    PoleFactory(name="Approximatif", approximate=True)  # a department's seat: no distance
    PoleFactory(name="Sans lieu")
    quimper = place_get(key="commune:29232")
    nearest = poles_nearest(latitude=quimper.latitude, longitude=quimper.longitude,
                            poles=Pole.objects.published())  # fmt: skip
    assert [p.name for p in nearest] == [lorient.name, nantes.name]
    assert 55 < nearest[0].distance < 65  # Quimper to Lorient, as the crow flies
    assert 190 < nearest[1].distance < 215


def test_across_the_ocean_nothing_is_near(places):
    PoleFactory(name="À Nantes", located=True)
    reunion = place_get(key="commune:97411")
    assert poles_nearest(latitude=reunion.latitude, longitude=reunion.longitude,
                         poles=Pole.objects.published()) == []  # fmt: skip


def test_nearest_query_count_does_not_grow_with_poles(places, django_assert_num_queries):
    for _ in range(30):
        PoleFactory(located=True, department=department("44"), region=region("52"))
    quimper = place_get(key="commune:29232")
    with django_assert_num_queries(1):
        nearest = poles_nearest(latitude=quimper.latitude, longitude=quimper.longitude,
                                poles=Pole.objects.published(), limit=5)  # fmt: skip
    assert len(nearest) == 5
