"""Publishes a dated release of the open data (monthly from cron, and on demand)."""

from django.core.management.base import BaseCommand

from poles.releases.services import release_publish
from poles.site import absolute_url


class Command(BaseCommand):
    help = "Publie une version datée des données ouvertes (CSV, GeoJSON, schéma)."

    def handle(self, *args, verbosity, **options):
        release = release_publish()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(
                f"Version {release.slug} : {release.pole_count} pôles ; {len(release.added)} "
                f"ajouté(s), {len(release.stopped)} retiré(s), {len(release.changed)} "
                f"modifié(s). {absolute_url(release.get_absolute_url())}"
            ))  # fmt: skip
