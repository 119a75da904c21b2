"""The real data in fixtures/: in step with ../shared/data/, and every row of it imports.

Nothing here states how many poles there are or what they are called: the invariants are read
from the files themselves, so that new data never breaks a test.
"""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from poles.imports import poles_import_csv
from poles.models import Membership, Pole
from tests.conftest import REAL_CSV

SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data"
needs_shared = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason="../shared/data/ n'est pas à côté du projet"
)


def file_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@needs_shared
def test_fixtures_are_the_shared_data_converted_to_the_schema(tmp_path):
    converted = tmp_path / "ptce_poles.csv"
    call_command(
        "convert_poles_csv",
        SHARED_DATA / "ptce_poles.csv",
        converted,
        identifiers=REAL_CSV.parent / "identifiers.csv",
        verbosity=0,
    )
    assert converted.read_bytes() == REAL_CSV.read_bytes(), "make fixtures"


@needs_shared
@pytest.mark.parametrize("name", ["SOURCES.md", "territories.csv"])
def test_fixture_files_are_the_shared_ones(name):
    assert (REAL_CSV.parent / name).read_bytes() == (SHARED_DATA / name).read_bytes()


@pytest.mark.django_db
def test_every_real_row_arrives_and_a_second_import_changes_nothing():
    rows = file_rows(REAL_CSV)
    links = sum(len([m for m in row["membres"].split(";") if m.strip()]) for row in rows)
    report = poles_import_csv(path=REAL_CSV)
    assert len(report.created) == Pole.objects.count() == len(rows)
    assert report.memberships_created == Membership.objects.count() == links
    assert set(Pole.objects.values_list("slug", flat=True)) == {r["identifiant"] for r in rows}
    located = {r["identifiant"] for r in rows if r["latitude"]}
    assert set(Pole.objects.located().values_list("slug", flat=True)) == located
    again = poles_import_csv(path=REAL_CSV)
    assert not again.has_changes and len(again.unchanged) == len(rows)


@needs_shared
@pytest.mark.django_db
def test_the_shared_file_imports_through_the_legacy_header_as_the_fixtures_do():
    poles_import_csv(path=SHARED_DATA / "ptce_poles.csv")
    assert not poles_import_csv(path=REAL_CSV).has_changes


def renamed_rows() -> list[dict]:
    kept = file_rows(REAL_CSV.parent / "identifiers.csv")
    return [row for row in file_rows(REAL_CSV) if row["nom"] in {k["nom"] for k in kept}]


def test_every_kept_identifier_names_a_row_of_the_fixtures():
    kept = file_rows(REAL_CSV.parent / "identifiers.csv")
    by_name = {row["nom"]: row["identifiant"] for row in file_rows(REAL_CSV)}
    assert kept and all(by_name[row["nom"]] == row["identifiant"] for row in kept)


@pytest.mark.django_db
def test_a_renamed_pole_keeps_its_address_in_a_fresh_database(client):
    poles_import_csv(path=REAL_CSV)
    for row in renamed_rows():
        response = client.get(f"/poles/{row['identifiant']}/")
        assert response.status_code == 200
        assert row["nom"] in response.content.decode()


@pytest.mark.django_db
def test_a_database_seeded_before_a_rename_renames_the_pole_instead_of_adding_one(tmp_path, client):
    rows = file_rows(REAL_CSV)
    renamed = {row["nom"] for row in renamed_rows()}
    before = tmp_path / "before.csv"
    with before.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "nom": "Ancien nom " + row["nom"]} if row["nom"] in renamed
                            else row)  # fmt: skip
    poles_import_csv(path=before)
    count = Pole.objects.count()
    report = poles_import_csv(path=REAL_CSV)
    assert not report.created and Pole.objects.count() == count
    for row in renamed_rows():
        assert Pole.objects.get(slug=row["identifiant"]).name == row["nom"]
        assert row["nom"] in client.get(f"/poles/{row['identifiant']}/").content.decode()
