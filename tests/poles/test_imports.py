import csv
from decimal import Decimal
from pathlib import Path

import pytest

from poles.imports import PoleImportError, poles_import_csv
from poles.models import (
    CharterStatus,
    LocationPrecision,
    Member,
    MemberCategory,
    Membership,
    MembershipRole,
    Pole,
    PoleChange,
)
from poles.schema import schema_fields
from tests.factories import MemberFactory, MembershipFactory, PoleFactory

pytestmark = pytest.mark.django_db

COLUMNS = [f.name for f in schema_fields() if not f.derived]
VALID_ROW = {
    "identifiant": "",
    "nom": "Pôle des Essais",
    "sigle": "PDE",
    "structure_porteuse": "Association des Essais",
    "commune": "Nantes",
    "code_insee_commune": "44109",
    "departement_code": "44",
    "region_code": "52",
    "latitude": "47.21863",
    "longitude": "-1.55377",
    "precision_localisation": "commune",
    "annee_creation": "2012",
    "stade": "",
    "thematiques": "alimentation;tiers-lieu",
    "secteur": "Alimentation durable",
    "site_web": "https://example.org",
    "impulsion": "citoyenne;collectivite",
    "precision_impulsion": "collectif d'habitants",
    "dynamique_economique": "filiere",
    "precision_dynamique_economique": "filière alimentaire",
    "lieu_commun": "oui",
    "membres": "Association des Essais (entreprise-ess); Nantes Métropole (collectivite)",
    "charte_labo_ess": "inconnu",
    "annee_charte": "",
    "reconnaissances": "aap-2013",
    "resume": "Un pôle d'essai.",
    "sources": "https://example.org/a https://example.org/b",
    "derniere_verification": "",
}


def write_csv(path: Path, rows: list[dict], columns=COLUMNS) -> Path:
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
        PoleChange.objects.count(),
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


# --- the sample file ------------------------------------------------------------------------


def test_second_import_changes_nothing_and_says_so(sample_csv):
    first = poles_import_csv(path=sample_csv)
    before = database_state()
    report = poles_import_csv(path=sample_csv)
    assert not report.has_changes
    assert len(report.unchanged) == len(first.created)
    assert database_state() == before


def test_dry_run_reports_and_writes_nothing(sample_csv):
    report = poles_import_csv(path=sample_csv, dry_run=True)
    assert len(report.created) == 5
    assert report.dry_run
    assert Pole.objects.count() == 0
    assert Member.objects.count() == 0


def test_unknown_stays_unknown(sample_csv):
    poles_import_csv(path=sample_csv)
    breton = Pole.objects.get(slug="pole-essai-breton")
    assert breton.charter_status == CharterStatus.UNKNOWN
    assert breton.has_common_place is None and breton.stage == ""
    assert breton.department is None and breton.region.code == "53"
    nantais = Pole.objects.get(slug="pole-essai-nantais")
    assert nantais.charter_status == CharterStatus.YES and nantais.charter_year == 2016
    assert str(nantais.last_verified) == "2026-03-15"


def test_the_legacy_header_is_read_through_its_mapping(tmp_path):
    from poles.imports import LEGACY_COLUMNS

    legacy = {old: VALID_ROW[new] for old, new in LEGACY_COLUMNS.items() if new in VALID_ROW}
    legacy.update(
        region="Pays de la Loire",
        charter_signatory="unknown",
        members="Association des Essais (ESS enterprise); Nantes Métropole (local authority)",
    )
    path = write_csv(tmp_path / "old.csv", [legacy], columns=list(LEGACY_COLUMNS))
    poles_import_csv(path=path)
    pole = Pole.objects.get()
    assert pole.charter_status == CharterStatus.UNKNOWN
    categories = dict(pole.memberships.values_list("member__name", "member__category"))
    assert categories["Nantes Métropole"] == MemberCategory.LOCAL_AUTHORITY
    assert not poles_import_csv(path=write_csv(tmp_path / "p.csv", [VALID_ROW])).has_changes


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


