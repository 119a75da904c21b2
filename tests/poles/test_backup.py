"""A backup (dumpdata) restored into an empty database gives back every pole, member and link."""

import pytest
from django.core.management import call_command

from poles.imports import poles_import_csv
from poles.models import Member, Membership, Pole

pytestmark = pytest.mark.django_db(transaction=True)

BACKED_UP = ["poles.pole", "poles.member", "poles.membership"]


def snapshot() -> dict:
    poles = {}
    for pole in Pole.objects.prefetch_related("approaches", "themes", "principles", "recognitions"):
        fields = {f.name: getattr(pole, f.attname) for f in Pole._meta.concrete_fields}
        fields["m2m"] = {
            name: sorted(getattr(pole, name).values_list("code", flat=True))
            for name in ("approaches", "themes", "principles", "recognitions")
        }
        poles[pole.slug] = fields
    members = sorted(Member.objects.values_list("pk", "name", "category", "siret", "commune"))
    links = sorted(
        Membership.objects.values_list("pole__slug", "member__name", "role", "since_year")
    )
    return {"poles": poles, "members": members, "links": links}


def test_dump_and_restore_round_trip(sample_csv, tmp_path):
    poles_import_csv(path=sample_csv)
    before = snapshot()
    assert len(before["poles"]) == 5 and len(before["links"]) == 8
    # XML keeps timestamps to the microsecond; Django's JSON rounds them to the millisecond.
    backup = tmp_path / "sauvegarde.xml"
    call_command(
        "dumpdata", *BACKED_UP, "--natural-foreign", "--format", "xml", output=str(backup),
        verbosity=0,
    )  # fmt: skip

    Membership.objects.all().delete()
    Member.objects.all().delete()
    Pole.objects.all().delete()
    assert not Pole.objects.exists()

    call_command("loaddata", str(backup), verbosity=0)
    after = snapshot()
    for slug, fields in before["poles"].items():
        assert after["poles"][slug] == fields, slug
    assert after == before
