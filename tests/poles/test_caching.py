"""Cached counts, map data and exports: keyed by validated selections, renewed after commits."""

import gzip
import json

import pytest

from poles.caching import directory_version
from poles.imports import poles_import_csv
from poles.models import Pole, Theme
from tests.conftest import SAMPLE_CSV
from tests.factories import PoleFactory, department, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_regions():
    breton = PoleFactory(name="Breton", located=True, department=department("35"),
                         region=region("53"))  # fmt: skip
    breton.themes.add(Theme.objects.get(code="alimentation"))
    PoleFactory(name="Nantais", located=True)
    return breton


def listed(response) -> list[str]:
    return [pole.name for pole in response.context["page"]]


def map_names(client, **params) -> list[str]:
    data = client.get("/carte/poles.geojson", params).json()
    return sorted(f["properties"]["name"] for f in data["features"])


def csv_names(client, query: str) -> list[str]:
    text = client.get(f"/donnees/poles.csv?{query}").content.decode("utf-8-sig")
    return sorted(line.split(",")[1] for line in text.splitlines()[1:])


def test_a_crafted_parameter_cannot_poison_another_selection(client, two_regions):
    # One visit with an encoded "&" inside a value (an invalid region, ignored)...
    crafted = "region=53%26thematique%3Dalimentation"
    assert client.get(f"/?{crafted}").context["total"] == 2
    client.get(f"/carte/poles.geojson?{crafted}")
    client.get(f"/donnees/poles.csv?{crafted}")
    # ...must not change what the real selection shows, for the page, the map and the export.
    real = client.get("/?region=53&thematique=alimentation")
    assert real.context["total"] == 1 and listed(real) == ["Breton"]
    assert "1 pôle trouvé" in real.content.decode()
    assert map_names(client, region="53", thematique="alimentation") == ["Breton"]
    assert csv_names(client, "region=53&thematique=alimentation") == ["Breton"]


def test_invalid_and_unknown_parameters_share_the_entry_of_the_valid_selection(client, two_regions):
    from django.core.cache import cache

    def counts() -> set[str]:  # the local-memory cache of the tests, whole pages aside
        return {key for key in cache._cache if ":page-" not in key}

    client.get("/", {"region": "53"})
    keys = counts()
    for junk in ({"utm": "1"}, {"utm": "2", "region": ["53", "53"]}, {"departement": "zz"},
                 {"tri": "-nom"}, {"page": "3"}):  # fmt: skip
        client.get("/", {"region": "53", **junk})
    assert counts() == keys


def test_whole_pages_are_kept_per_canonical_address_and_revalidated(client, two_regions,
                                                                    commit):  # fmt: skip
    from django.core.cache import cache

    def pages() -> set[str]:
        return {key for key in cache._cache if ":page-list:" in key}

    first = client.get("/", {"region": "53"})
    assert first["ETag"] and "1 pôle trouvé" in first.content.decode()
    for junk in ({"utm": "1"}, {"region": ["53", "53"]}, {"page": "abc"}):
        again = client.get("/", {"region": "53", **junk})
        assert again["ETag"] == first["ETag"] and again.content == first.content
    assert len(pages()) == 1
    # A junk parameter never reaches the links of a kept page.
    assert "utm" not in client.get("/", {"region": "53", "utm": "1"}).content.decode()
    assert (
        client.get("/", {"region": "53"}, headers={"If-None-Match": first["ETag"]}).status_code
        == 304
    )
    with commit():
        PoleFactory(name="Autre breton", department=department("29"), region=region("53"))
    renewed = client.get("/", {"region": "53"}, headers={"If-None-Match": first["ETag"]})
    assert renewed.status_code == 200 and "2 pôles trouvés" in renewed.content.decode()


def test_map_data_url_of_the_page_leaves_out_the_sort_order(client, two_regions):
    html = client.get("/", {"tri": "-nom", "region": "53", "zzz": "1"}).content.decode()
    assert 'data-geojson-url="/carte/poles.geojson?region=53"' in html
    etags = {client.get("/carte/poles.geojson", {"region": "53", **extra})["ETag"]
             for extra in ({}, {"tri": "-nom"}, {"junk": "x"})}  # fmt: skip
    assert len(etags) == 1


def test_every_entry_expires(client, two_regions, settings):
    from django.core.cache import cache

    settings.PTCE_CACHE_SECONDS = 60
    client.get("/")
    client.get("/carte/poles.geojson")
    client.get("/donnees/poles.csv")
    expiries = cache._expire_info.values()
    assert expiries and all(expiry is not None for expiry in expiries)


