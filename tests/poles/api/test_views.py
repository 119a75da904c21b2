"""The public read API: the directory's selection, the schema's records, JSON errors, caching."""

import pytest

from poles.models import Pole, Theme
from poles.schema import field_names
from tests.factories import PoleFactory, region

pytestmark = pytest.mark.django_db


def api_slugs(client, query: str) -> list[str]:
    slugs, url = [], f"/api/v1/poles?{query}&par_page=2"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        slugs += [record["identifiant"] for record in data["results"]]
        url = data["next"]
    return slugs


def directory_slugs(client, query: str) -> list[str]:
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    return [pole.slug for pole in response.context["page"]]


@pytest.mark.parametrize(
    "query",
    ["", "region=53", "region=52&region=32", "departement=44", "charte=inconnu",
     "thematique=alimentation", "q=essai%20nantais", "lieu_commun=oui", "tri=-annee"],
)  # fmt: skip
def test_the_api_answers_the_directorys_poles_for_the_same_parameters(
    client, sample_directory, query
):
    Pole.objects.filter(slug="pole-essai-lillois").update(is_published=False)
    assert api_slugs(client, query) == directory_slugs(client, query)


def test_a_record_holds_the_data_schema_fields_typed_for_json(client, sample_directory):
    record = client.get("/api/v1/poles/pole-essai-nantais").json()
    assert list(record) == field_names()
    assert record["latitude"] == pytest.approx(47.21863)
    assert record["url"] == "http://testserver/poles/pole-essai-nantais/"
    breton = client.get("/api/v1/poles/pole-essai-breton").json()
    assert breton["latitude"] is None  # no location in the sources: null, not 0 or ""
    assert breton["region_code"] == "53"


def test_unpublished_or_unknown_poles_are_a_json_404(client):
    PoleFactory(slug="cache", unpublished=True)
    for url in ("/api/v1/poles/cache", "/api/v1/poles/inconnu", "/api/v1/nulle-part"):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]


def test_an_invalid_parameter_is_a_400_that_names_it(client, sample_directory):
    response = client.get("/api/v1/poles?region=99&thematique=alimentation")
    assert response.status_code == 400
    body = response.json()
    assert "region" in body["detail"] and "99" in body["detail"]
    assert list(body["erreurs"]) == ["region"]


def test_pages_beyond_the_last_and_writes_are_json_errors(client, sample_directory):
    assert client.get("/api/v1/poles?page=40").json()["detail"]
    response = client.post("/api/v1/poles", {"nom": "x"})
    assert response.status_code == 405
    assert response.json()["detail"]


def test_pages_follow_each_other(client):
    for index in range(5):
        PoleFactory(name=f"Pôle {index}")
    first = client.get("/api/v1/poles?par_page=2&tri=nom").json()
    assert first["count"] == 5
    assert [r["nom"] for r in first["results"]] == ["Pôle 0", "Pôle 1"]
    second = client.get(first["next"]).json()
    assert [r["nom"] for r in second["results"]] == ["Pôle 2", "Pôle 3"]


def test_conditional_requests_get_304_until_the_directory_changes(client, commit):
    with commit():
        pole = PoleFactory(name="Avant", region=region("53"))
    first = client.get("/api/v1/poles?region=53")
    etag = first["ETag"]
    assert client.get("/api/v1/poles?region=53", headers={"If-None-Match": etag}).status_code == 304
    other = client.get("/api/v1/poles?region=52")
    assert other["ETag"] != etag
    with commit():
        pole.name = "Après"
        pole.save()
    again = client.get("/api/v1/poles?region=53", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.json()["results"][0]["nom"] == "Après"


def test_any_origin_may_read_the_api_but_not_the_pages(client):
    response = client.get("/api/v1/poles", headers={"Origin": "https://cress.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/poles",
        headers={"Origin": "https://cress.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in client.get(
        "/", headers={"Origin": "https://x.example"}
    )


def test_each_address_has_its_own_rate_limit(client, settings):
    settings.PTCE_API_RATE = "3/minute"
    for _ in range(3):
        assert client.get("/api/v1/thematiques").status_code == 200
    limited = client.get("/api/v1/thematiques")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["detail"]
    other = client.get("/api/v1/thematiques", REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200


def test_reference_lists_give_the_codes_the_filters_take(client):
    themes = client.get("/api/v1/thematiques").json()
    assert [t["code"] for t in themes] == list(Theme.objects.values_list("code", flat=True))
    territories = client.get("/api/v1/territoires").json()
    brittany = next(r for r in territories if r["code"] == "53")
    assert [d["code"] for d in brittany["departements"]] == ["22", "29", "35", "56"]
    approaches = client.get("/api/v1/approches").json()
    assert {a["axe"] for a in approaches} >= {"impulsion", "dynamique"}
    calls = client.get("/api/v1/reconnaissances").json()
    assert calls and all(c["libelle"] for c in calls)


def test_the_rate_limit_holds_when_the_cache_is_emptied(client, settings):
    # Kept in the database: a cache flushed, restarted or flooded by others forgets nothing.
    from django.core.cache import cache

    settings.PTCE_API_RATE = "2/hour"
    for _ in range(2):
        assert client.get("/api/v1/thematiques").status_code == 200
    cache.clear()
    limited = client.get("/api/v1/thematiques")
    assert limited.status_code == 429 and 0 < int(limited["Retry-After"]) <= 3600
