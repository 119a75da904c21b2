"""Erase the name and e-mail of contributors some months after the decision on their proposal,
what the coordination keeps of people (ended links, decided claims, idle coordinators), and the
e-mails the site sent (PTCE_EMAIL_KEPT_DAYS after sending or giving up).

Personal data is kept for one purpose, telling the contributor the decision; after
PTCE_CONTRIBUTOR_DATA_MONTHS months (see the legal notice) it goes. Run it daily (cron, timer).
"""

from django.core.management.base import BaseCommand

from poles.alerts.services import alerts_erase_unconfirmed
from poles.contributions.services import contributors_erase_personal_data
from poles.coordination.services import coordination_erase_personal_data
from poles.outbox.services import erase_old


class Command(BaseCommand):
    help = "Efface le nom et le courriel des contributeurs, des mois après la décision."

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="délai après la décision (par défaut : réglage)",
        )
        parser.add_argument("--dry-run", action="store_true", help="compte sans rien effacer")

    def handle(self, *args, months, dry_run, verbosity, **options):
        count = contributors_erase_personal_data(months=months, dry_run=dry_run)
        erased = coordination_erase_personal_data(dry_run=dry_run)
        emails = erase_old(dry_run=dry_run)
        unconfirmed = alerts_erase_unconfirmed(dry_run=dry_run)
        if verbosity:
            verb = "à effacer" if dry_run else "effacées"
            self.stdout.write(self.style.SUCCESS(
                f"Données de contributeurs {verb} : {count}. Liens de connexion : "
                f"{erased.tokens} ; demandes de coordination : {erased.claims} ; comptes de "
                f"coordinateurs inactifs : {erased.accounts} ; courriels envoyés : {emails} ; "
                f"abonnements jamais confirmés : {unconfirmed}."
            ))  # fmt: skip
