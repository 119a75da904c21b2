"""Write a poles file in the data schema's format (poles/schema/poles.schema.json).

Keeps fixtures/ptce_poles.csv in step with ../shared/data/ptce_poles.csv, which still uses the
older English columns (`make fixtures`). The file is read and checked like an import (encoding,
header), nothing is written to the database.

A pole's identifier is its public address: it is taken from its name, except for the poles that
`--identifiers` names (a renamed pole keeps the identifier it had, so its address and the
databases seeded before the rename still find it).
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
        parser.add_argument(
            "--identifiers",
            help="fichier CSV « nom,identifiant » : l'identifiant gardé par un pôle renommé",
        )

    def handle(self, *args, source: str, destination: str, verbosity: int, **options):
        identifiers = _read_identifiers(options["identifiers"]) if options["identifiers"] else {}
        try:
            rows = source_to_schema_rows(read_csv(Path(source)), identifiers=identifiers)
        except PoleImportError as error:
            raise CommandError(f"Fichier refusé :\n{error}") from error
        unused = set(identifiers) - {row["nom"] for row in rows}
        if unused:
            raise CommandError(
                "Identifiants gardés pour des pôles absents du fichier : "
                + ", ".join(sorted(unused))
            )
        with Path(destination).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"{len(rows)} pôles écrits dans {destination}."))


def _read_identifiers(path: str) -> dict[str, str]:
    try:
        with Path(path).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise CommandError(f"Lecture impossible de {path} : {error.strerror}") from error
    if rows and set(rows[0]) != {"nom", "identifiant"}:
        raise CommandError(f"{path} : colonnes attendues « nom,identifiant ».")
    return {row["nom"]: row["identifiant"] for row in rows}
