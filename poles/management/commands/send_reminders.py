"""manage.py send_reminders: run from cron (weekly, say); see the README."""

from django.core.management.base import BaseCommand

from poles.coordination.services import reminders_send


class Command(BaseCommand):
    help = (
        "Rappelle aux coordinateurs les fiches non vérifiées depuis 12 mois (un lien « toujours "
        "à jour » en un clic, un rappel par mois au plus) et envoie aux éditeurs la liste des "
        "pôles sans coordinateur."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compte sans rien envoyer.")

    def handle(self, *args, dry_run: bool = False, **options):
        sent = reminders_send(dry_run=dry_run)
        verb = "à envoyer" if dry_run else "envoyé(s)"
        self.stdout.write(f"Rappels {verb} : {sent.coordinators}. Pôles sans coordinateur : "
                          f"{sent.orphans}.")  # fmt: skip
