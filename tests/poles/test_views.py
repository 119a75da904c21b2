import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from poles.models import Approach, LocationPrecision, Pole, Theme
from poles.schema import schema_fields
from tests.factories import MemberFactory, MembershipFactory, PoleFactory, department, region

pytestmark = pytest.mark.django_db


def make_poles(count: int) -> None:
    themes = list(Theme.objects.all()[:3])
    approaches = list(Approach.objects.all()[:2])
    for index in range(count):
        pole = PoleFactory(located=index % 2 == 0, approximate=index % 5 == 1)
        pole.themes.set(themes)
        pole.approaches.set(approaches)
        MembershipFactory(pole=pole)


def page_names(response) -> list[str]:
    return [pole.name for pole in response.context["page"]]


# --- the list (home) -------------------------------------------------------------------------


def test_home_lists_published_poles_with_map_and_filters(client):
    PoleFactory(name="Pôle visible", located=True)
    PoleFactory(name="Pôle caché", unpublished=True)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert page_names(response) == ["Pôle visible"]
    assert "data-map" in html and "data-filter-form" in html
    assert "1 pôle trouvé" in html
    assert "Pôle caché" not in html


def test_home_counts_poles_without_location(client):
    PoleFactory(located=True)
    PoleFactory()
    PoleFactory()
    html = client.get("/").content.decode()
    assert "2 pôles sans localisation" in html


def test_facet_counts_follow_the_other_filters(client):
    food = Theme.objects.get(code="alimentation")
    breton = PoleFactory(department=department("35"), region=region("53"))
    breton.themes.add(food)
    nantais = PoleFactory(department=department("44"), region=region("52"))
    nantais.themes.add(food)
    response = client.get("/", {"region": "53"})
    panel = {group["name"]: group for group in response.context["filter_panel"]}
    themes = {o["value"]: o["count"] for o in panel["thematique"]["options"]}
    regions = {o["value"]: o["count"] for o in panel["region"]["options"]}
    assert themes["alimentation"] == 1  # with the region filter
    assert regions["53"] == 1 and regions["52"] == 1  # a filter does not narrow its own options
    checked = [o["value"] for o in panel["region"]["options"] if o["checked"]]
    assert checked == ["53"]
    html = response.content.decode()
    assert 'value="alimentation"' in html


def test_department_choices_follow_the_chosen_region(client):
    response = client.get("/", {"region": "53"})
    panel = {group["name"]: group for group in response.context["filter_panel"]}
    codes = {o["value"] for o in panel["departement"]["options"]}
    assert codes == {"22", "29", "35", "56"}


