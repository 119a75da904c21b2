"""Write a poles file in the data schema's format (poles/schema/poles.schema.json).

Keeps fixtures/ptce_poles.csv in step with ../shared/data/ptce_poles.csv, which still uses the
older English columns (`make fixtures`). The file is read and checked like an import (encoding,
header), nothing is written to the database.
"""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from poles.imports import PoleImportError, read_csv, source_to_schema_rows


class Command(BaseCommand):
    help = "Convertit un fichier de pôles au format du schéma des données."

    def add_arguments(self, parser):
        parser.add_argument("source", help="fichier CSV à convertir")
        parser.add_argument("destination", help="fichier CSV à écrire")

    def handle(self, *args, source: str, destination: str, verbosity: int, **options):
        try:
            rows = source_to_schema_rows(read_csv(Path(source)))
        except PoleImportError as error:
            raise CommandError(f"Fichier refusé :\n{error}") from error
        with Path(destination).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"{len(rows)} pôles écrits dans {destination}."))
