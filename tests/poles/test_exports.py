"""The CSV and GeoJSON exports: the data schema's fields, the list's selection, re-importable."""

import csv
import io
import json

import pytest
from frictionless import Resource, Schema, validate

from poles.exports import csv_safe, csv_unsafe
from poles.imports import poles_import_csv
from poles.models import Member, Membership, Pole
from poles.schema import SCHEMA_PATH, field_names
from tests.factories import PoleFactory

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def page_names(response) -> list[str]:
    return [pole.name for pole in response.context["page"]]


def test_csv_export_equals_the_list_for_the_same_filters(client, sample_directory):
    query = {"region": ["52", "32"], "thematique": ["alimentation", "culture"]}
    listed = page_names(client.get("/", query))
    exported = read_csv(client.get("/donnees/poles.csv", query))
    assert sorted(row["nom"] for row in exported) == sorted(listed)
    assert len(exported) == 2


def test_csv_export_writes_the_schema_fields_in_order_and_no_contact_data(client, sample_directory):
    Pole.objects.update(contact_email="personne@example.org")
    response = client.get("/donnees/poles.csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = read_csv(response)
    assert list(rows[0]) == field_names()
    assert len(rows) == Pole.objects.published().count()
    assert "personne@example.org" not in response.content.decode("utf-8-sig")
    nantais = next(r for r in rows if r["identifiant"] == "pole-essai-nantais")
    assert nantais["latitude"] == "47.21863" and nantais["longitude"] == "-1.55377"
    assert nantais["charte_labo_ess"] == "oui" and nantais["annee_charte"] == "2016"
    assert nantais["lieu_commun"] == "oui"
    assert nantais["membres"] == (
        "Association d'essai nantaise (entreprise-ess); Laboratoire d'essai (recherche); "
        "Métropole d'essai (collectivite)"
    )
    assert nantais["url"] == "http://testserver/poles/pole-essai-nantais/"
    assert nantais["departement"] == "Loire-Atlantique" and nantais["region"] == "Pays de la Loire"
    breton = next(r for r in rows if r["identifiant"] == "pole-essai-breton")
    assert breton["lieu_commun"] == "inconnu" and breton["stade"] == "inconnu"
    assert breton["latitude"] == "" and breton["precision_localisation"] == "aucune"


def test_csv_export_is_valid_against_the_published_schema(client, sample_directory, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(client.get("/donnees/poles.csv").content)
    schema = Schema.from_descriptor(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    report = validate(Resource(path=path.name, basepath=str(tmp_path), schema=schema))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_an_export_reimports_into_an_empty_database_and_exports_again_identically(
    client, sample_directory, tmp_path, commit
):
    first = client.get("/donnees/poles.csv").content
    with commit():
        Pole.objects.all().delete()
        Member.objects.all().delete()
    assert not Membership.objects.exists()
    path = tmp_path / "export.csv"
    path.write_bytes(first)
    with commit():
        report = poles_import_csv(path=path)
    assert len(report.created) == len(read_csv(client.get("/donnees/poles.csv")))
    assert client.get("/donnees/poles.csv").content == first


def test_csv_neutralises_formulas_but_not_numbers(client):
    PoleFactory(name='=HYPERLINK("http://evil.example")', summary="+33 1 23 45 67 89",
                carrier_name=" =1+1", commune="\uff1dSOMME(A1)", located=True)  # fmt: skip
    row = read_csv(client.get("/donnees/poles.csv"))[0]
    assert row["nom"].startswith("'=")
    assert row["resume"].startswith("'+")
    assert row["structure_porteuse"] == "' =1+1"
    assert row["commune"] == "'\uff1dSOMME(A1)"
    assert row["longitude"] == "-1.55377"  # a negative number stays a number


@pytest.mark.parametrize(
    "text", ["=1+1", "-2 membres", "@SUM(A1)", " =x", "\uff0b1", "\tx", "-1.5", "Nantes", "12"]
)
def test_neutralised_cells_read_back_as_they_were(text):
    assert csv_unsafe(csv_safe(text)) == text


def test_geojson_export_keeps_poles_without_location_and_links_its_schema(client):
    PoleFactory(located=True)
    PoleFactory(name="Sans lieu")
    data = json.loads(client.get("/donnees/poles.geojson").content)
    assert data["licence"] == "Licence Ouverte 2.0"
    assert data["schema"] == "http://testserver/donnees/schema.json"
    geometries = {f["properties"]["nom"]: f["geometry"] for f in data["features"]}
    assert geometries["Sans lieu"] is None
    assert len(geometries) == 2
    properties = data["features"][0]["properties"]
    assert list(properties) == [n for n in field_names() if n not in ("latitude", "longitude")]


def test_exports_leave_out_addresses_that_are_not_web_pages(client):
    PoleFactory(website="javascript:alert(1)", sources="data:text/html,x https://ok.example")
    row = read_csv(client.get("/donnees/poles.csv"))[0]
    assert row["site_web"] == "" and row["sources"] == "https://ok.example"
