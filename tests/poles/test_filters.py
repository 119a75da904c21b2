import pytest
from django.http import QueryDict

from poles.filters import PoleFilter
from poles.models import Approach, CharterStatus, MemberCategory, Pole, StateCall, Theme
from tests.factories import MemberFactory, MembershipFactory, PoleFactory, department, region

pytestmark = pytest.mark.django_db


def names(query: str) -> list[str]:
    filterset = PoleFilter(QueryDict(query), queryset=Pole.objects.published().order_by("name"))
    return [pole.name for pole in filterset.qs]


@pytest.fixture
def poles():
    """A small directory where each filter separates the poles."""
    food = PoleFactory(
        name="Alimentation bretonne",
        department=department("35"),
        region=region("53"),
        has_common_place=True,
        stage="emergent",
        charter_status=CharterStatus.YES,
    )
    food.approaches.set(Approach.objects.filter(code__in=["citoyenne", "filiere"]))
    food.themes.set(Theme.objects.filter(code="alimentation"))
    food.recognitions.set(StateCall.objects.filter(code="ami-2021"))
    MembershipFactory(pole=food, member=MemberFactory(category=MemberCategory.RESEARCH_CENTRE))

    culture = PoleFactory(
        name="Culture nantaise",
        department=department("44"),
        region=region("52"),
        has_common_place=False,
    )
    culture.approaches.set(Approach.objects.filter(code__in=["entrepreneuriale"]))
    culture.themes.set(Theme.objects.filter(code__in=["culture", "alimentation"]))

    regional = PoleFactory(name="Pôle régional breton", region=region("53"))
    regional.approaches.set(Approach.objects.filter(code="collectivite"))
    PoleFactory(name="Pôle caché", unpublished=True, region=region("53"))
    return food, culture, regional


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Alimentation bretonne", "Culture nantaise", "Pôle régional breton"]),
        ("impulsion=citoyenne", ["Alimentation bretonne"]),
        ("dynamique=filiere", ["Alimentation bretonne"]),
        ("lieu_commun=oui", ["Alimentation bretonne"]),
        ("lieu_commun=non", ["Culture nantaise"]),
        ("lieu_commun=inconnu", ["Pôle régional breton"]),
        ("thematique=alimentation", ["Alimentation bretonne", "Culture nantaise"]),
        ("region=53", ["Alimentation bretonne", "Pôle régional breton"]),
        ("departement=44", ["Culture nantaise"]),
        ("categorie=recherche", ["Alimentation bretonne"]),
        ("stade=emergent", ["Alimentation bretonne"]),
        ("stade=inconnu", ["Culture nantaise", "Pôle régional breton"]),
        ("charte=oui", ["Alimentation bretonne"]),
        ("charte=inconnu", ["Culture nantaise", "Pôle régional breton"]),
        ("reconnaissance=ami-2021", ["Alimentation bretonne"]),
        ("q=RÉGIONAL", ["Pôle régional breton"]),
        ("q=breton", ["Alimentation bretonne", "Pôle régional breton"]),
        ("q=alimentation", ["Alimentation bretonne"]),
    ],
)
def test_each_filter_alone(poles, query, expected):
    assert names(query) == expected


def test_values_of_one_filter_are_or_ed(poles):
    assert names("impulsion=citoyenne&impulsion=entrepreneuriale") == [
        "Alimentation bretonne",
        "Culture nantaise",
    ]


def test_filters_are_and_ed(poles):
    # The journey: citizen-impulse poles working on food in Bretagne.
    assert names("impulsion=citoyenne&thematique=alimentation&region=53") == [
        "Alimentation bretonne"
    ]
    assert names("thematique=alimentation&region=52") == ["Culture nantaise"]
    assert names("impulsion=citoyenne&region=52") == []


