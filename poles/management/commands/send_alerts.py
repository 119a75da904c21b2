"""Sends each confirmed follower what was added or changed in their selection since their last
e-mail, or nothing (weekly from cron)."""

from django.core.management.base import BaseCommand

from poles.alerts.services import alerts_send


class Command(BaseCommand):
    help = "Envoie à chaque abonné les nouveautés de sa sélection."

    def handle(self, *args, verbosity, **options):
        report = alerts_send()
        if verbosity:
            self.stdout.write(f"Abonnés prévenus : {report.sent} ; sans nouveauté : "
                              f"{report.nothing_new}.")  # fmt: skip
