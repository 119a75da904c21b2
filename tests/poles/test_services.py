import csv
from decimal import Decimal
from pathlib import Path

import pytest

from poles.models import (
    CharterStatus,
    LocationPrecision,
    Member,
    MemberCategory,
    Membership,
    MembershipRole,
    Pole,
)
from poles.services import CSV_COLUMNS, PoleImportError, poles_import_csv
from tests.factories import MemberFactory, MembershipFactory, PoleFactory

pytestmark = pytest.mark.django_db

VALID_ROW = {
    "name": "Pôle des Essais",
    "short_name": "PDE",
    "carrier": "Association des Essais",
    "commune": "Nantes",
    "commune_insee": "44109",
    "department_code": "44",
    "region_code": "52",
    "region": "Pays de la Loire",
    "latitude": "47.21863",
    "longitude": "-1.55377",
    "location_precision": "commune",
    "year_created": "2012",
    "themes": "alimentation;tiers-lieu",
    "sector": "Alimentation durable",
    "website": "https://example.org",
    "impulse": "citoyenne;collectivite",
    "impulse_note": "collectif d'habitants",
    "economic_dynamic": "filiere",
    "economic_dynamic_note": "filière alimentaire",
    "common_place": "oui",
    "members": "Association des Essais (ESS enterprise); Nantes Métropole (local authority)",
    "charter_signatory": "unknown",
    "recognitions": "aap-2013",
    "description_fr": "Un pôle d'essai.",
    "sources": "https://example.org/a https://example.org/b",
}


