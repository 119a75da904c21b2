"""The outlines of the shaded maps: built from the reference package, every territory drawn."""

import re

import pytest

from poles.territories.models import Department, Region
from poles.territories.outlines import OUTLINES_PATH, OVERSEAS, outlines_build, shapes
from tests.factories import PoleFactory, department, region

pytestmark = pytest.mark.django_db


def test_the_committed_outlines_are_what_the_reference_package_gives(tmp_path):
    built = tmp_path / "outlines.json"
    counts = outlines_build(built)
    assert counts == {"regions": 18, "departments": 101}
    assert built.read_text() == OUTLINES_PATH.read_text()
    assert OUTLINES_PATH.stat().st_size < 200_000  # a small file


def test_every_region_and_department_has_an_outline():
    assert {s.code for s in shapes("regions")} == set(Region.objects.values_list("code", flat=True))
    assert {s.code for s in shapes("departments")} == set(
        Department.objects.values_list("code", flat=True)
    )
    for shape in shapes("departments"):
        assert re.fullmatch(r"(M[-\d.,L]+Z)+", shape.path), shape.code
        xs = [float(x) for x in re.findall(r"([-\d.]+),", shape.path)]
        if shape.code in OVERSEAS.values():
            assert max(xs) <= 60  # in its inset, left of the mainland
        else:
            assert min(xs) >= 60


def test_the_maps_shade_the_territories_by_their_poles(client):
    for _ in range(3):
        PoleFactory(department=department("35"), region=region("53"))
    PoleFactory(department=department("44"), region=region("52"))
    html = client.get("/chiffres/").content.decode()
    count_map = html[html.index('id="carte-regions-count-titre"') :]
    count_map = count_map[: count_map.index("</svg>")]
    shade = dict(re.findall(r'href="#carte-regions-(\w+)" class="shade-(\d)"', count_map))
    assert len(shade) == 18
    assert int(shade["53"]) > int(shade["52"]) > int(shade["11"]) == 0
    assert html.count('<path id="carte-departments-') == 101  # drawn once, used twice
    assert "Les outre-mer sont à gauche" in html
