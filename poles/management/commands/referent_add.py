"""manage.py referent_add EMAIL --region CODE [--region CODE] [--organisation NAME]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from poles.coordination.services import referent_add
from poles.territories.models import Region


class Command(BaseCommand):
    help = (
        "Fait d'une adresse un référent régional : un compte de l'administration sans mot de "
        "passe (connexion par courriel sur /connexion/) qui modère les pôles et propositions "
        "de ses régions."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--region", action="append", required=True, dest="regions",
                            help="Code INSEE de la région (plusieurs fois au besoin).")  # fmt: skip
        parser.add_argument("--organisation", default="")

    def handle(self, *args, email: str, regions: list[str], organisation: str, **options):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"Adresse invalide : {email}") from error
        found = list(Region.objects.filter(code__in=regions))
        unknown = sorted(set(regions) - {r.code for r in found})
        if unknown:
            raise CommandError(f"Région(s) inconnue(s) : {', '.join(unknown)}.")
        referent = referent_add(email=email, regions=found, organisation=organisation)
        names = ", ".join(r.name for r in found)
        self.stdout.write(self.style.SUCCESS(
            f"Référent n°{referent.pk} ({organisation or 'sans organisation'}) : {names}. "
            "Il se connecte par /connexion/."
        ))  # fmt: skip
