"""The 18 regions and 101 departments of the INSEE Code officiel géographique.

Read from fixtures/territories.csv (copied from the shared data, with its sources).
"""

import csv

from django.conf import settings
from django.db import migrations
from django.utils.text import slugify

TERRITORIES_CSV = settings.BASE_DIR / "fixtures" / "territories.csv"


def load_territories(apps, schema_editor):
    Region = apps.get_model("poles", "Region")
    Department = apps.get_model("poles", "Department")
    with TERRITORIES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    regions = {}
    for row in rows:
        code = row["region_code"]
        if code not in regions:
            regions[code] = Region.objects.create(
                code=code, name=row["region_name"], slug=slugify(row["region_name"])
            )
    for row in rows:
        Department.objects.create(
            code=row["department_code"],
            name=row["department_name"],
            slug=slugify(row["department_name"]),
            region=regions[row["region_code"]],
        )


def unload_territories(apps, schema_editor):
    # Going back would silently cut poles from their references: refuse while poles exist.
    if apps.get_model("poles", "Pole").objects.exists():
        raise RuntimeError(
            "Des pôles utilisent ces données de référence : exportez-les puis supprimez-les "
            "avant de revenir sur cette migration."
        )
    apps.get_model("poles", "Department").objects.all().delete()
    apps.get_model("poles", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("poles", "0002_unaccent_extension")]

    operations = [migrations.RunPython(load_territories, unload_territories)]
