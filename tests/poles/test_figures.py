"""/chiffres/: every number is the size of the list its link opens, on the sample data."""

import csv
import io
import re

import pytest
from django.core.cache import cache

from poles.imports import poles_import_csv
from poles.models import StateCall, Theme
from poles.territories.models import Region
from tests.conftest import SAMPLE_CSV
from tests.factories import CommuneFactory, PoleFactory, department, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    poles_import_csv(path=SAMPLE_CSV)


def figures(client, query=""):
    cache.clear()  # the page itself, with its context (a kept page has none)
    response = client.get(f"/chiffres/{query}")
    assert response.status_code == 200
    return response.context["figures"]


def listed_total(client, query: str) -> int:
    return client.get(f"/?{query}").context["total"]


def test_every_number_is_the_size_of_the_list_behind_it(client, directory):
    found = figures(client)
    assert found.total == listed_total(client, "")
    checked = 0
    for figure in found.figures:
        for row in figure.rows:
            if row.count and row.query is not None:
                assert listed_total(client, row.query) == row.count, (figure.name, row)
                checked += 1
    assert checked > 20


def test_regions_are_all_there_with_their_rate_per_hundred_thousand(client, directory):
    CommuneFactory(code="35238", name="Rennes", department=department("35"), population=200_000)
    CommuneFactory(code="29019", name="Brest", department=department("29"), population=150_000)
    regions = figures(client).get("regions")
    assert [row.value for row in regions.rows] == list(
        Region.objects.values_list("code", flat=True)
    )
    brittany = next(row for row in regions.rows if row.value == "53")
    assert brittany.extra["population"] == 350_000
    assert brittany.extra["rate"] == round(brittany.count * 100_000 / 350_000, 2)
    assert next(row for row in regions.rows if row.value == "11").extra["rate"] is None


def test_a_region_has_its_own_figures(client, directory):
    found = figures(client, "?region=52")
    assert found.total == listed_total(client, "region=52")
    assert found.selection == "region=52"
    themes = found.get("thematique")
    for row in themes.rows:
        if row.count:
            assert "region=52" in row.query and f"thematique={row.value}" in row.query


def test_an_or_of_one_filter_has_no_link_where_the_intersection_cannot_be_written(client):
    pole = PoleFactory(name="Deux thèmes")
    pole.themes.add(*Theme.objects.filter(code__in=["alimentation", "culture"]))
    themes = figures(client, "?thematique=alimentation").get("thematique")
    by_value = {row.value: row for row in themes.rows}
    assert by_value["alimentation"].query == "thematique=alimentation"
    assert by_value["culture"].count == 1 and by_value["culture"].query is None


def test_a_state_call_reads_as_so_many_of_its_laureates(client):
    call = StateCall.objects.exclude(laureate_count=None).first()
    PoleFactory(name="Lauréat").recognitions.add(call)
    html = client.get("/chiffres/").content.decode()
    section = html[html.index('id="chiffre-reconnaissance"') :]
    row = re.search(rf"<th scope=\"row\">{re.escape(call.label)}</th>(.*?)</tr>", section, re.S)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert ">1</a>" in cells[0] and cells[2] == str(call.laureate_count)


def test_each_chart_is_an_image_with_a_title_a_description_and_its_table(client, directory):
    html = client.get("/chiffres/").content.decode()
    charts = re.findall(r"<svg class=\"chart[^>]*role=\"img\"[^>]*>.*?</svg>", html, re.S)
    found = figures(client)
    assert len(charts) == len(found.figures)
    for svg, figure in zip(charts, found.figures, strict=True):
        assert f'<title id="chiffre-{figure.name}-svg-titre">' in svg and "<desc" in svg
        assert f'id="chiffre-{figure.name}-titre"' in html
    assert html.count("<table") == len(found.figures)
    # The regions and departments are also two shaded maps each, images with their own title.
    maps = re.findall(r'<figure class="shaded-map">\s*<svg[^>]*role="img".*?<title', html, re.S)
    assert len(maps) == 4


def test_each_figure_downloads_as_csv_with_the_same_numbers(client, directory):
    found = figures(client, "?region=52")
    for figure in found.figures:
        response = client.get(f"/chiffres/{figure.name}.csv?region=52")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [(r["code"], int(r["poles"])) for r in rows] == [
            (row.value, row.count) for row in figure.rows
        ]
        for line, row in zip(rows, figure.rows, strict=True):
            if row.query is not None:
                assert line["liste"] == f"http://testserver/?{row.query}"
    assert client.get("/chiffres/inconnu.csv").status_code == 404


def test_the_page_states_the_data_version_and_follows_each_change(client, directory, commit):
    first = client.get("/chiffres/").content.decode()
    assert re.search(r"version \d+ du", first)
    with commit():
        PoleFactory(name="Nouveau breton", department=department("35"), region=region("53"))
    again = figures(client)
    assert again.total == listed_total(client, "")
    assert client.get("/chiffres/").content.decode() != first


def test_an_invalid_parameter_is_ignored_and_said(client, directory):
    response = client.get("/chiffres/?region=zz")
    assert response.status_code == 200
    assert "n'est pas valide" in response.content.decode()
    assert response.context["figures"].total == listed_total(client, "")


def test_a_region_page_carries_its_figures_beside_frances(client, directory):
    html = client.get("/regions/pays-de-la-loire/").content.decode()
    section = html[html.index('id="chiffres"') :]
    assert "Pays de la Loire en chiffres" in section
    assert 'href="/chiffres/?region=52"' in section
    assert 'id="chiffre-departements"' in section and 'id="chiffre-thematique"' in section
    regional = figures(client, "?region=52")
    france = figures(client)
    themes = regional.get("thematique")
    national = {row.value: row.count for row in france.get("thematique").rows}
    for row in themes.rows:
        if row.count:
            assert f'href="/?region=52&amp;thematique={row.value}">{row.count}</a>' in section
            share = round(100 * national[row.value] / france.total)
            assert f'<td data-label="Part en France">{share} %</td>' in section


def test_the_directory_and_the_navigation_link_the_figures(client, directory):
    html = client.get("/?region=52").content.decode()
    assert 'href="/chiffres/?region=52"' in html
    assert 'href="/chiffres/"' in client.get("/charte/").content.decode()
