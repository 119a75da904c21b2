import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from poles.imports import poles_import_csv
from poles.models import (
    Approach,
    ApproachAxis,
    Department,
    Member,
    Pole,
    Principle,
    Region,
    StateCall,
    Theme,
)


def territories() -> list[dict]:
    path = Path(settings.BASE_DIR) / "fixtures" / "territories.csv"
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_every_region_and_department_exists_after_migrate():
    rows = territories()
    assert Region.objects.count() == len({r["region_code"] for r in rows}) == 18
    assert Department.objects.count() == len(rows) == 101
    for row in rows:
        department = Department.objects.select_related("region").get(code=row["department_code"])
        assert department.name == row["department_name"]
        assert department.region.code == row["region_code"]
    assert Department.objects.get(code="2A").slug == "corse-du-sud"
    assert Region.objects.get(code="84").slug == "auvergne-rhone-alpes"


@pytest.mark.django_db
def test_typology_reference_data_exists_after_migrate():
    axes = {axis: set() for axis in ApproachAxis.values}
    for approach in Approach.objects.all():
        axes[approach.axis].add(approach.code)
        assert approach.description
    assert axes == {
        "impulsion": {"entrepreneuriale", "citoyenne", "collectivite"},
        "dynamique": {"filiere", "sectorielle", "multi-activites"},
        "lieu": {"lieu-commun"},
    }
    assert set(Principle.objects.values_list("code", flat=True)) == {
        "developpement-local-durable",
        "territoire",
        "changement-echelle",
        "cooperation-economique",
    }
    # Every theme and recognition code the data file uses is known.
    with (Path(settings.BASE_DIR) / "fixtures" / "ptce_poles.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    used_themes = {t for r in rows for t in r["thematiques"].split(";") if t}
    used_calls = {c for r in rows for c in r["reconnaissances"].split(";") if c}
    assert used_themes <= set(Theme.objects.values_list("code", flat=True))
    assert used_calls <= set(StateCall.objects.values_list("code", flat=True))


@pytest.mark.django_db
def test_editor_group_exists_with_pole_permissions_only():
    codenames = set(
        Group.objects.get(name="éditeur").permissions.values_list("codename", flat=True)
    )
    assert {"add_pole", "change_pole", "delete_pole", "add_member", "add_theme"} <= codenames
    assert not {c for c in codenames if c.endswith("_user") or c.endswith("_group")}
    assert "add_region" not in codenames


@pytest.mark.django_db(transaction=True)
def test_migrating_back_refuses_to_cut_poles_from_reference_data(sample_csv):
    created = len(poles_import_csv(path=sample_csv).created)
    try:
        with pytest.raises(RuntimeError, match="Des pôles utilisent ces données de référence"):
            call_command("migrate", "poles", "0002", verbosity=0)
        assert Department.objects.count() == 101
        assert Pole.objects.count() == created
    finally:
        # Migrations after the refused one were reversed: put the schema back for other tests.
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_migrations_go_down_to_zero_and_back(sample_csv):
    call_command("migrate", "poles", "zero", verbosity=0)
    tables = connection.introspection.table_names()
    assert not [t for t in tables if t.startswith("poles_")]
    assert not Group.objects.filter(name="éditeur").exists()

    call_command("migrate", verbosity=0)
    executor = MigrationExecutor(connection)
    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert Department.objects.count() == 101
    assert Group.objects.get(name="éditeur").permissions.exists()
    # Data imports again on the rebuilt schema.
    assert len(poles_import_csv(path=sample_csv).created) == 5


@pytest.mark.django_db(transaction=True)
def test_a_migration_clears_stored_addresses_that_are_not_web_pages(capsys):
    before = ("poles", "0009_web_url_validators")
    call_command("migrate", *before, verbosity=0)
    try:
        # The models as they were then, written without validation (a shell, loaddata).
        state = MigrationExecutor(connection).loader.project_state(before)
        OldPole = state.apps.get_model("poles", "Pole")
        OldMember = state.apps.get_model("poles", "Member")
        OldPole.objects.create(name="Pôle aux adresses", slug="pole-aux-adresses",
                               website="javascript:alert(1)",
                               sources="https://ok.example\ndata:text/html,x")  # fmt: skip
        OldMember.objects.create(name="Membre aux adresses", website="javascript:void(0)")
        call_command("migrate", "poles", "0010", verbosity=0)
    finally:
        call_command("migrate", verbosity=0)
    stored = Pole.objects.get(slug="pole-aux-adresses")
    assert stored.website == "" and stored.sources == "https://ok.example"
    assert Member.objects.get(name="Membre aux adresses").website == ""
    output = capsys.readouterr().out
    assert "javascript:alert(1)" in output and "data:text/html,x" in output


@pytest.mark.django_db(transaction=True)
def test_the_old_history_becomes_pole_changes_and_the_last_import_the_baseline():
    import datetime

    from django.utils import timezone

    executor = MigrationExecutor(connection)
    executor.migrate([("poles", "0019_history_of_record")])
    old = executor.loader.project_state([("poles", "0019_history_of_record")]).apps
    try:
        OldPole = old.get_model("poles", "Pole")
        Historical = old.get_model("poles", "HistoricalPole")
        pole = OldPole.objects.create(name="Pôle ancien", slug="pole-ancien", summary="Importé")
        start = timezone.now() - datetime.timedelta(days=3)
        for days, summary, reason in ((0, "Importé", "import ancien.csv"),
                                      (1, "Revu par l'équipe", "")):  # fmt: skip
            columns = [f.attname for f in Historical._meta.concrete_fields]
            names = [n for n in columns if hasattr(pole, n) and not n.startswith("history")]
            fields = {name: getattr(pole, name) for name in names}
            Historical.objects.create(
                **{**fields, "summary": summary}, history_date=start + datetime.timedelta(days),
                history_type="+" if not days else "~", history_change_reason=reason,
            )  # fmt: skip
        OldPole.objects.filter(pk=pole.pk).update(summary="Revu par l'équipe")
    finally:
        call_command("migrate", verbosity=0)
    pole = Pole.objects.get(slug="pole-ancien")
    creation, edit = pole.changes.order_by("created_at")
    assert (creation.source, creation.source_label, creation.is_creation) == (
        "import",
        "ancien.csv",
        True,
    )
    assert edit.source == "editeur"
    assert edit.changes == [{"field": "summary", "before": "Importé", "after": "Revu par l'équipe"}]
    assert pole.imported_values["summary"] == "Importé"
    Pole.objects.filter(pk=pole.pk).delete()
