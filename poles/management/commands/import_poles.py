"""Import poles from a CSV file of the data schema (fixtures/ptce_poles.csv, /donnees/schema.json).

The directory is seeded and kept up to date from that file (never from facts typed in code).
All or nothing: one bad row and nothing is written; the errors name the line and the column.
A re-import never reverts what an editor or a pole changed since the last import (`make run`
imports at every start): a fact the file changed too is kept and listed; `--force` takes the
file's values.
"""

from django.core.management.base import BaseCommand, CommandError

from poles.imports import PoleImportError, poles_import_csv
from poles.models import Pole


class Command(BaseCommand):
    help = "Importe les pôles d'un fichier CSV (schéma des données, /donnees/schema.json)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="chemin du fichier CSV")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="vérifie le fichier et affiche le bilan sans rien enregistrer",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="écrit les valeurs du fichier même là où un éditeur les a changées depuis",
        )
        parser.add_argument(
            "--only-if-empty",
            action="store_true",
            help="n'importe que dans un annuaire vide (le premier déploiement)",
        )

    def handle(self, *args, path: str, dry_run: bool, force: bool, verbosity: int, **options):
        if options.get("only_if_empty") and Pole.objects.exists():
            if verbosity:
                self.stdout.write("L'annuaire a déjà des pôles : rien n'est importé.")
            return
        try:
            report = poles_import_csv(path=path, dry_run=dry_run, force=force)
        except PoleImportError as error:
            lines = "\n".join(f"  - {e}" for e in error.errors)
            raise CommandError(
                f"Import refusé, rien n'a été enregistré ({len(error.errors)} erreur(s)) :\n{lines}"
            ) from error

        prefix = "[simulation] " if dry_run else ""
        if verbosity >= 2:
            for label, names in (("créé", report.created), ("mis à jour", report.updated)):
                for name in names:
                    self.stdout.write(f"{prefix}{label} : {name}")
        summary = (
            f"{prefix}Pôles : {len(report.created)} créé(s), {len(report.updated)} mis à jour, "
            f"{len(report.unchanged)} inchangé(s). Membres : {report.members_created} créé(s), "
            f"{report.members_updated} mis à jour. Liens pôle-membre : "
            f"{report.memberships_created} créé(s)."
        )
        for conflict in report.conflicts:
            self.stdout.write(self.style.WARNING(f"{prefix}{conflict}"))
        if report.conflicts:
            self.stdout.write(
                self.style.WARNING(
                    f"{prefix}{len(report.conflicts)} valeur(s) d'éditeur gardée(s) : le fichier "
                    "les change aussi. --force pour prendre celles du fichier."
                )
            )
        if report.kept and verbosity >= 1:
            summary += (
                f" {report.kept} valeur(s) modifiée(s) depuis le dernier import gardée(s) "
                "(le fichier ne les change pas)."
            )
        if not report.has_changes:
            self.stdout.write(
                self.style.SUCCESS(f"{prefix}Aucun changement : la base est à jour. " + summary)
            )
        elif dry_run:
            self.stdout.write(self.style.WARNING(summary + " Rien n'a été enregistré."))
        else:
            self.stdout.write(self.style.SUCCESS(summary))
