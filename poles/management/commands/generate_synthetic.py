"""Fill a benchmark database with synthetic poles.

For benchmarks only: the names say "synthétique", and the command refuses a database that holds
real poles, so synthetic data never mixes with the real directory.
"""

from django.core.management.base import BaseCommand, CommandError

from poles.synthetic import RealDataPresentError, poles_generate_synthetic


class Command(BaseCommand):
    help = "Ajoute des pôles synthétiques (benchmarks seulement, dans une base à part)."

    def add_arguments(self, parser):
        parser.add_argument("--poles", type=int, required=True)
        parser.add_argument("--members-per-pole", type=int, default=5)
        parser.add_argument("--seed", type=int, default=2014)

    def handle(self, *args, poles: int, members_per_pole: int, seed: int, **options):
        if poles < 1 or members_per_pole < 0:
            raise CommandError("--poles doit être positif et --members-per-pole positif ou nul.")
        try:
            count = poles_generate_synthetic(
                poles=poles, members_per_pole=members_per_pole, seed=seed
            )
        except RealDataPresentError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"{count} pôles synthétiques ajoutés."))
