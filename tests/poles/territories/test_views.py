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
    # The list itself is by distance, each pole with it (no second list of the nearest).
    assert [p.name for p in response.context["page"]] == ["Pôle de Lorient", "Pôle de Nantes"]
    assert response.context["nearest"] == []
    html = unescape(response.content.decode())
    assert "Les pôles les plus proches de votre position" in html
    lorient, nantes = (round(p.distance) for p in response.context["page"])
    assert 45 < lorient < 55 and 190 < nantes < 215
    assert html.index(f"à {lorient} km") < html.index(f"à {nantes} km")
    # A sort asked for still wins.
    response = client.get("/", {"lieu": "point:47.9,-4.0", "tri": "-nom"})
    assert [p.name for p in response.context["page"]] == ["Pôle de Nantes", "Pôle de Lorient"]


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
    # One query per facet (ten of them) among these.
    with django_assert_num_queries(24):
        response = client.get("/", {"lieu": "commune:44109", "thematique": "culture"})
    assert response.context["total"] == 0


@pytest.fixture
def finistere_seat(places):
    """Placed at Quimper's prefecture because its commune is unknown (60 km from Lorient)."""
    return PoleFactory(name="Pôle du Finistère", department=department("29"),
                       region=region("53"), latitude=Decimal("47.9960"),
                       longitude=Decimal("-4.1020"), location_precision="departement")  # fmt: skip


def test_a_pole_placed_at_its_department_seat_is_among_the_nearest_marked_approximate(
    client, breton_and_nantes, finistere_seat
):
    seat = finistere_seat
    response = client.get("/", {"lieu": "commune:56121"})
    names = [p.name for p in response.context["nearest"]]
    assert names == [seat.name, "Pôle de Nantes"]
    html = unescape(response.content.decode())
    assert re.search(r"Pôle du Finistère</a>.*?≈ \d+ km</span> <span class=\"note\">"
                     r"\(position approximative : département\)", html)  # fmt: skip
    # A pole at its commune's town hall is not marked.
    assert re.search(r"Pôle de Nantes</a>.*?à \d+ km</span></li>", html)


def test_a_place_without_poles_names_and_links_those_of_its_department(client, breton_and_nantes):
    quimper = PoleFactory(name="Pôle de Quimper", commune_insee="29232", commune="Quimper",
                          department=department("29"), region=region("53"))  # fmt: skip
    response = client.get("/", {"lieu": "commune:29051"})  # Ergué-Gabéric, in the Finistère
    assert response.context["total"] == 0
    html = unescape(response.content.decode())
    assert ("Aucun pôle n'est situé à Ergué-Gabéric (29) ; 1 pôle dans le département "
            "(Finistère) :") in html  # fmt: skip
    listed = re.search(r'<ul class="department-poles"[^>]*>(.*?)</ul>', html, re.S).group(1)
    assert f'<a href="{quimper.get_absolute_url()}">Pôle de Quimper</a> — Quimper' in listed
    assert "Pôle de Lorient" not in listed


def test_the_map_of_a_place_opens_on_the_place_and_the_poles_listed_for_it(
    client, breton_and_nantes
):
    response = client.get("/", {"lieu": "commune:29232"})
    south, west, north, east = map(float, response.context["place_bounds"].split(","))
    # Quimper, the nearest poles of Lorient and Nantes: all inside.
    for lat, lon in ((47.996194, -4.102035), (47.7483, -3.37), (47.21863, -1.55377)):
        assert south <= lat <= north and west <= lon <= east
    assert f'data-place-bounds="{response.context["place_bounds"]}"' in response.content.decode()


@pytest.mark.parametrize(
    "typed",
    [
        "CA Quimper Bretagne Occidentale",
        "Quimper Bretagne Occidentale",
        "Communauté d'agglomération Quimper Bretagne Occidentale",
        "agglo quimper bretagne occidentale",
    ],
)
def test_intercommunalities_are_found_with_or_without_their_legal_form(places, typed):
    from poles.territories.selectors import place_search

    assert [p.key for p in place_search(text=typed)][:1] == ["epci:200068120"]


def test_words_that_name_a_place_offer_it_and_go_there_when_no_pole_matches(
    client, breton_and_nantes
):
    # No pole's words say "Quimper": the place itself.
    response = client.get("/", {"q": "quimper", "thematique": "culture"})
    assert response.status_code == 302
    assert response["Location"] == "/?thematique=culture&lieu=commune%3A29232"
    # A pole's words say "Nantes": its results, and the place offered.
    response = client.get("/", {"q": "Nantes"})
    assert response.status_code == 200 and response.context["total"] == 1
    html = unescape(response.content.decode())
    assert 'Nantes est un lieu (commune) : <a href="/?lieu=commune%3A44109">' in html
    # An intercommunality, by the name people use.
    response = client.get("/", {"q": "CA Quimper Bretagne Occidentale"})
    assert response["Location"] == "/?lieu=epci%3A200068120"
    # Words naming no place, or several (homonyms), offer nothing.
    assert client.get("/", {"q": "Pôle de"}).context["named_place"] is None


def test_the_poles_of_the_department_are_not_listed_again_among_the_nearest(
    client, breton_and_nantes, finistere_seat
):
    seat = finistere_seat
    response = client.get("/", {"lieu": "commune:29051"})
    assert [p.name for p in response.context["department_poles"]] == [seat.name]
    assert seat.name not in [p.name for p in response.context["nearest"]]
    assert [p.name for p in response.context["nearest"]] == ["Pôle de Lorient", "Pôle de Nantes"]