def test_many_to_many_filters_do_not_duplicate_poles(poles):
    # Two matching themes on one pole still give it once.
    assert names("thematique=alimentation&thematique=culture") == [
        "Alimentation bretonne",
        "Culture nantaise",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tri=nom", ["Alimentation bretonne", "Culture nantaise", "Pôle régional breton"]),
        ("tri=-nom", ["Pôle régional breton", "Culture nantaise", "Alimentation bretonne"]),
        ("tri=region", ["Alimentation bretonne", "Pôle régional breton", "Culture nantaise"]),
    ],
)
def test_sorting(poles, query, expected):
    assert names(query) == expected


def test_sorting_by_year(poles):
    Pole.objects.filter(name="Culture nantaise").update(year_created=2001)
    Pole.objects.filter(name="Alimentation bretonne").update(year_created=2015)
    assert names("tri=annee")[:2] == ["Culture nantaise", "Alimentation bretonne"]
    assert names("tri=annee")[-1] == "Pôle régional breton", "unknown years come last"
    assert names("tri=-annee") == [
        "Alimentation bretonne",
        "Culture nantaise",
        "Pôle régional breton",
    ]


@pytest.mark.parametrize(
    "query",
    ["region=99", "thematique=inexistante", "tri=hasard", "stade=fini", "q=" + "x" * 300],
)
def test_invalid_values_are_reported_and_ignored(poles, query):
    filterset = PoleFilter(QueryDict(query), queryset=Pole.objects.published())
    assert not filterset.is_valid()
    assert filterset.errors
    assert filterset.qs.count() == 3


# --- facets: each option's count is the number of poles that option gives ---------------------


def facet_counts(query: str) -> dict[str, dict[str, int]]:
    filterset = PoleFilter(QueryDict(query), queryset=Pole.objects.published())
    return filterset.facet_counts(Pole.objects.published())


@pytest.mark.parametrize("context", ["", "region=52&region=53", "thematique=alimentation"])
def test_every_facet_count_is_what_its_option_gives(sample_directory, context):
    """For each option of each faceted filter (lieu commun, member categories, unknown stage...),
    the count shown is the number of poles that checking it gives, with the other filters."""
    counts = facet_counts(context)
    checked = 0
    for name in PoleFilter.facet_names():
        for value, _label in PoleFilter.base_filters[name].field.choices:
            others = "&".join(p for p in context.split("&") if p and not p.startswith(name + "="))
            query = f"{others}&{name}={value}" if others else f"{name}={value}"
            expected = len(names(query))
            assert counts[name].get(value, 0) == expected, (name, value, context)
            checked += expected
    assert checked > 0


def test_facets_count_unknown_answers_and_member_categories(sample_directory):
    nantais = Pole.objects.get(slug="pole-essai-nantais")
    MembershipFactory(pole=nantais, member=MemberFactory(category=MemberCategory.LOCAL_AUTHORITY))
    counts = facet_counts("")
    assert counts["lieu_commun"] == {"oui": 1, "non": 1, "inconnu": 3}
    assert counts["stade"]["inconnu"] == 1
    assert counts["charte"] == {"oui": 1, "non": 1, "inconnu": 3}
    # A pole with two members of one category counts once for it.
    assert counts["categorie"]["collectivite"] == 2
    assert counts["categorie"]["recherche"] == 1


