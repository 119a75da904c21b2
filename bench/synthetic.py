"""Synthetic poles for benchmarks only: never mixed with the real data, never part of the app.

Usage (from the project's root, on a database of its own, as `make bench` does):
    DATABASE_URL=… python bench/synthetic.py --poles 20000 --members-per-pole 5

Names and slugs say "synthétique"; the generator refuses a database that holds real poles.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

import django

if __name__ == "__main__":  # run as a script: the project's settings, from its root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptce_site.settings")
    django.setup()

from django.db import transaction

from poles.caching import directory_version_bump
from poles.models import (
    Approach,
    ApproachAxis,
    LocationPrecision,
    Member,
    MemberCategory,
    Membership,
    Pole,
    Theme,
)
from poles.search import poles_search_refresh
from poles.territories.models import Department
from poles.validators import FRANCE_BOXES

SYNTHETIC_PREFIX = "synthetique-"
BATCH = 2000


class RealDataPresentError(Exception):
    pass


def poles_generate_synthetic(*, poles: int, members_per_pole: int, seed: int = 2014) -> int:
    """Add `poles` synthetic published poles with `members_per_pole` members each."""
    if Pole.objects.exclude(slug__startswith=SYNTHETIC_PREFIX).exists():
        raise RealDataPresentError(
            "Cette base contient des pôles réels : les données synthétiques vont dans une base "
            "à part (DATABASE_URL vers une base de benchmark vide)."
        )
    rng = random.Random(seed)
    departments = list(Department.objects.all())
    themes = list(Theme.objects.all())
    impulses = list(Approach.objects.filter(axis=ApproachAxis.IMPULSE))
    dynamics = list(Approach.objects.filter(axis=ApproachAxis.ECONOMIC_DYNAMIC))
    start = Pole.objects.count()
    south, west, north, east = FRANCE_BOXES["France métropolitaine"]
    with transaction.atomic():
        for batch_start in range(0, poles, BATCH):
            batch = range(start + batch_start, start + min(poles, batch_start + BATCH))
            new_poles = []
            for number in batch:
                department = rng.choice(departments)
                draw = rng.random()
                precision = (
                    LocationPrecision.COMMUNE
                    if draw < 0.8
                    else LocationPrecision.DEPARTMENT_SEAT
                    if draw < 0.9
                    else LocationPrecision.NONE
                )
                located = precision != LocationPrecision.NONE
                new_poles.append(
                    Pole(
                        name=f"Pôle synthétique n° {number + 1:05d}",
                        slug=f"{SYNTHETIC_PREFIX}{number + 1:05d}",
                        summary="Pôle fictif créé pour mesurer les performances de l'annuaire.",
                        commune=f"Commune synthétique {number % 997}",
                        department=department,
                        region_id=department.region_id,
                        latitude=Decimal(f"{rng.uniform(south + 1, north - 1):.5f}")
                        if located
                        else None,
                        longitude=Decimal(f"{rng.uniform(west + 1, east - 1):.5f}")
                        if located
                        else None,
                        location_precision=precision,
                        year_created=rng.choice([None, *range(2000, 2026)]),
                        has_common_place=rng.choice([None, True, False]),
                        is_published=True,
                    )
                )
            created = Pole.objects.bulk_create(new_poles)
            links = {"themes": [], "approaches": []}
            for pole in created:
                for theme in rng.sample(themes, rng.randint(1, 3)):
                    links["themes"].append(Pole.themes.through(pole_id=pole.pk, theme_id=theme.pk))
                for approach in (rng.choice(impulses), rng.choice(dynamics)):
                    links["approaches"].append(
                        Pole.approaches.through(pole_id=pole.pk, approach_id=approach.pk)
                    )
            Pole.themes.through.objects.bulk_create(links["themes"])
            Pole.approaches.through.objects.bulk_create(links["approaches"])
            members = Member.objects.bulk_create(
                [
                    Member(
                        name=f"Membre synthétique {pole.pk}-{index}",
                        category=rng.choice(MemberCategory.values),
                    )
                    for pole in created
                    for index in range(members_per_pole)
                ]
            )
            Membership.objects.bulk_create(
                [
                    Membership(pole_id=created[i // members_per_pole].pk, member_id=m.pk)
                    for i, m in enumerate(members)
                ]
            )
            # What the write service would have written: the words search's documents.
            poles_search_refresh(model=Pole, pole_ids=[pole.pk for pole in created])
        directory_version_bump()  # bulk_create sends no signal
    return poles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poles", type=int, required=True)
    parser.add_argument("--members-per-pole", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2014)
    options = parser.parse_args(argv)
    if options.poles < 1 or options.members_per_pole < 0:
        parser.error("--poles doit être positif et --members-per-pole positif ou nul.")
    try:
        count = poles_generate_synthetic(
            poles=options.poles, members_per_pole=options.members_per_pole, seed=options.seed
        )
    except RealDataPresentError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{count} pôles synthétiques ajoutés.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
