import pytest
from django.core.management import CommandError, call_command

from poles.models import Pole

pytestmark = pytest.mark.django_db


def run(*args, verbosity=1) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_poles", *args, stdout=out, verbosity=verbosity)
    return out.getvalue()


def test_command_imports_then_says_nothing_changed(sample_csv):
    output = run(str(sample_csv))
    assert "Pôles : 5 créé(s)" in output
    assert "Liens pôle-membre : 8 créé(s)" in output
    assert Pole.objects.count() == 5
    assert "Aucun changement" in run(str(sample_csv))


def test_command_dry_run_writes_nothing(sample_csv):
    output = run(str(sample_csv), "--dry-run")
    assert "[simulation]" in output and "Rien n'a été enregistré" in output
    assert Pole.objects.count() == 0


def test_command_verbose_lists_created_poles(sample_csv):
    assert "créé : Pôle d'essai nantais" in run(str(sample_csv), verbosity=2)


def test_command_refuses_a_bad_file_with_line_and_column(tmp_path, sample_csv):
    lines = sample_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = tmp_path / "bad.csv"
    bad.write_text(lines[0] + lines[1].replace(",commune,", ",quartier,", 1), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run(str(bad))
    message = str(error.value)
    assert "rien n'a été enregistré" in message
    assert "ligne 2, colonne « precision_localisation »" in message
    assert Pole.objects.count() == 0


def test_only_if_empty_imports_the_first_time_and_never_again(sample_csv, capsys):
    from django.core.management import call_command

    from poles.models import Pole
    from poles.services import pole_update

    call_command("import_poles", str(sample_csv), "--only-if-empty")
    count = Pole.objects.count()
    assert count > 0
    pole = Pole.objects.order_by("pk").first()
    pole_update(pole=pole, values={"summary": "Écrit par un éditeur."}, source="editeur")
    call_command("import_poles", str(sample_csv), "--only-if-empty")
    assert "rien n'est importé" in capsys.readouterr().out
    pole.refresh_from_db()
    assert Pole.objects.count() == count and pole.summary == "Écrit par un éditeur."
