"""Shaped reads of the directory: what the pages, the map data and the exports show.

Each selector runs a fixed number of queries, whatever the number of poles.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.urls import reverse

from poles.filters import FACETS, UNKNOWN, PoleFilter
from poles.models import MemberCategory, Membership, Pole, Region


def pole_list_published() -> QuerySet[Pole]:
    return (
        Pole.objects.published()
        .select_related("department", "region")
        .prefetch_related("themes")
        .order_by("name")
    )


def pole_get_published(*, slug: str) -> Pole | None:
    return (
        Pole.objects.published()
        .select_related("department", "region")
        .prefetch_related(
            "approaches",
            "principles",
            "themes",
            "recognitions",
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("member").order_by(
                    "member__category", "member__name"
                ),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def pole_filter_published(*, data) -> PoleFilter:
    """The PoleFilter bound to request data, over the published poles."""
    return PoleFilter(data or None, queryset=pole_list_published())


def _facet_rows(name: str, poles: QuerySet[Pole]):
    """(value, count) rows for one facet over `poles`."""
    pole_ids = poles.order_by().values("pk")
    through_facets = {
        "impulsion": (Pole.approaches.through, "approach__code", Q(approach__axis="impulsion")),
        "dynamique": (Pole.approaches.through, "approach__code", Q(approach__axis="dynamique")),
        "thematique": (Pole.themes.through, "theme__code", Q()),
        "reconnaissance": (Pole.recognitions.through, "statecall__code", Q()),
    }
    if name in through_facets:
        model, value, condition = through_facets[name]
        return (
            model.objects.filter(condition, pole_id__in=pole_ids)
            .values_list(value)
            .annotate(n=Count("pole_id"))
            .order_by()
        )
    if name == "categorie":
        return (
            Membership.objects.filter(pole_id__in=pole_ids)
            .values_list("member__category")
            .annotate(n=Count("pole_id", distinct=True))
            .order_by()
        )
    column = {
        "lieu_commun": "has_common_place",
        "region": "region__code",
        "departement": "department__code",
        "stade": "stage",
        "charte": "charter_status",
    }[name]
    return poles.order_by().values_list(column).annotate(n=Count("pk"))


def _facet_key(name: str, value) -> str | None:
    if name == "lieu_commun":
        return {True: "oui", False: "non", None: UNKNOWN}[value]
    if name == "stade" and value == "":
        return UNKNOWN
    return value


def pole_facet_counts(*, filterset: PoleFilter) -> dict[str, dict[str, int]]:
    """For each filter option, how many poles it gives with the other active filters."""
    base = Pole.objects.published()
    counts: dict[str, dict[str, int]] = {}
    for name in FACETS:
        poles = filterset.filtered_without(name, base)
        keyed = ((_facet_key(name, value), n) for value, n in _facet_rows(name, poles))
        counts[name] = {key: n for key, n in keyed if key is not None}
    return counts


def pole_map_features(*, poles: QuerySet[Pole]) -> list[dict]:
    """GeoJSON features (RFC 7946: longitude first) of the located poles among `poles`."""
    rows = (
        poles.located()
        .order_by()
        .values_list("pk", "name", "slug", "commune", "location_precision", "latitude", "longitude")
    )
    themes: dict[int, list[str]] = {}
    for pole_id, code in (
        Pole.themes.through.objects.filter(pole_id__in=poles.located().order_by().values("pk"))
        .order_by("theme__label")
        .values_list("pole_id", "theme__code")
    ):
        themes.setdefault(pole_id, []).append(code)
    features = []
    for pk, name, slug, commune, precision, latitude, longitude in rows:
        properties = {"name": name, "slug": slug, "commune": commune, "themes": themes.get(pk, [])}
        if precision == "departement":
            properties["approximate"] = True
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
                "properties": properties,
            }
        )
    return features


def pole_nearby(*, pole: Pole, limit: int = 5) -> list[Pole]:
    """The published poles closest to `pole` (flat-earth distance: fine at this scale)."""
    if not pole.is_located or pole.is_location_approximate:
        return []
    lat, lon = pole.latitude, pole.longitude
    squeeze = Decimal("0.5")  # cos(latitude) in France, so that a degree east weighs right
    # Look in a box around the pole first (an index range scan), not at every pole.
    box = Q(latitude__range=(lat - 3, lat + 3), longitude__range=(lon - 4, lon + 4))
    return list(
        Pole.objects.published()
        .located()
        .filter(box)
        .exclude(pk=pole.pk)
        .exclude(location_precision="departement")
        .annotate(
            distance=(F("latitude") - lat) * (F("latitude") - lat)
            + (F("longitude") - lon) * (F("longitude") - lon) * squeeze
        )
        .select_related("department")
        .order_by("distance")[:limit]
    )


def region_list_with_counts() -> QuerySet[Region]:
    return Region.objects.annotate(
        pole_count=Count("poles", filter=Q(poles__is_published=True))
    ).order_by("name")


def directory_last_updated():
    return Pole.objects.published().aggregate(last=Max("updated_at"))["last"]


@dataclass(frozen=True)
class ExportColumn:
    name: str
    description: str


EXPORT_COLUMNS = (
    ExportColumn("nom", "nom du pôle"),
    ExportColumn("sigle", "nom court ou sigle (vide si inconnu)"),
    ExportColumn("url", "adresse de la fiche du pôle dans l'annuaire"),
    ExportColumn("structure_porteuse", "structure qui porte le pôle"),
    ExportColumn("commune", "commune du pôle"),
    ExportColumn("code_insee_commune", "code INSEE de la commune"),
    ExportColumn("departement_code", "code INSEE du département"),
    ExportColumn("departement", "nom du département"),
    ExportColumn("region_code", "code INSEE de la région (régions de 2016)"),
    ExportColumn("region", "nom de la région"),
    ExportColumn("latitude", "latitude WGS84 en degrés décimaux (vide : non localisé)"),
    ExportColumn("longitude", "longitude WGS84 en degrés décimaux"),
    ExportColumn("precision_localisation", "commune, territoire, departement (point approximatif "
                 "au chef-lieu du département) ou aucune"),
    ExportColumn("annee_creation", "année de création (vide : inconnue)"),
    ExportColumn("stade", "emergent, developpement, consolide, arrete ou vide (inconnu)"),
    ExportColumn("impulsion", "codes de l'approche par l'impulsion, séparés par « ; »"),
    ExportColumn("dynamique_economique", "codes de l'approche par la dynamique économique"),
    ExportColumn("lieu_commun", "oui, non ou inconnu : les membres partagent-ils des locaux ?"),
    ExportColumn("thematiques", "codes des thématiques, séparés par « ; »"),
    ExportColumn("charte_labo_ess", "oui, non ou inconnu"),
    ExportColumn("reconnaissances", "codes des appels de l'État remportés, séparés par « ; »"),
    ExportColumn("membres", "membres cités par les sources : « Nom (catégorie) » séparés par "
                 "« ; » ; liste partielle"),
    ExportColumn("site_web", "site officiel"),
    ExportColumn("resume", "présentation en deux ou trois phrases"),
    ExportColumn("sources", "adresses des sources, séparées par des espaces"),
    ExportColumn("derniere_verification", "date de la dernière vérification (AAAA-MM-JJ)"),
    ExportColumn("mise_a_jour", "date et heure de la dernière modification de la fiche"),
)  # fmt: skip


def pole_export_rows(*, poles: QuerySet[Pole], base_url: str) -> list[dict]:
    """One dict per pole, keyed by EXPORT_COLUMNS names. No personal contact data.

    Plain value queries (one per related table), not model instances: an export of 20,000
    poles with their members stays a matter of seconds.
    """
    pole_ids = poles.order_by().values("pk")
    related: dict[str, dict[int, list]] = {
        "approaches": {},
        "themes": {},
        "recognitions": {},
        "members": {},
    }
    for pole_id, axis, code in (
        Pole.approaches.through.objects.filter(pole_id__in=pole_ids)
        .order_by("approach__axis", "approach__position")
        .values_list("pole_id", "approach__axis", "approach__code")
    ):
        related["approaches"].setdefault(pole_id, []).append((axis, code))
    for key, model, column in (
        ("themes", Pole.themes.through, "theme__code"),
        ("recognitions", Pole.recognitions.through, "statecall__code"),
    ):
        for pole_id, code in (
            model.objects.filter(pole_id__in=pole_ids)
            .order_by(column)
            .values_list("pole_id", column)
        ):
            related[key].setdefault(pole_id, []).append(code)
    categories = dict(MemberCategory.choices)
    for pole_id, name, category in (
        Membership.objects.filter(pole_id__in=pole_ids)
        .order_by("member__name")
        .values_list("pole_id", "member__name", "member__category")
    ):
        related["members"].setdefault(pole_id, []).append(f"{name} ({categories[category]})")

    detail_url = base_url + reverse("poles:detail", kwargs={"slug": "SLUG"}).replace("SLUG", "{}")
    rows = []
    for pole in poles.values(
        "pk", "name", "short_name", "slug", "carrier_name", "commune", "commune_insee",
        "department__code", "department__name", "region__code", "region__name", "latitude",
        "longitude", "location_precision", "year_created", "stage", "has_common_place",
        "charter_status", "website", "summary", "sources", "last_verified", "updated_at",
    ):  # fmt: skip
        approaches = related["approaches"].get(pole["pk"], [])
        rows.append(
            {
                "nom": pole["name"],
                "sigle": pole["short_name"],
                "url": detail_url.format(pole["slug"]),
                "structure_porteuse": pole["carrier_name"],
                "commune": pole["commune"],
                "code_insee_commune": pole["commune_insee"],
                "departement_code": pole["department__code"] or "",
                "departement": pole["department__name"] or "",
                "region_code": pole["region__code"] or "",
                "region": pole["region__name"] or "",
                "latitude": _decimal_text(pole["latitude"]),
                "longitude": _decimal_text(pole["longitude"]),
                "precision_localisation": pole["location_precision"],
                "annee_creation": pole["year_created"] or "",
                "stade": pole["stage"],
                "impulsion": ";".join(c for axis, c in approaches if axis == "impulsion"),
                "dynamique_economique": ";".join(
                    c for axis, c in approaches if axis == "dynamique"
                ),
                "lieu_commun": {True: "oui", False: "non", None: UNKNOWN}[pole["has_common_place"]],
                "thematiques": ";".join(related["themes"].get(pole["pk"], [])),
                "charte_labo_ess": pole["charter_status"],
                "reconnaissances": ";".join(related["recognitions"].get(pole["pk"], [])),
                "membres": "; ".join(related["members"].get(pole["pk"], [])),
                "site_web": pole["website"],
                "resume": pole["summary"],
                "sources": " ".join(line.strip() for line in pole["sources"].split() if line),
                "derniere_verification": pole["last_verified"].isoformat()
                if pole["last_verified"]
                else "",
                "mise_a_jour": pole["updated_at"].isoformat(timespec="seconds"),
            }
        )
    return rows


def _decimal_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"
