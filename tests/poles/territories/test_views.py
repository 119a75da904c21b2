"""A place in the directory: poles located there, in its department, the nearest ones."""

import re
from decimal import Decimal
from html import unescape

import pytest

from tests.factories import PoleFactory, department, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def breton_and_nantes(places):
    lorient = PoleFactory(name="Pôle de Lorient", commune="Lorient", commune_insee="56121",
                          department=department("56"), region=region("53"),
                          latitude=Decimal("47.7483"), longitude=Decimal("-3.37"),
                          location_precision="commune")  # fmt: skip
    lorient.themes.add(*[])
    nantes = PoleFactory(name="Pôle de Nantes", located=True)
    return lorient, nantes


def test_a_place_with_no_pole_says_so_and_lists_the_nearest(client, breton_and_nantes):
    response = client.get("/", {"lieu": "commune:29232"})
    html = unescape(response.content.decode())
    assert response.context["total"] == 0
    assert "Aucun pôle n'est encore situé à Quimper (29) ni dans le département (Finistère)" in html
    nearest = re.findall(r'<li><a href="/poles/[^"]+/">([^<]+)</a>.*?à (\d+) km', html)
    assert [name for name, _ in nearest] == ["Pôle de Lorient", "Pôle de Nantes"]
    assert int(nearest[0][1]) < int(nearest[1][1])
    assert 'data-place-latitude="47.996194"' in html


def test_a_place_lists_the_poles_located_there(client, breton_and_nantes):
    response = client.get("/", {"lieu": "commune:44109"})
    assert [p.name for p in response.context["page"]] == ["Pôle de Nantes"]
    assert "1 pôle situé dans ce lieu : Nantes (44)" in response.content.decode()
    # The nearest others leave out the poles already listed.
    assert [p.name for p in response.context["nearest"]] == ["Pôle de Lorient"]
    region_page = client.get("/", {"lieu": "region:53"})
    assert [p.name for p in region_page.context["page"]] == ["Pôle de Lorient"]


def test_a_place_combines_with_the_other_filters_and_the_facets(client, breton_and_nantes):
    lorient, _ = breton_and_nantes
    lorient.themes.add(*lorient.themes.model.objects.filter(code="culture"))
    response = client.get("/", {"lieu": "departement:56", "thematique": "culture"})
    assert response.context["total"] == 1
    panel = {group["name"]: group for group in response.context["filter_panel"]}
    themes = {o["value"]: o["count"] for o in panel["thematique"]["options"]}
    assert themes["culture"] == 1 and themes.get("alimentation", 0) == 0
    assert "lieu=departement%3A56" in response.context["selection"]
    data = client.get("/carte/poles.geojson", {"lieu": "departement:56"}).json()
    assert [f["properties"]["name"] for f in data["features"]] == ["Pôle de Lorient"]


def test_typing_a_place_without_javascript_goes_to_its_code(client, breton_and_nantes):
    response = client.get("/", {"ou": "29000", "thematique": "culture"})
    assert response.status_code == 302
    assert response["Location"] == "/?thematique=culture&lieu=commune%3A29232"
    response = client.get("/", {"ou": "Quimper"})
    assert response["Location"] == "/?lieu=commune%3A29232"


def test_homonyms_are_listed_to_choose_from(client, places):
    response = client.get("/", {"ou": "saint denis"})
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Plusieurs lieux correspondent à « saint denis »" in html
    assert '<a href="/?lieu=commune:97411">Saint-Denis (974)</a>' in html.replace("%3A", ":")
    assert '<a href="/?lieu=commune:93066">Saint-Denis (93)</a>' in html.replace("%3A", ":")


def test_an_unknown_place_gets_a_clear_message(client, places):
    html = unescape(client.get("/", {"ou": "Atlantide"}).content.decode())
    assert "Aucun lieu ne correspond à « Atlantide »" in html
    response = client.get("/", {"lieu": "commune:99999"})
    assert response.status_code == 200
    assert "ne désigne aucun lieu connu" in unescape(response.content.decode())