def test_import_records_one_history_entry_per_pole_with_its_file(tmp_path):
    poles_import_csv(path=write_csv(tmp_path / "p.csv", [VALID_ROW]))
    (record,) = PoleChange.objects.all()
    assert (record.source, record.source_label, record.reason) == (
        "import",
        "p.csv",
        "import p.csv",
    )
    assert record.is_creation and record.user is None
    assert {"name", "themes", "members"} <= set(record.changed_fields)


def test_changed_cell_updates_the_pole(tmp_path):
    poles_import_csv(path=write_csv(tmp_path / "p.csv", [VALID_ROW]))
    report = poles_import_csv(
        path=write_csv(tmp_path / "p.csv", [row(annee_creation="2013", thematiques="culture")])
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
        annee_creation="", thematiques="", impulsion="", lieu_commun="", latitude="", longitude="",
        precision_localisation="aucune", membres="", site_web="",
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
    poles_import_csv(path=write_csv(tmp_path / "p.csv", [row(annee_creation="2014")]))
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
    second = row(nom="Second pôle", membres="Nantes Métropole (collectivite)")
    poles_import_csv(path=write_csv(tmp_path / "p.csv", [VALID_ROW, second]))
    assert Member.objects.filter(name="Nantes Métropole").get().memberships.count() == 2


def test_only_a_region_is_enough(tmp_path):
    regional = row(
        departement_code="", region_code="53", region="Bretagne", latitude="", longitude="",
        precision_localisation="aucune", commune="", code_insee_commune="",
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
        ({"thematiques": "alimentation;cuisine"}, "thematiques", "code inconnu « cuisine »"),
        ({"impulsion": "filiere"}, "impulsion", "code inconnu « filiere »"),
        ({"dynamique_economique": "mutualisation"}, "dynamique_economique", "code inconnu"),
        ({"reconnaissances": "aap-2099"}, "reconnaissances", "code inconnu « aap-2099 »"),
        ({"departement_code": "99"}, "departement_code", "code de département inconnu"),
        ({"region_code": "53"}, "region_code", "n'est pas dans la région"),
        ({"stade": "fini"}, "stade", "valeur inconnue"),
        ({"identifiant": "Pas Un Slug"}, "identifiant", "forme attendue"),
        ({"annee_charte": "2016"}, "annee_charte", "signataire"),
        ({"derniere_verification": "2026-02-30"}, "derniere_verification", "n'existe pas"),
        ({"precision_localisation": "rue"}, "precision_localisation", "valeur inconnue"),
        ({"lieu_commun": "peut-être"}, "lieu_commun", "valeur inconnue"),
        ({"charte_labo_ess": "non-connu"}, "charte_labo_ess", "valeur inconnue"),
        ({"latitude": "91"}, "latitude", "hors de l'intervalle"),
        ({"longitude": "-200.5"}, "longitude", "hors de l'intervalle"),
        ({"latitude": "abc"}, "latitude", "n'est pas un nombre"),
        ({"latitude": "-1.55377", "longitude": "47.21863"}, "latitude", "hors de France"),
        ({"longitude": ""}, "longitude", "vont ensemble"),
        ({"annee_creation": "deux mille"}, "annee_creation", "nombre entier"),
        ({"annee_creation": "1492"}, "annee_creation", "1900"),
        ({"nom": ""}, "nom", "obligatoire"),
        ({"nom": "x" * 201}, "nom", "200"),
        ({"site_web": "pas une adresse"}, "site_web", "adresse web valide"),
        ({"site_web": "javascript:alert(1)"}, "site_web", "adresse web valide"),
        ({"sources": "https://ok.example notaurl"}, "sources", "notaurl"),
        ({"code_insee_commune": "4410"}, "code_insee_commune", "forme attendue"),
        ({"membres": "Sans type"}, "membres", "Nom (catégorie)"),
        ({"membres": "Membre (cooperative)"}, "membres", "Nom (catégorie)"),
        ({"membres": "A (pme); a (pme)"}, "membres", "membre en double"),
    ],
)
def test_bad_row_is_refused_with_line_and_column(tmp_path, changes, column, text):
    path = write_csv(tmp_path / "p.csv", [row(nom="Premier pôle"), row(**changes)])
    assert_refused(path, 3, column, text)