def test_invalid_parameters_get_a_visible_message_not_an_error(client):
    PoleFactory()
    response = client.get("/", {"region": "99", "tri": "hasard", "page": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ne sont pas valides" in html
    assert "Ce critère a été ignoré" in html
    assert len(page_names(response)) == 1


def test_pagination_keeps_the_filters(client):
    make_poles(25)
    response = client.get("/", {"thematique": "alimentation", "tri": "-nom"})
    html = unescape(response.content.decode())
    assert response.context["total"] == 25
    assert len(page_names(response)) == 20
    next_links = re.findall(r'href="(\?[^"]*page=2[^"]*)"', html)
    assert next_links
    assert all("thematique=alimentation" in link and "tri=-nom" in link for link in next_links)
    second = client.get("/", {"thematique": "alimentation", "tri": "-nom", "page": "2"})
    assert len(page_names(second)) == 5


def test_fragment_for_javascript_has_filters_and_results_only(client):
    PoleFactory(name="Pôle A")
    response = client.get("/", {"q": "pole"}, headers={"X-Requested-With": "fetch"})
    html = response.content.decode()
    assert 'data-fragment="filters"' in html and 'data-fragment="results"' in html
    assert "<html" not in html
    assert "X-Requested-With" in response["Vary"]


def test_each_criterion_can_be_removed_and_several_cleared_at_once(client):
    PoleFactory()
    assert 'class="chips"' not in client.get("/").content.decode()
    html = client.get("/", {"q": "essai"}).content.decode()
    assert '<a href="/"><span class="visually-hidden">Retirer le critère </span>Mots' in html
    assert 'class="chips-clear"' not in html
    html = client.get("/", {"q": "essai", "region": "53"}).content.decode()
    assert '<li class="chips-clear"><a href="/">Effacer les filtres</a></li>' in html


# --- map data (GeoJSON) ----------------------------------------------------------------------


def test_map_data_is_geojson_with_longitude_first(client):
    PoleFactory(name="À Nantes", located=True)
    PoleFactory(name="Dans le Nord", approximate=True)
    PoleFactory(name="Sans lieu")
    PoleFactory(name="Non publié", located=True, unpublished=True)
    response = client.get("/carte/poles.geojson")
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    assert set(by_name) == {"À Nantes", "Dans le Nord"}
    nantes = by_name["À Nantes"]
    assert nantes["type"] == "Feature"
    assert nantes["geometry"] == {"type": "Point", "coordinates": [-1.55377, 47.21863]}
    assert nantes["properties"]["slug"]
    assert "approximate" not in nantes["properties"]
    assert by_name["Dans le Nord"]["properties"]["approximate"] is True


def test_map_data_uses_the_same_filters_as_the_list(client):
    breton = PoleFactory(located=True, name="Breton", department=department("35"),
                         region=region("53"))  # fmt: skip
    PoleFactory(located=True, name="Nantais")
    data = client.get("/carte/poles.geojson", {"region": "53"}).json()
    assert [f["properties"]["name"] for f in data["features"]] == [breton.name]


# --- open data page -------------------------------------------------------------------------


def test_open_data_page_documents_every_schema_field_licence_and_selection(client):
    PoleFactory(located=True)
    html = client.get("/donnees/", {"region": "52", "junk": "1"}).content.decode()
    assert "Licence Ouverte 2.0" in html
    for field in schema_fields():
        assert f"<code>{field.name}</code>" in html
    assert 'href="/donnees/schema.json"' in html
    assert "/donnees/poles.csv?region=52" in html and "junk" not in html
    assert "1 pôle" in html


# --- pole page -------------------------------------------------------------------------------


def test_every_pole_page_of_the_sample_answers(client, sample_directory):
    for slug in Pole.objects.values_list("slug", flat=True):
        assert client.get(f"/poles/{slug}/").status_code == 200, slug


def test_pole_page_shows_what_is_known_and_unknown(client, sample_directory):
    html = client.get("/poles/pole-essai-nantais/").content.decode()
    assert "Association d&#x27;essai nantaise" in html
    assert 'href="/regions/pays-de-la-loire/"' in html
    assert 'href="/departements/loire-atlantique/"' in html
    assert "filière" in html
    assert "signataire (2016)" in html
    assert "Métropole d&#x27;essai" in html and "Collectivité territoriale" in html
    assert 'href="https://example.org/nantes"' in html
    assert '<link rel="canonical" href="http://testserver/poles/pole-essai-nantais/">' in html
    assert 'property="og:title" content="Pôle d&#x27;essai nantais"' in html
    unknown = client.get("/poles/pole-essai-breton/").content.decode()
    assert "inconnu : aucune liste publique des signataires" in unknown
    assert "non renseigné" in unknown


def test_pole_page_never_links_a_stored_script_address(client):
    pole = PoleFactory(
        website="javascript:alert(1)", sources="javascript:alert(2) https://ok.example"
    )
    html = client.get(pole.get_absolute_url()).content.decode()
    assert "javascript:" not in html
    assert 'href="https://ok.example"' in html


def test_pole_page_json_ld_is_valid_and_escaped(client):
    pole = PoleFactory(name="Pôle </script><script>alert(1)</script>", located=True)
    html = client.get(pole.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Organization"
    assert data["name"] == pole.name
    assert data["geo"]["latitude"] == 47.21863
    assert "<script>alert(1)" not in html


def test_unpublished_or_unknown_pole_is_a_404_in_the_site_style(client):
    pole = PoleFactory(unpublished=True)
    response = client.get(pole.get_absolute_url())
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert client.get("/poles/n-existe-pas/").status_code == 404


def test_approximate_pole_page_says_so(client):
    pole = PoleFactory(approximate=True)
    html = client.get(pole.get_absolute_url()).content.decode()
    assert "Lieu approximatif" in html


# --- territories and pages -------------------------------------------------------------------


def test_region_index_counts_published_poles(client):
    PoleFactory(located=True)
    PoleFactory(located=True, unpublished=True)
    response = client.get("/regions/")
    counts = {r.code: r.pole_count for r in response.context["regions"]}
    assert len(counts) == 18
    assert counts["52"] == 1


def test_region_and_department_pages_list_their_poles(client):
    nantes = PoleFactory(located=True, name="Pôle nantais")
    PoleFactory(approximate=True, name="Pôle du Nord")
    region_page = client.get("/regions/pays-de-la-loire/")
    assert page_names(region_page) == [nantes.name]
    assert "Loire-Atlantique (44)" in region_page.content.decode()
    department_page = client.get("/departements/loire-atlantique/")
    assert page_names(department_page) == [nantes.name]
    assert page_names(client.get("/departements/nord/")) == ["Pôle du Nord"]
    assert client.get("/regions/atlantide/").status_code == 404


def map_bounds(response) -> list[float] | None:
    match = re.search(r'data-bounds="([^"]*)"', response.content.decode())
    return [float(value) for value in match.group(1).split(",")] if match else None


def test_territory_and_embed_maps_open_on_their_poles_bounds(client):
    nantes = PoleFactory(located=True)
    lille = PoleFactory(approximate=True)
    PoleFactory(latitude=None, longitude=None)  # no place: not in the bounds
    south, west, north, east = map_bounds(client.get("/carte/integree/"))
    assert (south, north) == (float(nantes.latitude), float(lille.latitude))
    assert (west, east) == (float(nantes.longitude), float(lille.longitude))
    # One pole: a box of one point, which the map shows at a bounded zoom.
    assert map_bounds(client.get("/regions/pays-de-la-loire/")) == [
        float(nantes.latitude), float(nantes.longitude)] * 2  # fmt: skip
    # The directory keeps its shared view, or France.
    assert map_bounds(client.get("/")) is None


def test_maps_open_on_metropolitan_poles_when_there_are_some(client):
    nantes = PoleFactory(located=True)
    reunion = PoleFactory(region=region("04"), department=department("974"),
                          latitude=Decimal("-20.8789"), longitude=Decimal("55.4481"),
                          location_precision=LocationPrecision.COMMUNE)  # fmt: skip
    # Nantes and Saint-Denis together would be the whole world: the map opens on France.
    assert map_bounds(client.get("/carte/integree/")) == [
        float(nantes.latitude), float(nantes.longitude)] * 2  # fmt: skip
    # Overseas poles alone: their own bounds.
    assert map_bounds(client.get("/regions/la-reunion/")) == [
        float(reunion.latitude), float(reunion.longitude)] * 2  # fmt: skip


def test_territory_pages_are_paginated_and_counted_once(client, django_assert_num_queries):
    for _ in range(25):
        PoleFactory(located=True)
    PoleFactory(approximate=True)
    first = client.get("/regions/pays-de-la-loire/")
    assert first.context["total"] == 25 and len(page_names(first)) == 20
    assert "?page=2" in first.content.decode()
    second = client.get("/regions/pays-de-la-loire/", {"page": "2"})
    assert len(page_names(second)) == 5
    assert client.get("/regions/pays-de-la-loire/", {"page": "abc"}).status_code == 200
    with django_assert_num_queries(2):  # the whole page comes from the cache
        client.get("/regions/pays-de-la-loire/", {"page": "2"})


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/qu-est-ce-qu-un-ptce/", "31 juillet 2014"),
        ("/mentions-legales/", "Mentions légales"),
        ("/accessibilite/", "Déclaration d'accessibilité"),
    ],
)
def test_static_pages(client, url, text):
    response = client.get(url)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_explanation_page_lists_approaches_and_principles(client):
    html = client.get("/qu-est-ce-qu-un-ptce/").content.decode()
    for label in ("citoyenne", "filière", "lieu commun", "changement d'échelle", "PME"):
        assert label.lower() in unescape(html).lower()


def test_sitemap_and_robots(client):
    pole = PoleFactory()
    PoleFactory(unpublished=True, name="Caché")
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"http://testserver{pole.get_absolute_url()}" in sitemap
    assert "/regions/bretagne/" in sitemap and "/departements/finistere/" in sitemap
    assert "cache" not in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots and "Sitemap: http://testserver/sitemap.xml" in robots


def test_footer_links_legal_notice_and_accessibility(client):
    html = client.get("/").content.decode()
    assert 'href="/mentions-legales/"' in html and 'href="/accessibilite/"' in html


def test_no_inline_script_in_public_pages(client):
    pole = PoleFactory(located=True)
    for url in ("/", pole.get_absolute_url(), "/regions/pays-de-la-loire/", "/donnees/"):
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or "application/json" in tag or "ld+json" in tag, (url, tag)


def test_database_text_is_escaped_in_pages(client):
    pole = PoleFactory(name="<b>gras</b>", summary="<img src=x onerror=alert(1)>", located=True)
    MembershipFactory(pole=pole, member=MemberFactory(name="<i>membre</i>"))
    for url in ("/", pole.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<b>gras</b>" not in html and "<img src=x" not in html and "<i>membre" not in html


# --- query counts do not grow with the number of poles ----------------------------------------


def count_queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        ("/", {}, 11),  # counts computed by the writer after its commit
        # The total, the unlocated count and the map's bounds come from one query.
        # Words are also looked up as a place's name (4 queries: regions, departments,
        # communes, intercommunalities).
        ("/", {"thematique": "alimentation", "region": "52", "q": "essai"}, 27),
        ("/carte/poles.geojson", {}, 3),
        ("/donnees/poles.csv", {}, 10),
    ],
)
def test_query_count_does_not_grow_with_poles(client, django_assert_num_queries, url, params,
                                              expected, commit):  # fmt: skip
    with commit():
        make_poles(3)
    with django_assert_num_queries(expected):
        client.get(url, params)
    with commit():
        make_poles(30)
    with django_assert_num_queries(expected):
        client.get(url, params)