def test_around_me_sorts_the_poles_by_distance(client, breton_and_nantes):
    response = client.get("/", {"lieu": "point:47.9,-4.0"})
    assert response.context["total"] == 2  # a point is no territory: nothing is left out
    assert [p.name for p in response.context["nearest"]] == ["Pôle de Lorient", "Pôle de Nantes"]
    assert "Les pôles les plus proches de votre position" in response.content.decode()


def test_suggestions_as_one_types(client, places):
    data = client.get("/lieux/", {"q": "quim"}).json()
    assert data["places"][0] == {"key": "commune:29232", "label": "Quimper (29)",
                                 "kind": "commune"}  # fmt: skip
    assert client.get("/lieux/", {"q": "q"}).json() == {"places": []}
    assert client.get("/lieux/", {"q": "%" * 300}).status_code == 200


def test_a_postcode_shared_by_several_communes_lists_them(client, places):
    from tests.factories import CommuneFactory, department

    CommuneFactory(code="29020", name="Briec", department=department("29"), postcodes="29510")
    CommuneFactory(code="29119", name="Landrévarzec", department=department("29"),
                   postcodes="29510")  # fmt: skip
    response = client.get("/", {"ou": "29510"})
    html = unescape(response.content.decode())
    assert "Briec (29)" in html and "Landrévarzec (29)" in html


def test_an_intercommunality_across_two_departments(client, places):
    from tests.factories import CommuneFactory, EpciFactory

    epci = EpciFactory(siren="200067411", name="Entre Loire et Vilaine")
    CommuneFactory(code="44999", name="Commune ligérienne", epci=epci,
                   department=department("44"))  # fmt: skip
    CommuneFactory(code="35999", name="Commune bretillienne", epci=epci,
                   department=department("35"))  # fmt: skip
    PoleFactory(name="Dans l'EPCI", commune_insee="35999", department=department("35"),
                region=region("53"))  # fmt: skip
    response = client.get("/", {"lieu": "epci:200067411"})
    assert [p.name for p in response.context["page"]] == ["Dans l'EPCI"]
    assert response.context["place"].label == "Entre Loire et Vilaine (35, 44)"


def test_poles_acting_on_a_place_are_not_those_located_there(client, places):
    from poles.territories.models import Commune, Epci

    located = PoleFactory(name="Situé à Quimper", commune_insee="29232",
                          department=department("29"), region=region("53"))  # fmt: skip
    acting = PoleFactory(name="Agit en Cornouaille", located=True)
    acting.action_epcis.add(Epci.objects.get(siren="200068120"))
    regional = PoleFactory(name="Agit en Bretagne")
    regional.action_regions.add(region("53"))
    elsewhere = PoleFactory(name="Agit à Nantes")
    elsewhere.action_communes.add(Commune.objects.get(code="44109"))
    here = client.get("/", {"lieu": "commune:29232"})
    assert [p.name for p in here.context["page"]] == [located.name]
    acting_here = client.get("/", {"lieu": "commune:29232", "portee": "agit"})
    assert {p.name for p in acting_here.context["page"]} == {acting.name, regional.name}
    assert "agissent sur ce lieu" in acting_here.content.decode()
    by_department = client.get("/", {"lieu": "departement:29", "portee": "agit"})
    assert {p.name for p in by_department.context["page"]} == {acting.name, regional.name}
    page = client.get(acting.get_absolute_url()).content.decode()
    assert "Agit sur" in page and "Quimper Bretagne Occidentale" in page


def test_a_place_page_runs_a_fixed_number_of_queries(client, breton_and_nantes,
                                                     django_assert_num_queries):  # fmt: skip
    for _ in range(3):  # more poles, same count
        PoleFactory(located=True)
    client.get("/", {"lieu": "commune:44109"})  # the directory's counts, once per version
    from django.core.cache import cache

    cache.delete_many([key for key in cache._cache if ":page-" in key])
    with django_assert_num_queries(23):
        response = client.get("/", {"lieu": "commune:44109", "thematique": "culture"})
    assert response.context["total"] == 0