def test_map_data_is_served_from_cache_with_etag_and_304(client, django_assert_num_queries):
    PoleFactory(located=True)
    first = client.get("/carte/poles.geojson")
    assert first["ETag"] and first["Last-Modified"]
    with django_assert_num_queries(1):  # the version row only
        again = client.get("/carte/poles.geojson")
    assert again.content == first.content
    revalidated = client.get("/carte/poles.geojson", headers={"If-None-Match": first["ETag"]})
    assert revalidated.status_code == 304
    since = client.get(
        "/carte/poles.geojson", headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert since.status_code == 304


def test_map_data_is_gzipped_for_clients_that_accept_it(client):
    PoleFactory(located=True)
    response = client.get("/carte/poles.geojson", headers={"Accept-Encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert json.loads(gzip.decompress(response.content))["features"]


def test_any_committed_change_renews_the_cached_map_data(client, sample_csv, commit):
    with commit():
        pole = PoleFactory(located=True, name="Avant")
    etag = client.get("/carte/poles.geojson")["ETag"]
    with commit():
        pole.name = "Après"
        pole.save()
    assert client.get("/carte/poles.geojson", headers={"If-None-Match": etag}).status_code == 200
    assert map_names(client) == ["Après"]
    with commit():
        pole.themes.add(Theme.objects.get(code="culture"))  # a many-to-many change
    feature = client.get("/carte/poles.geojson").json()["features"][0]
    assert feature["properties"]["themes"] == ["culture"]
    with commit():
        poles_import_csv(path=sample_csv)  # the importer
    assert len(map_names(client)) == Pole.objects.published().located().count() > 1
    with commit():
        Pole.objects.get(pk=pole.pk).delete()
    assert "Après" not in map_names(client)


def test_a_transaction_bumps_the_version_once_after_commit(
    sample_csv, django_capture_on_commit_callbacks
):
    from django.db import connection

    connection.run_on_commit.clear()  # the test transaction's earlier writes (see `commit`)
    before = directory_version().number
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        poles_import_csv(path=sample_csv)  # hundreds of writes, one transaction
    assert directory_version().number == before  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert directory_version().number == before + 1


def test_directory_counts_are_cached_until_the_data_changes(
    client, django_assert_num_queries, commit
):
    for _ in range(4):
        PoleFactory().themes.add(Theme.objects.get(code="alimentation"))
    first = client.get("/", {"thematique": "alimentation"})
    with django_assert_num_queries(11):  # versions, page rows and choices; no count, no facet
        again = client.get("/", {"thematique": "alimentation", "tri": "-nom"})
    assert again.context["total"] == first.context["total"] == 4
    with commit():
        PoleFactory().themes.add(Theme.objects.get(code="alimentation"))
    assert client.get("/", {"thematique": "alimentation"}).context["total"] == 5


def test_the_writer_computes_the_unfiltered_counts_after_its_commit(client, commit):
    from django.core.cache import cache

    with commit():
        PoleFactory(name="Nouveau", located=True)
    counts = [key for key in cache._cache if ":directory:" in key]
    assert len(counts) == 1  # the unfiltered directory, ready before any visitor asks
    response = client.get("/")
    assert response.context["total"] == 1
    assert [key for key in cache._cache if ":directory:" in key] == counts


@pytest.mark.parametrize("url", ["/", "/?region=53", "/regions/bretagne/", "/charte/"])
def test_public_pages_may_be_kept_a_moment_by_a_shared_cache(client, url, settings):
    settings.PTCE_SHARED_CACHE_SECONDS = 2  # any value: the setting is what is sent
    directives = {d.strip() for d in client.get(url)["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=2", "stale-while-revalidate=30"} <= directives


@pytest.mark.parametrize(
    "url", ["/proposer-un-ptce/", "/connexion/", "/donnees/valider/", "/admin/login/"]
)
def test_pages_with_a_form_are_kept_by_no_cache(client, url):
    directives = {d.strip() for d in client.get(url)["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_the_hosts_port_neither_shows_in_a_page_nor_makes_an_entry(client, two_regions, settings):
    from django.core.cache import cache

    settings.ALLOWED_HOSTS = ["testserver", "annuaire.example.org"]
    settings.PTCE_SITE_URL = "https://annuaire.example.org"
    first = client.get("/poles/breton/")
    entries = len(cache._cache)
    for host in ("annuaire.example.org:8443", "testserver:1234", "annuaire.example.org"):
        again = client.get("/poles/breton/", headers={"Host": host})
        assert again.content == first.content, host
    assert len(cache._cache) == entries
    html = first.content.decode()
    assert '<link rel="canonical" href="https://annuaire.example.org/poles/breton/">' in html
    assert "testserver" not in html and ":1234" not in html


def test_two_thousand_junk_requests_leave_the_shared_cache_a_few_mb_bigger(
    client, redis_server, settings
):
    """Unique searches, Host ports, unknown parameters, feed and API parameters, page numbers:
    served, never kept (or under the entry of the page they are)."""
    import redis

    settings.CACHES = {"default": {"BACKEND": "poles.cache.ResilientRedisCache",
                                   "LOCATION": redis_server, "KEY_PREFIX": "ptce"}}  # fmt: skip
    poles_import_csv(path=SAMPLE_CSV)
    junk = [
        lambda i: ("/", {"q": f"mot{i}"}, {}),
        lambda i: ("/", {}, {"Host": f"testserver:{10000 + i}"}),
        lambda i: ("/", {f"utm_{i}": "x", "region": "53"}, {}),
        lambda i: ("/flux/nouveaux.atom", {f"zz{i}": "1"}, {}),
        lambda i: ("/carte/poles.geojson", {"region": "53", f"x{i}": "1"}, {}),
        lambda i: ("/", {"page": str(i)}, {}),
        lambda i: ("/regions/bretagne/", {"page": f"+{i}"}, {}),
        lambda i: ("/lieux/", {"q": f"ville{i}"}, {}),
    ]
    for index in range(len(junk)):  # each page's own entries, once
        path, params, headers = junk[index](0)
        client.get(path, params, headers=headers)
    server = redis.Redis.from_url(redis_server)
    keys, memory = server.dbsize(), server.info("memory")["used_memory"]
    for index in range(1, 2001):
        path, params, headers = junk[index % len(junk)](index)
        response = client.get(path, params, headers=headers)
        assert response.status_code < 500, (path, params, headers)
    assert server.dbsize() - keys <= 10
    assert server.info("memory")["used_memory"] - memory < 3 * 1024 * 1024