def test_every_bad_row_is_reported_at_once(tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [row(thematiques="zzz"), row(nom="B", departement_code="00"), row(nom="C")],
    )
    with pytest.raises(PoleImportError) as error:
        poles_import_csv(path=path)
    assert {(e.line, e.column) for e in error.value.errors} == {
        (2, "thematiques"),
        (3, "departement_code"),
    }
    assert Pole.objects.count() == 0


def test_duplicate_pole_is_refused(tmp_path):
    path = write_csv(tmp_path / "p.csv", [VALID_ROW, row(nom="pôle des essais")])
    assert_refused(path, 3, "nom", "figure déjà ligne 2")


def test_member_with_two_categories_is_refused(tmp_path):
    second = row(nom="Second pôle", membres="Nantes Métropole (pme)")
    path = write_csv(tmp_path / "p.csv", [VALID_ROW, second])
    assert_refused(path, 3, "membres", "ligne 2")


def test_missing_column_is_refused(tmp_path):
    columns = [c for c in COLUMNS if c != "thematiques"]
    path = write_csv(tmp_path / "p.csv", [VALID_ROW], columns=columns)
    assert_refused(path, 1, None, "colonnes manquantes : thematiques")


def test_unknown_column_is_refused(tmp_path):
    path = tmp_path / "p.csv"
    write_csv(path, [VALID_ROW], columns=[*COLUMNS, "thèmes"])
    assert_refused(path, 1, None, "colonnes inconnues : thèmes")


def test_row_with_wrong_number_of_fields_is_refused(tmp_path):
    path = write_csv(tmp_path / "p.csv", [VALID_ROW])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("Pôle tronqué,PT,porteur\n")
    assert_refused(path, 3, None, f"3 champs au lieu de {len(COLUMNS)}")


def test_wrong_encoding_is_refused(tmp_path):
    path = write_csv(tmp_path / "utf8.csv", [VALID_ROW, row(nom="Écopôle")])
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
    rows = [row(nom=f"Pôle {n}") for n in range(5)] + [row(nom="Dernier", latitude="999")]
    assert_refused(write_csv(tmp_path / "p.csv", rows), 7, "latitude", "intervalle")
    assert Pole.objects.count() == 0


# --- the official communes -------------------------------------------------------------------


def test_the_commune_code_is_checked_against_the_official_list(tmp_path):
    from tests.factories import CommuneFactory

    CommuneFactory(code="44109", name="Nantes")
    assert_refused(write_csv(tmp_path / "p.csv", [row(nom="Premier pôle"),
                                                  row(code_insee_commune="44999")]),
                   3, "code_insee_commune", "liste officielle")  # fmt: skip
    assert_refused(write_csv(tmp_path / "q.csv", [row(nom="Premier pôle"),
                                                  row(departement_code="35", region_code="53")]),
                   3, "departement_code", "est dans le département 44")  # fmt: skip
    poles_import_csv(
        path=write_csv(tmp_path / "r.csv", [row(commune="nantes", departement_code="")])
    )
    pole = Pole.objects.get()
    assert pole.commune == "Nantes" and pole.department.code == "44"


def test_the_territory_of_action_imports_from_official_codes(tmp_path):
    from tests.factories import CommuneFactory, EpciFactory

    CommuneFactory(code="44109", name="Nantes")
    EpciFactory(siren="244400404", name="Nantes Métropole")
    rows = [row(territoire_action="epci:244400404;departement:44;region:52;commune:44109")]
    poles_import_csv(path=write_csv(tmp_path / "p.csv", rows))
    pole = Pole.objects.get()
    assert [str(t) for t in pole.action_territories()] == [
        "Pays de la Loire", "Loire-Atlantique (44)", "Nantes Métropole", "Nantes (44)"
    ]  # fmt: skip
    assert not poles_import_csv(path=write_csv(tmp_path / "p.csv", rows)).has_changes
    assert_refused(write_csv(tmp_path / "q.csv", [row(territoire_action="epci:999")]), 2,
                   "territoire_action", "lieu inconnu « epci:999 »")  # fmt: skip
    assert_refused(write_csv(tmp_path / "r.csv", [row(territoire_action="ville:1")]), 2,
                   "territoire_action", "forme attendue")  # fmt: skip