def test_pole_page_query_count_does_not_grow_with_members(
    client, django_assert_num_queries, commit
):
    with commit():
        pole = PoleFactory(located=True)
        make_poles(5)
        MembershipFactory(pole=pole)
    # One of them: who last set the charter status (« déclaré par le pôle »).
    with django_assert_num_queries(14):
        client.get(pole.get_absolute_url())
    with commit():
        for _ in range(20):
            MembershipFactory(pole=pole)
        make_poles(20)
    with django_assert_num_queries(14):
        response = client.get(pole.get_absolute_url())
    # The same queries render all 21 members.
    names = pole.memberships.values_list("member__name", flat=True)
    assert len(names) == 21
    assert all(name in response.content.decode() for name in names)


@pytest.mark.parametrize("url", ["/", "/carte/poles.geojson", "/regions/", "/donnees/poles.csv"])
def test_head_requests_are_answered(client, url):
    # Link checkers and monitors ask with HEAD: same status as GET, no body.
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""


def test_the_site_has_its_own_icon_and_manifest(client):
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon["Location"].endswith("icons/favicon.svg")
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html and 'rel="apple-touch-icon"' in html
    manifest = client.get("/site.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert {icon["sizes"] for icon in manifest.json()["icons"]} == {"192x192", "512x512", "any"}


def test_a_pole_page_lists_the_nearest_other_poles_by_distance(client):
    nantes = PoleFactory(name="À Nantes", located=True)
    PoleFactory(name="À Rezé", latitude=Decimal("47.1833"), longitude=Decimal("-1.55"),
                location_precision=LocationPrecision.COMMUNE)  # fmt: skip
    PoleFactory(name="À Angers", latitude=Decimal("47.4784"), longitude=Decimal("-0.5632"),
                location_precision=LocationPrecision.COMMUNE)  # fmt: skip
    PoleFactory(name="Approximatif", approximate=True)  # a department's seat: no distance
    PoleFactory(name="À La Réunion", latitude=Decimal("-20.8789"), longitude=Decimal("55.4481"),
                location_precision=LocationPrecision.COMMUNE)  # fmt: skip
    response = client.get(nantes.get_absolute_url())
    assert [p.name for p in response.context["nearby"]] == ["À Rezé", "À Angers"]
    assert "Pôles proches" in response.content.decode()


def test_plurals_read_right_in_french_and_english(client):
    pole = PoleFactory(located=True)
    html = client.get("/charte/").content.decode()
    assert "0 pôle connu comme signataire" in html  # French: 0 is singular
    english = client.get("/en/charte/").content.decode()
    assert "0 poles known to have signed" in english  # English: 0 is plural
    panel = client.get("/", {"region": pole.region.code}).content.decode()
    assert '(1<span class="visually-hidden"> pôle</span>)' in panel
    assert (
        " pôles</span>)" not in panel.split('data-filter-group="region"')[1].split("</fieldset>")[0]
    )


def test_a_filter_no_pole_answers_folds_away(client):
    PoleFactory(located=True, stage="")  # no pole has a stage: only "inconnu" counts
    fold = '<details class="filter-fold" data-filter-fold><summary>Stade'
    assert fold not in client.get("/").content.decode()  # "inconnu" counts one pole
    # No pole in the selection: every stage counts zero, the filter folds away.
    assert fold in client.get("/", {"categorie": "recherche"}).content.decode()


def test_a_pole_page_says_what_its_record_has_and_lacks(client):
    import datetime

    from django.utils import timezone

    old = timezone.localdate() - datetime.timedelta(days=400)
    pole = PoleFactory(located=True, website="https://pole.example", last_verified=old)
    MembershipFactory(pole=pole)
    html = client.get(pole.get_absolute_url()).content.decode()
    section = html.split('id="qualite"')[1].split("</section>")[0]
    items = [unescape(re.sub(r"<[^>]+>", "", li)).strip()
             for li in re.findall(r"<li.*?</li>", section)]  # fmt: skip
    assert items == [
        "✓ Localisation précise : oui",
        "✓ Membres : oui",
        "✗ Approches : manque — compléter",
        "✓ Site web : oui",
        "✗ Sources : manque — compléter",
        "✗ Vérifiée il y a moins d'un an : manque — dire qu'elle est à jour",
    ]
    assert f'href="/poles/{pole.slug}/proposer/#id_sources"' in section


def test_an_odd_page_number_never_poisons_the_cached_first_page(client, commit):
    with commit():
        for index in range(25):  # two pages of 20
            PoleFactory(name=f"Pôle {index:02d}")
    assert client.get("/", {"page": "+2"}).status_code == 200
    html = client.get("/").content.decode()
    assert "Pôle 00" in html and "Pôle 24" not in html
    second = client.get("/", {"page": "2"}).content.decode()
    assert "Pôle 24" in second and "Pôle 00" not in second


def test_unique_word_searches_leave_no_page_in_the_cache(client):
    from django.core.cache import cache

    PoleFactory(name="Pôle d'essai")
    client.get("/")  # the directory's own entries
    before = len(cache._cache)
    for index in range(200):
        assert client.get("/", {"q": f"mot{index}"}).status_code == 200
    assert len(cache._cache) - before <= 2


def test_a_page_past_the_end_is_the_last_page_under_the_last_pages_entry(client, commit):
    from django.core.cache import cache

    with commit():
        for index in range(25):  # two pages of 20
            PoleFactory(name=f"Pôle {index:02d}")
    second = client.get("/", {"page": "2"})
    entries = len(cache._cache)
    for number in ("3", "999999", "0002"):
        again = client.get("/", {"page": number})
        assert again.content == second.content, number
    assert len(cache._cache) == entries
