"""What leaves the directory as data: the CSV and GeoJSON exports and a pole's JSON-LD.

The exports write the fields of the data schema (poles/schema/poles.schema.json), in its order
and vocabulary, so that an export re-imports as it is. No personal contact data leaves.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse

from poles.models import COMMON_PLACE_ANSWERS, STAGE_UNKNOWN, ApproachAxis, Membership, Pole
from poles.schema import field_names
from poles.territories.models import TERRITORIES
from poles.validators import is_web_url

LICENCE = "Licence Ouverte 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LIST_SEPARATOR = ";"

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection), also after
# leading spaces, and in their full-width forms.
FORMULA_START = re.compile(r"^[\s\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20\t\r]")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def pole_export_rows(*, poles: QuerySet[Pole], base_url: str) -> list[dict]:
    """One dict per pole, keyed by the schema's field names in its order.

    Plain value queries (one per related table), not model instances: an export of 20,000
    poles with their members stays a matter of seconds.
    """
    pole_ids = poles.order_by().values("pk")
    approaches: dict[int, dict[str, list[str]]] = {}
    for pole_id, axis, code in (
        Pole.approaches.through.objects.filter(pole_id__in=pole_ids)
        .order_by("approach__axis", "approach__position", "approach__code")
        .values_list("pole_id", "approach__axis", "approach__code")
    ):
        approaches.setdefault(pole_id, {}).setdefault(axis, []).append(code)
    codes = {
        "themes": _codes_by_pole(Pole.themes.through, "theme__code", pole_ids),
        "recognitions": _codes_by_pole(Pole.recognitions.through, "statecall__code", pole_ids),
    }
    action: dict[int, list[str]] = {}
    for kind, territory in TERRITORIES.items():
        through = getattr(Pole, territory.action).through
        for pole_id, found in _codes_by_pole(through, territory.action_code, pole_ids).items():
            action.setdefault(pole_id, []).extend(f"{kind}:{code}" for code in found)
    members: dict[int, list[str]] = {}
    for pole_id, name, category in (
        Membership.objects.filter(pole_id__in=pole_ids)
        .order_by("member__name")
        .values_list("pole_id", "member__name", "member__category")
    ):
        members.setdefault(pole_id, []).append(f"{name} ({category})")

    detail_url = base_url + reverse("poles:detail", kwargs={"slug": "SLUG"}).replace("SLUG", "{}")
    names = field_names()
    rows = []
    for pole in poles.values(
        "pk", "slug", "name", "short_name", "carrier_name", "commune", "commune_insee",
        "department__code", "department__name", "region__code", "region__name", "latitude",
        "longitude", "location_precision", "year_created", "stage", "impulse_note",
        "economic_dynamic_note", "has_common_place", "sector", "charter_status", "charter_year",
        "charter_proof",
        "website", "summary", "sources", "last_verified",
    ):  # fmt: skip
        pk = pole["pk"]
        by_axis = approaches.get(pk, {})
        row = {
            "identifiant": pole["slug"],
            "nom": pole["name"],
            "sigle": pole["short_name"],
            "url": detail_url.format(pole["slug"]),
            "structure_porteuse": pole["carrier_name"],
            "commune": pole["commune"],
            "code_insee_commune": pole["commune_insee"],
            "territoire_action": LIST_SEPARATOR.join(action.get(pk, [])),
            "departement_code": pole["department__code"] or "",
            "departement": pole["department__name"] or "",
            "region_code": pole["region__code"] or "",
            "region": pole["region__name"] or "",
            "latitude": _decimal_text(pole["latitude"]),
            "longitude": _decimal_text(pole["longitude"]),
            "precision_localisation": pole["location_precision"],
            "annee_creation": pole["year_created"] or "",
            "stade": pole["stage"] or STAGE_UNKNOWN.value,
            "impulsion": LIST_SEPARATOR.join(by_axis.get(ApproachAxis.IMPULSE, [])),
            "precision_impulsion": pole["impulse_note"],
            "dynamique_economique": LIST_SEPARATOR.join(
                by_axis.get(ApproachAxis.ECONOMIC_DYNAMIC, [])
            ),
            "precision_dynamique_economique": pole["economic_dynamic_note"],
            "lieu_commun": COMMON_PLACE_ANSWERS[pole["has_common_place"]].value,
            "thematiques": LIST_SEPARATOR.join(codes["themes"].get(pk, [])),
            "secteur": pole["sector"],
            "charte_labo_ess": pole["charter_status"],
            "annee_charte": pole["charter_year"] or "",
            "preuve_charte": pole["charter_proof"],
            "reconnaissances": LIST_SEPARATOR.join(codes["recognitions"].get(pk, [])),
            "membres": f"{LIST_SEPARATOR} ".join(members.get(pk, [])),
            "site_web": pole["website"] if is_web_url(pole["website"]) else "",
            "resume": pole["summary"],
            "sources": " ".join(url for url in pole["sources"].split() if is_web_url(url)),
            "derniere_verification": pole["last_verified"].isoformat()
            if pole["last_verified"]
            else "",
        }
        rows.append({name: row[name] for name in names})
    return rows


def _codes_by_pole(through, column: str, pole_ids) -> dict[int, list[str]]:
    """Pole id -> the sorted codes a many-to-many table links it to (one query)."""
    found: dict[int, list[str]] = {}
    rows = (
        through.objects.filter(pole_id__in=pole_ids).order_by(column).values_list("pole_id", column)
    )
    for pole_id, code in rows:
        found.setdefault(pole_id, []).append(code)
    return found


def _decimal_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text: formulas are neutralised, numbers left alone."""
    text = str(value)
    if FORMULA_START.match(text) and not NUMBER.match(text):
        return "'" + text
    return text


def csv_unsafe(text: str) -> str:
    """The cell as it was before csv_safe (the importer reads exports back)."""
    if text.startswith("'") and FORMULA_START.match(text[1:]):
        return text[1:]
    return text


def rows_to_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # so that spreadsheets read UTF-8
    writer = csv.DictWriter(out, fieldnames=field_names(), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_safe(value) for key, value in row.items()})
    return out.getvalue().encode()


def rows_to_geojson(rows: list[dict], *, documentation_url: str, schema_url: str) -> bytes:
    features = []
    for row in rows:
        geometry = None
        if row["latitude"]:
            geometry = {
                "type": "Point",
                "coordinates": [float(row["longitude"]), float(row["latitude"])],
            }
        properties = {k: v for k, v in row.items() if k not in ("latitude", "longitude")}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    collection = {
        "type": "FeatureCollection",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "sources": documentation_url,
        "schema": schema_url,
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, default=str).encode()


def pole_json_ld(pole: Pole, *, url: str) -> dict:
    """schema.org Organization of a pole, for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": pole.name,
        "url": url,
        "description": pole.summary,
        "address": {"@type": "PostalAddress", "addressCountry": "FR"},
    }
    if pole.short_name:
        data["alternateName"] = pole.short_name
    if pole.commune:
        data["address"]["addressLocality"] = pole.commune
    if pole.region:
        data["address"]["addressRegion"] = pole.region.name
    if pole.safe_website:
        data["sameAs"] = [pole.safe_website]
    if pole.year_created:
        data["foundingDate"] = str(pole.year_created)
    if pole.is_located and not pole.is_location_approximate:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(pole.latitude),
            "longitude": float(pole.longitude),
        }
    members = [m.member.name for m in pole.memberships.all()]
    if members:
        data["member"] = [{"@type": "Organization", "name": name} for name in members]
    return data