def test_many_repeated_values_read_each_choice_list_once(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    PoleFactory(located=True).themes.add(Theme.objects.get(code="alimentation"))

    from poles.territories.models import Department

    codes = ["44", *Department.objects.exclude(code="44").values_list("code", flat=True)[:39]]

    def queries(repeat: int) -> int:
        from django.core.cache import cache

        cache.clear()
        departments = [f"departement={code}" for code in codes[:repeat]]
        query = "&".join(
            departments + ["region=52"] * repeat + ["thematique=alimentation"] * repeat
        )
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/?{query}")
        assert response.context["total"] == 1
        assert not any("SELECT DISTINCT" in q["sql"].upper() for q in captured.captured_queries)
        return len(captured.captured_queries)

    assert queries(40) == queries(1)


def test_more_than_fifty_values_for_one_filter_get_a_clear_message(client):
    codes = [f"{n:02d}" for n in range(1, 52)]
    response = client.get("/", {"departement": codes})
    assert response.status_code == 200
    assert "Au plus 50 valeurs pour ce critère (51 reçues)" in response.content.decode()
    api = client.get("/api/v1/poles", {"departement": codes})
    assert api.status_code == 400 and "Au plus 50 valeurs" in api.json()["detail"]


def test_each_active_criterion_is_a_chip_that_removes_it_alone(poles):
    query = QueryDict(
        "region=53&region=52&thematique=alimentation&q=pôle&tri=-nom&page=2&vue=1,2,3"
    )
    chips = PoleFilter(query, queryset=Pole.objects.published()).chips()
    assert {(str(c["label"]), c["value"]) for c in chips} == {
        ("Mots", "« pôle »"),
        ("Thématique", "alimentation et agriculture"),
        ("Région", "Bretagne"),
        ("Région", "Pays de la Loire"),
    }
    brittany = next(c for c in chips if c["value"] == "Bretagne")
    left = QueryDict(brittany["query"])
    assert left.getlist("region") == ["52"] and left["thematique"] == "alimentation"
    assert left["tri"] == "-nom" and left["vue"] == "1,2,3" and "page" not in left
    words = next(c for c in chips if c["label"] == "Mots")
    assert "q" not in QueryDict(words["query"])


def test_a_place_chip_takes_its_scope_with_it(poles):
    from tests.factories import CommuneFactory

    CommuneFactory(code="35238", name="Rennes", department=department("35"))
    query = QueryDict("lieu=commune:35238&portee=agit&charte=oui&charte=zz")  # zz: invalid
    filterset = PoleFilter(query, queryset=Pole.objects.published())
    chips = filterset.chips()
    place = next(c for c in chips if c["name"] == "lieu")
    assert place["value"] == "Rennes (35)"
    assert list(QueryDict(place["query"]).lists()) == [("charte", ["oui", "zz"])]
    # A filter with an invalid value is ignored (and reported): no chip.
    assert not any(c["name"] == "charte" for c in chips)


def test_the_page_shows_the_chips_and_counts_them_on_the_filters_button(client, poles):
    html = client.get("/", {"region": "53", "impulsion": "citoyenne"}).content.decode()
    assert "<span data-filter-count> (2)</span>" in html
    assert "Retirer le critère </span>Région : Bretagne" in html
    assert 'href="/?impulsion=citoyenne"' in html
    assert '<details class="filters-toggle" data-filters-details>' in html  # folded when served


def test_verified_within_a_year_is_a_filter_with_its_counts(client):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    fresh = PoleFactory(name="Vérifié ce mois", last_verified=today - datetime.timedelta(days=20))
    PoleFactory(name="Vérifié il y a deux ans", last_verified=today - datetime.timedelta(days=800))
    PoleFactory(name="Jamais vérifié")
    assert names("verifiee=oui") == [fresh.name]
    assert names("verifiee=non") == ["Jamais vérifié", "Vérifié il y a deux ans"]
    assert len(names("verifiee=oui&verifiee=non")) == 3
    response = client.get("/", {"verifiee": "oui"})
    panel = {g["name"]: g for g in response.context["filter_panel"]}
    counts = {o["value"]: o["count"] for o in panel["verifiee"]["options"]}
    assert counts == {"oui": 1, "non": 2}
    # The API, the exports and the feeds take it: one search contract.
    api = client.get("/api/v1/poles", {"verifiee": "oui"}).json()
    assert [p["nom"] for p in api["results"]] == [fresh.name]
    csv_text = client.get("/donnees/poles.csv", {"verifiee": "oui"}).content.decode()
    assert fresh.name in csv_text and "Jamais vérifié" not in csv_text
