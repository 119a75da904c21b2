import pytest

from bench.synthetic import main
from poles.imports import poles_import_csv
from poles.models import Member, Membership, Pole

pytestmark = pytest.mark.django_db


def test_generates_synthetic_poles_with_members(capsys):
    assert main(["--poles", "50", "--members-per-pole", "3"]) == 0
    assert "50 pôles synthétiques ajoutés" in capsys.readouterr().out
    assert Pole.objects.count() == 50
    assert Membership.objects.count() == Member.objects.count() == 150
    assert all(p.slug.startswith("synthetique-") for p in Pole.objects.all())
    assert all("synthétique" in p.name for p in Pole.objects.all())
    for pole in Pole.objects.located()[:20]:
        pole.full_clean()  # points inside France, precision consistent


def test_refuses_a_database_with_real_poles(sample_csv, capsys):
    poles_import_csv(path=sample_csv)
    assert main(["--poles", "5"]) == 1
    assert "pôles réels" in capsys.readouterr().err
    assert not Pole.objects.filter(slug__startswith="synthetique-").exists()


def test_refuses_a_negative_count(capsys):
    with pytest.raises(SystemExit):
        main(["--poles", "0"])
    assert "--poles doit être positif" in capsys.readouterr().err
    assert not Pole.objects.exists()
