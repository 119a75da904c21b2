"""What "in this territory" and "acting on it" mean, for every kind of territory."""

import pytest

from poles.models import Pole
from poles.territories.models import (
    TERRITORIES,
    Commune,
    Department,
    Epci,
    PlaceKind,
    Region,
    acting_on,
    located_in,
)
from poles.territories.selectors import place_get
from tests.factories import PoleFactory, department, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def quimper_pole(places):
    return PoleFactory(name="Situé à Quimper", commune_insee="29232",
                       department=department("29"), region=region("53"))  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "code", "inside"),
    [
        (PlaceKind.COMMUNE, "29232", True),
        (PlaceKind.COMMUNE, "29051", False),  # another commune of the same EPCI
        (PlaceKind.EPCI, "200068120", True),
        (PlaceKind.EPCI, "242900645", False),
        (PlaceKind.DEPARTMENT, "29", True),
        (PlaceKind.DEPARTMENT, "56", False),
        (PlaceKind.REGION, "53", True),
        (PlaceKind.REGION, "52", False),
    ],
)
def test_a_pole_is_in_the_territories_that_hold_its_commune(quimper_pole, kind, code, inside):
    found = Pole.objects.in_territory(kind, code)
    assert list(found) == ([quimper_pole] if inside else [])
    # The same definition reaches the place links of the directory.
    assert list(Pole.objects.filter(located_in(kind, [code]))) == list(found)


def test_several_territories_of_one_kind_are_or_ed(quimper_pole, places):
    nantes = PoleFactory(located=True)
    both = Pole.objects.in_territory(PlaceKind.DEPARTMENT, "29", "44")
    assert set(both) == {quimper_pole, nantes}
    assert list(Pole.objects.in_territory(PlaceKind.REGION, "11", "84")) == []


@pytest.mark.parametrize(
    ("declared", "place", "covered"),
    [
        # The territory itself.
        ((PlaceKind.COMMUNE, "29232"), (PlaceKind.COMMUNE, "29232"), True),
        ((PlaceKind.EPCI, "200068120"), (PlaceKind.EPCI, "200068120"), True),
        # A territory that holds the place.
        ((PlaceKind.EPCI, "200068120"), (PlaceKind.COMMUNE, "29051"), True),
        ((PlaceKind.DEPARTMENT, "29"), (PlaceKind.COMMUNE, "29103"), True),
        ((PlaceKind.REGION, "53"), (PlaceKind.EPCI, "242900645"), True),
        ((PlaceKind.REGION, "53"), (PlaceKind.DEPARTMENT, "56"), True),
        # A territory inside a department or a region.
        ((PlaceKind.COMMUNE, "29103"), (PlaceKind.DEPARTMENT, "29"), True),
        ((PlaceKind.EPCI, "200068120"), (PlaceKind.REGION, "53"), True),
        ((PlaceKind.DEPARTMENT, "56"), (PlaceKind.REGION, "53"), True),
        # Elsewhere, or a neighbour inside the same larger territory.
        ((PlaceKind.COMMUNE, "44109"), (PlaceKind.COMMUNE, "29232"), False),
        ((PlaceKind.COMMUNE, "29103"), (PlaceKind.COMMUNE, "29232"), False),
        ((PlaceKind.EPCI, "242900645"), (PlaceKind.EPCI, "200068120"), False),
        ((PlaceKind.DEPARTMENT, "44"), (PlaceKind.REGION, "53"), False),
        ((PlaceKind.COMMUNE, "29232"), (PlaceKind.EPCI, "242900645"), False),
    ],
)
def test_acting_on_a_place(places, declared, place, covered):
    kind, code = declared
    pole = PoleFactory(name="Agit quelque part")
    getattr(pole, TERRITORIES[kind].action).add(TERRITORIES[kind].get(code))
    PoleFactory(name="N'agit nulle part")
    found = list(Pole.objects.acting_on(*place))
    assert found == ([pole] if covered else [])
    assert list(Pole.objects.filter(acting_on(place[0], [place[1]]))) == found


def test_the_table_names_each_territory_its_model_code_and_relation(places):
    models = {PlaceKind.REGION: Region, PlaceKind.DEPARTMENT: Department,
              PlaceKind.EPCI: Epci, PlaceKind.COMMUNE: Commune}  # fmt: skip
    assert {kind: t.model for kind, t in TERRITORIES.items()} == models
    assert set(TERRITORIES) == set(PlaceKind) - {PlaceKind.POINT}
    holding_quimper = {PlaceKind.REGION: "53", PlaceKind.DEPARTMENT: "29",
                       PlaceKind.EPCI: "200068120", PlaceKind.COMMUNE: "29232"}  # fmt: skip
    for kind, code in holding_quimper.items():
        territory = TERRITORIES[kind]
        assert getattr(territory.get(code), territory.code_field) == code
        assert place_get(key=f"{kind}:{code}").code == code
        assert Pole._meta.get_field(territory.action).related_model is territory.model
        assert places["quimper"] in territory.communes([code])
        assert places["nantes"] not in territory.communes([code])
    assert TERRITORIES[PlaceKind.DEPARTMENT].get("2a") == Department.objects.get(code="2A")
    assert TERRITORIES[PlaceKind.COMMUNE].get("99999") is None


def test_a_territory_zooms_out_as_it_grows(places):
    zooms = [place_get(key=key).zoom for key in
             ("point:47.99,-4.10", "commune:29232", "epci:200068120", "departement:29",
              "region:53")]  # fmt: skip
    assert zooms == sorted(zooms, reverse=True) and len(set(zooms[1:])) == 4
