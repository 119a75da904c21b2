import pytest
from django.core.management import CommandError, call_command

from poles.imports import poles_import_csv
from poles.models import Member, Membership, Pole

pytestmark = pytest.mark.django_db


def test_generates_synthetic_poles_with_members():
    call_command("generate_synthetic", "--poles", "50", "--members-per-pole", "3", verbosity=0)
    assert Pole.objects.count() == 50
    assert Membership.objects.count() == Member.objects.count() == 150
    assert all(p.slug.startswith("synthetique-") for p in Pole.objects.all())
    assert all("synthétique" in p.name for p in Pole.objects.all())
    for pole in Pole.objects.located()[:20]:
        pole.full_clean()  # points inside France, precision consistent


def test_refuses_a_database_with_real_poles(sample_csv):
    poles_import_csv(path=sample_csv)
    with pytest.raises(CommandError, match="pôles réels"):
        call_command("generate_synthetic", "--poles", "5", verbosity=0)
    assert not Pole.objects.filter(slug__startswith="synthetique-").exists()
