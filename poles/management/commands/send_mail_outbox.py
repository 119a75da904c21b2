"""Sends the e-mails that are due from the outbox: retries, and what a stopped process left.
From cron every minute (README); an app server's own thread sends new ones at once."""

from django.core.management.base import BaseCommand

from poles.outbox.services import deliver_due


class Command(BaseCommand):
    help = "Envoie les courriels en attente (nouvelles tentatives comprises)."

    def handle(self, *args, verbosity, **options):
        result = deliver_due(limit=1000)
        if verbosity:
            self.stdout.write(
                f"Courriels : {result.sent} envoyé(s), {result.retried} à réessayer, "
                f"{result.failed} en échec définitif."
            )