# --- re-imports respect editorial work --------------------------------------------------------


def editor_edit(pole, **values):
    from poles.models import ChangeSource
    from poles.services import pole_update

    return pole_update(pole=pole, values=values, source=ChangeSource.EDITOR, reason="terrain")


def test_a_reimport_keeps_what_an_editor_changed_when_the_file_did_not_change_it(tmp_path):
    path = write_csv(tmp_path / "p.csv", [VALID_ROW])
    poles_import_csv(path=path)
    pole = Pole.objects.get()
    editor_edit(pole, latitude=Decimal("47.200000"), summary="Résumé revu par l'équipe")
    changes = PoleChange.objects.count()
    report = poles_import_csv(path=path)
    pole.refresh_from_db()
    assert (pole.latitude, pole.summary) == (Decimal("47.2"), "Résumé revu par l'équipe")
    assert not report.has_changes and report.kept == 2 and not report.conflicts
    assert PoleChange.objects.count() == changes


def test_a_reimport_writes_what_the_file_changed_and_reports_a_double_change(tmp_path):
    path = write_csv(tmp_path / "p.csv", [VALID_ROW])
    poles_import_csv(path=path)
    pole = Pole.objects.get()
    editor_edit(pole, summary="Résumé de l'équipe")
    write_csv(path, [row(resume="Résumé du fichier", sigle="PDE2", annee_creation="2013")])
    report = poles_import_csv(path=path)
    pole.refresh_from_db()
    assert pole.summary == "Résumé de l'équipe", "the editor's newer value is kept"
    assert (pole.short_name, pole.year_created) == ("PDE2", 2013), "the file's own changes"
    (conflict,) = report.conflicts
    assert "gardé la valeur de l'éditeur" in conflict and "Résumé de l'équipe" in conflict
    latest = pole.changes.first()
    assert (latest.source, latest.source_label) == ("import", "p.csv")
    assert set(latest.changed_fields) == {"short_name", "year_created"}
    forced = poles_import_csv(path=path, force=True)
    pole.refresh_from_db()
    assert pole.summary == "Résumé du fichier" and not forced.conflicts


def test_a_reimport_does_not_bring_back_a_member_an_editor_removed(tmp_path):
    path = write_csv(tmp_path / "p.csv", [VALID_ROW])
    poles_import_csv(path=path)
    pole = Pole.objects.get()
    pole.memberships.get(member__name="Nantes Métropole").delete()
    poles_import_csv(path=path)
    assert list(pole.memberships.values_list("member__name", flat=True)) == [
        "Association des Essais"
    ]
    write_csv(path, [row(membres=VALID_ROW["membres"] + "; Labo d'essai (recherche)")])
    poles_import_csv(path=path)
    assert sorted(pole.memberships.values_list("member__name", flat=True)) == [
        "Association des Essais",
        "Labo d'essai",
    ]


def test_the_command_lists_the_kept_values_and_force_takes_the_file(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = write_csv(tmp_path / "p.csv", [VALID_ROW])
    call_command("import_poles", path, stdout=StringIO())
    editor_edit(Pole.objects.get(), summary="Version de l'équipe")
    write_csv(path, [row(resume="Version du fichier")])
    out = StringIO()
    call_command("import_poles", path, stdout=out)
    assert "gardé la valeur de l'éditeur « Version de l'équipe »" in out.getvalue()
    assert "--force" in out.getvalue()
    call_command("import_poles", path, "--force", stdout=StringIO())
    assert Pole.objects.get().summary == "Version du fichier"


def test_a_member_reclassified_by_the_file_renews_the_caches_and_its_history(tmp_path, commit):
    from poles.caching import directory_version

    path = write_csv(tmp_path / "p.csv", [VALID_ROW])
    poles_import_csv(path=path)
    write_csv(path, [row(membres=VALID_ROW["membres"].replace("(collectivite)", "(autre)"))])
    before = directory_version().number
    with commit():
        report = poles_import_csv(path=path)
    member = Member.objects.get(name="Nantes Métropole")
    assert member.category == MemberCategory.OTHER and report.members_updated == 1
    assert member.history.latest().history_change_reason == "import p.csv"
    assert directory_version().number == before + 1