def write_csv(path: Path, rows: list[dict], columns=CSV_COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def row(**changes) -> dict:
    return {**VALID_ROW, **changes}


def database_state() -> tuple:
    return (
        sorted(Pole.objects.values_list("name", "updated_at")),
        sorted(Member.objects.values_list("name", "category")),
        Membership.objects.count(),
        Pole.history.count(),
    )


def assert_refused(path: Path, line: int | None, column: str | None, text: str) -> None:
    before = database_state()
    with pytest.raises(PoleImportError) as error:
        poles_import_csv(path=path)
    assert database_state() == before, "a refused file must write nothing"
    matching = [
        e
        for e in error.value.errors
        if (line is None or e.line == line)
        and (column is None or e.column == column)
        and text in e.message
    ]
    assert matching, f"no error at line {line}, column {column} with {text!r}: {error.value}"


# --- the real data ---------------------------------------------------------------------------


def count_file(path: Path) -> tuple[int, int]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    links = sum(len([m for m in r["members"].split(";") if m.strip()]) for r in rows)
    return len(rows), links


def test_real_file_imports_every_pole_and_member_link(real_csv):
    poles, links = count_file(real_csv)
    report = poles_import_csv(path=real_csv)
    assert len(report.created) == Pole.objects.count() == poles == 80
    assert report.memberships_created == Membership.objects.count() == links == 155
    assert Pole.objects.published().count() == poles
    # Unknown stays unknown: every row says "unknown" for the charter, none is turned into "no".
    assert not Pole.objects.exclude(charter_status=CharterStatus.UNKNOWN).exists()
    # A blank common_place cell is unknown, not "no".
    assert not Pole.objects.filter(has_common_place=False).exists()
    # Poles without a point still belong in the directory.
    with real_csv.open(encoding="utf-8") as handle:
        unlocated = sum(1 for r in csv.DictReader(handle) if not r["latitude"])
    assert Pole.objects.unlocated().count() == unlocated == 19


def test_real_file_keeps_region_of_poles_without_department(real_csv):
    poles_import_csv(path=real_csv)
    pole = Pole.objects.get(name="Ordi Grand Ouest")
    assert pole.department is None
    assert pole.region.name == "Bretagne"
    assert not Pole.objects.filter(region__isnull=True).exists()


def test_second_import_changes_nothing_and_says_so(real_csv):
    poles_import_csv(path=real_csv)
    before = database_state()
    report = poles_import_csv(path=real_csv)
    assert not report.has_changes
    assert len(report.unchanged) == 80
    assert database_state() == before


def test_dry_run_reports_and_writes_nothing(real_csv):
    report = poles_import_csv(path=real_csv, dry_run=True)
    assert len(report.created) == 80
    assert report.dry_run
    assert Pole.objects.count() == 0
    assert Member.objects.count() == 0


# --- one row, all fields ---------------------------------------------------------------------


def test_row_fields_arrive_in_the_model(tmp_path):
    poles_import_csv(path=write_csv(tmp_path / "p.csv", [VALID_ROW]))
    pole = Pole.objects.get()
    assert pole.slug == "pole-des-essais"
    assert pole.department.code == "44"
    assert pole.region.code == "52"
    assert pole.latitude == Decimal("47.21863")
    assert pole.location_precision == LocationPrecision.COMMUNE
    assert pole.has_common_place is True
    assert pole.summary == "Un pôle d'essai."
    assert pole.source_urls == ["https://example.org/a", "https://example.org/b"]
    assert sorted(a.code for a in pole.approaches.all()) == ["citoyenne", "collectivite", "filiere"]
    assert sorted(t.code for t in pole.themes.all()) == ["alimentation", "tiers-lieu"]
    assert [c.code for c in pole.recognitions.all()] == ["aap-2013"]
    memberships = {m.member.name: m for m in pole.memberships.select_related("member")}
    assert memberships["Nantes Métropole"].member.category == MemberCategory.LOCAL_AUTHORITY
    # The member named like the carrier is the carrier; others' roles are unknown, not guessed.
    assert memberships["Association des Essais"].role == MembershipRole.CARRIER
    assert memberships["Nantes Métropole"].role == ""


def test_import_records_history_with_the_reason(tmp_path):
    poles_import_csv(path=write_csv(tmp_path / "p.csv", [VALID_ROW]))
    record = Pole.objects.get().history.earliest()
    assert record.history_change_reason == "import p.csv"


def test_changed_cell_updates_the_pole(tmp_path):
    poles_import_csv(path=write_csv(tmp_path / "p.csv", [VALID_ROW]))
    report = poles_import_csv(
        path=write_csv(tmp_path / "p.csv", [row(year_created="2013", themes="culture")])
    )
    assert report.updated == ["Pôle des Essais"]
    pole = Pole.objects.get()
    assert pole.year_created == 2013
    assert [t.code for t in pole.themes.all()] == ["culture"]
    # A change of one axis of approaches leaves the other axis alone.
    assert sorted(a.code for a in pole.approaches.all()) == ["citoyenne", "collectivite", "filiere"]


def test_blank_cells_never_erase_known_values(tmp_path):
    poles_import_csv(path=write_csv(tmp_path / "p.csv", [VALID_ROW]))
    pole = Pole.objects.get()
    pole.stage = "consolide"
    pole.save()
    blank = row(
        year_created="", themes="", impulse="", common_place="", latitude="", longitude="",
        location_precision="aucune", members="", website="",
    )  # fmt: skip
    report = poles_import_csv(path=write_csv(tmp_path / "p.csv", [blank]))
    assert report.unchanged == ["Pôle des Essais"]
    pole.refresh_from_db()
    assert pole.year_created == 2012
    assert pole.has_common_place is True
    assert pole.latitude is not None
    assert pole.themes.count() == 2
    assert pole.memberships.count() == 2
    assert pole.stage == "consolide"


def test_import_does_not_republish_a_pole_an_editor_unpublished(tmp_path):
    poles_import_csv(path=write_csv(tmp_path / "p.csv", [VALID_ROW]))
    Pole.objects.update(is_published=False)
    poles_import_csv(path=write_csv(tmp_path / "p.csv", [row(year_created="2014")]))
    assert Pole.objects.get().is_published is False


def test_existing_members_are_reused_and_links_kept(tmp_path):
    member = MemberFactory(name="NANTES MÉTROPOLE", category=MemberCategory.LOCAL_AUTHORITY)
    pole = PoleFactory(name="Pôle des Essais")
    other = MembershipFactory(pole=pole)
    report = poles_import_csv(path=write_csv(tmp_path / "p.csv", [VALID_ROW]))
    assert report.updated == ["Pôle des Essais"]
    assert report.members_created == 1  # only "Association des Essais" is new
    assert set(pole.memberships.values_list("member_id", flat=True)) >= {member.pk, other.member_id}


def test_a_member_shared_by_two_poles_is_one_member(tmp_path):
    second = row(name="Second pôle", members="Nantes Métropole (local authority)")
    poles_import_csv(path=write_csv(tmp_path / "p.csv", [VALID_ROW, second]))
    assert Member.objects.filter(name="Nantes Métropole").get().memberships.count() == 2


def test_only_a_region_is_enough(tmp_path):
    regional = row(
        department_code="", region_code="53", region="Bretagne", latitude="", longitude="",
        location_precision="aucune", commune="", commune_insee="",
    )  # fmt: skip
    poles_import_csv(path=write_csv(tmp_path / "p.csv", [regional]))
    pole = Pole.objects.get()
    assert pole.department is None
    assert pole.region.code == "53"
    assert pole.location_precision == LocationPrecision.NONE


# --- bad files and rows: a clear error and nothing written -----------------------------------


@pytest.mark.parametrize(
    ("changes", "column", "text"),
    [
        ({"themes": "alimentation;cuisine"}, "themes", "code inconnu « cuisine »"),
        ({"impulse": "filiere"}, "impulse", "code inconnu « filiere »"),
        ({"economic_dynamic": "mutualisation"}, "economic_dynamic", "code inconnu"),
        ({"recognitions": "aap-2099"}, "recognitions", "code inconnu « aap-2099 »"),
        ({"department_code": "99"}, "department_code", "code de département inconnu"),
        ({"region_code": "53"}, "region_code", "n'est pas dans la région"),
        ({"region": "Atlantide"}, "region", "région inconnue"),
        ({"location_precision": "rue"}, "location_precision", "valeur inconnue"),
        ({"common_place": "peut-être"}, "common_place", "valeur inconnue"),
        ({"charter_signatory": "non-connu"}, "charter_signatory", "valeur inconnue"),
        ({"latitude": "91"}, "latitude", "hors de l'intervalle"),
        ({"longitude": "-200.5"}, "longitude", "hors de l'intervalle"),
        ({"latitude": "abc"}, "latitude", "n'est pas un nombre"),
        ({"latitude": "-1.55377", "longitude": "47.21863"}, "latitude", "hors de France"),
        ({"longitude": ""}, "longitude", "vont ensemble"),
        ({"year_created": "deux mille"}, "year_created", "n'est pas une année"),
        ({"year_created": "1492"}, "year_created", "1900"),
        ({"name": ""}, "name", "obligatoire"),
        ({"name": "x" * 201}, "name", "200"),
        ({"website": "pas une adresse"}, "website", "URL"),
        ({"sources": "https://ok.example notaurl"}, "sources", "« notaurl »"),
        ({"commune_insee": "4410"}, "commune_insee", "5 caractères"),
        ({"members": "Sans type"}, "members", "Nom (type)"),
        ({"members": "Membre (cooperative)"}, "members", "Nom (type)"),
        ({"members": "A (SME); a (SME)"}, "members", "membre en double"),
    ],
)
def test_bad_row_is_refused_with_line_and_column(tmp_path, changes, column, text):
    path = write_csv(tmp_path / "p.csv", [row(name="Premier pôle"), row(**changes)])
    assert_refused(path, 3, column, text)


def test_every_bad_row_is_reported_at_once(tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [row(themes="zzz"), row(name="B", department_code="00"), row(name="C")],
    )
    with pytest.raises(PoleImportError) as error:
        poles_import_csv(path=path)
    assert {(e.line, e.column) for e in error.value.errors} == {
        (2, "themes"),
        (3, "department_code"),
    }
    assert Pole.objects.count() == 0


def test_duplicate_pole_is_refused(tmp_path):
    path = write_csv(tmp_path / "p.csv", [VALID_ROW, row(name="pôle des essais")])
    assert_refused(path, 3, "name", "figure déjà ligne 2")


def test_member_with_two_categories_is_refused(tmp_path):
    second = row(name="Second pôle", members="Nantes Métropole (SME)")
    path = write_csv(tmp_path / "p.csv", [VALID_ROW, second])
    assert_refused(path, 3, "members", "ligne 2")


def test_missing_column_is_refused(tmp_path):
    columns = [c for c in CSV_COLUMNS if c != "themes"]
    path = write_csv(tmp_path / "p.csv", [VALID_ROW], columns=columns)
    assert_refused(path, 1, None, "colonnes manquantes : themes")


def test_unknown_column_is_refused(tmp_path):
    path = tmp_path / "p.csv"
    write_csv(path, [VALID_ROW], columns=[*CSV_COLUMNS, "thèmes"])
    assert_refused(path, 1, None, "colonnes inconnues : thèmes")


def test_row_with_wrong_number_of_fields_is_refused(tmp_path):
    path = write_csv(tmp_path / "p.csv", [VALID_ROW])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("Pôle tronqué,PT,porteur\n")
    assert_refused(path, 3, None, "3 champs au lieu de 25")


def test_wrong_encoding_is_refused(tmp_path):
    path = write_csv(tmp_path / "utf8.csv", [VALID_ROW, row(name="Écopôle")])
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    assert_refused(latin1, 2, None, "UTF-8")


@pytest.mark.parametrize(
    ("content", "text"),
    [(b"", "vide"), (b"\x00\x01\x02", "octets nuls"), (b"name\n", "colonnes manquantes")],
)
def test_not_a_poles_file_is_refused(tmp_path, content, text):
    path = tmp_path / "p.csv"
    path.write_bytes(content)
    assert_refused(path, None, None, text)


def test_header_only_file_is_refused(tmp_path):
    assert_refused(write_csv(tmp_path / "p.csv", []), None, None, "aucun pôle")


def test_missing_file_is_refused(tmp_path):
    assert_refused(tmp_path / "absent.csv", None, None, "lecture impossible")


def test_a_late_bad_row_rolls_back_earlier_rows(tmp_path):
    rows = [row(name=f"Pôle {n}") for n in range(5)] + [row(name="Dernier", latitude="999")]
    assert_refused(write_csv(tmp_path / "p.csv", rows), 7, "latitude", "intervalle")
    assert Pole.objects.count() == 0
