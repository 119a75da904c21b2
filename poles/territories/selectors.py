"""Places: finding a commune, postcode, intercommunality, department or region from what a
person types, and the poles nearest to a point (distances computed in the database)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, F, FloatField, Q, QuerySet, Value
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt
from django.utils.translation import gettext as _

from poles.models import Pole
from poles.territories.models import (
    POINT_ZOOM,
    TERRITORIES,
    Commune,
    Department,
    Epci,
    PlaceKind,
    Region,
    epci_core,
    search_key,
)

EARTH_RADIUS_KM = 6371.0
# "Nearest" stops at this distance: across the ocean, a pole is not near.
NEAREST_MAX_KM = 400
# The box searched first (indexed latitude/longitude), wide enough for NEAREST_MAX_KM.
BOX_LATITUDE = 3.7
BOX_LONGITUDE = 5.6
POSTCODE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Place:
    kind: PlaceKind
    code: str
    name: str
    detail: str = ""  # what tells homonyms apart: "Finistère (29)"
    latitude: float | None = None
    longitude: float | None = None
    department_code: str = ""
    department_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.detail})" if self.detail else self.name

    @property
    def has_point(self) -> bool:
        return self.latitude is not None

    @property
    def kind_label(self) -> str:
        return PlaceKind(self.kind).label

    @property
    def is_territory(self) -> bool:
        """An official territory, which holds poles (a position does not)."""
        return self.kind in TERRITORIES

    @property
    def is_department(self) -> bool:
        return self.kind == PlaceKind.DEPARTMENT

    @property
    def zoom(self) -> int:
        """The map's zoom that shows the whole place around its centre."""
        territory = TERRITORIES.get(self.kind)
        return territory.zoom if territory else POINT_ZOOM

    def as_json(self) -> dict:
        return {"key": self.key, "label": self.label, "kind": self.kind.value}


def _commune_place(commune: Commune) -> Place:
    department = commune.department
    return Place(
        kind=PlaceKind.COMMUNE,
        code=commune.code,
        name=commune.name,
        detail=department.code,
        latitude=float(commune.latitude) if commune.latitude is not None else None,
        longitude=float(commune.longitude) if commune.longitude is not None else None,
        department_code=department.code,
        department_name=department.name,
    )


def _centre(communes: QuerySet[Commune]) -> tuple[float | None, float | None]:
    centre = communes.aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    lat, lon = centre["lat"], centre["lon"]
    return (float(lat), float(lon)) if lat is not None else (None, None)


def _epci_place(epci: Epci) -> Place:
    communes = Commune.objects.filter(epci=epci)
    departments = sorted(set(communes.values_list("department__code", flat=True)))
    lat, lon = _centre(communes)
    return Place(PlaceKind.EPCI, epci.siren, epci.name, ", ".join(departments), lat, lon)


def _department_place(department: Department) -> Place:
    lat, lon = _centre(Commune.objects.filter(department=department))
    return Place(PlaceKind.DEPARTMENT, department.code, department.name, department.code, lat,
                 lon, department.code, department.name)  # fmt: skip


def _region_place(region: Region) -> Place:
    lat, lon = _centre(Commune.objects.filter(department__region=region))
    return Place(PlaceKind.REGION, region.code, region.name, PlaceKind.REGION.label, lat, lon)


def place_get(*, key: str) -> Place | None:
    """The place a link names ("commune:29232", "point:47.99,-4.10"), or None."""
    kind, _, code = key.partition(":")
    if kind == PlaceKind.POINT:
        return _point_place(code)
    if kind not in TERRITORIES:
        return None
    territory = TERRITORIES[PlaceKind(kind)].get(code)
    return _PLACES[kind](territory) if territory else None


def _point_place(code: str) -> Place | None:
    try:
        lat, lon = (round(float(part), 3) for part in code.split(","))
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Place(PlaceKind.POINT, f"{lat},{lon}", _("Votre position"), "", lat, lon)


_PLACES = {
    PlaceKind.COMMUNE: _commune_place,
    PlaceKind.EPCI: _epci_place,
    PlaceKind.DEPARTMENT: _department_place,
    PlaceKind.REGION: _region_place,
}


def place_search(*, text: str, limit: int = 10) -> list[Place]:
    """Places matching what a person typed, the most likely first."""
    text = text.strip()[:100]
    if not text:
        return []
    if POSTCODE.match(text):
        communes = (
            Commune.objects.select_related("department")
            .filter(Q(postcodes__contains=text) | Q(code=text))
            .order_by(F("population").desc(nulls_last=True), "name")[:limit]
        )
        return [
            _commune_place(c) for c in communes if text in c.postcodes.split() or c.code == text
        ]
    key = search_key(text)
    if not key:
        return []
    places: list[Place] = []
    # 18 regions and 101 departments: read once, compared in Python.
    regions = [(search_key(r.name), r) for r in Region.objects.all()]
    departments = [(search_key(d.name), d) for d in Department.objects.all()]
    places += [_department_place(d) for _, d in departments if d.code == text.upper()]
    places += [_region_place(r) for name, r in regions if name == key]
    places += [_department_place(d) for name, d in departments if name == key]
    communes = (
        Commune.objects.select_related("department")
        .filter(search_name__startswith=key)
        .order_by(F("population").desc(nulls_last=True), "name")[:limit]
    )
    exact = [c for c in communes if c.search_name == key]
    places += [_commune_place(c) for c in exact]
    places += [_commune_place(c) for c in communes if c.search_name != key]
    core = epci_core(key)
    if core:
        epcis = Epci.objects.filter(search_name__contains=core).order_by("name")[:3]
        places += [_epci_place(e) for e in epcis]
    if len(places) < limit:
        places += [
            _department_place(d) for name, d in departments if name.startswith(key) and name != key
        ]
        places += [_region_place(r) for name, r in regions
                   if name.startswith(key) and name != key]  # fmt: skip
    seen, unique = set(), []
    for place in places:
        if place.key not in seen:
            seen.add(place.key)
            unique.append(place)
    return unique[:limit]


def place_poles(*, place: Place, poles: QuerySet[Pole]) -> QuerySet[Pole]:
    """The poles located in the place (a position is not a territory: all of them)."""
    return poles.in_territory(place.kind, place.code) if place.is_territory else poles


def place_acting_poles(*, place: Place, poles: QuerySet[Pole]) -> QuerySet[Pole]:
    """The poles whose territory of action covers the place (a position has none: all)."""
    return poles.acting_on(place.kind, place.code) if place.is_territory else poles


def distance_km(latitude: float, longitude: float):
    """The great-circle distance from a point to each pole, as a database expression."""
    lat1 = Radians(Cast("latitude", FloatField()))
    lon1 = Radians(Cast("longitude", FloatField()))
    lat2, lon2 = Radians(Value(float(latitude))), Radians(Value(float(longitude)))
    half_chord = Power(Sin((lat1 - lat2) / 2), 2) + Cos(lat1) * Cos(lat2) * Power(
        Sin((lon1 - lon2) / 2), 2
    )
    return 2 * EARTH_RADIUS_KM * ASin(Sqrt(half_chord))


def poles_nearest(
    *, latitude: float, longitude: float, poles: QuerySet[Pole], limit: int = 5
) -> list[Pole]:
    """The located poles nearest to a point, within NEAREST_MAX_KM, each with `distance`.

    A box on the indexed coordinates first, then the exact distance on what is left: the cost
    does not grow with the number of poles far away. Poles placed at their department's seat
    are listed too (their page and the list say the distance is approximate).
    """
    return list(
        poles_by_distance(latitude=latitude, longitude=longitude, poles=poles.located())
        .filter(_box(latitude, longitude))
        .filter(distance__lte=NEAREST_MAX_KM)
        .select_related("department")[:limit]
    )


def _box(latitude: float, longitude: float) -> Q:
    lat, lon = Decimal(str(latitude)), Decimal(str(longitude))
    return Q(
        latitude__range=(lat - Decimal(BOX_LATITUDE), lat + Decimal(BOX_LATITUDE)),
        longitude__range=(lon - Decimal(BOX_LONGITUDE), lon + Decimal(BOX_LONGITUDE)),
    )


def poles_by_distance(*, latitude: float, longitude: float, poles: QuerySet[Pole]):
    """`poles` with their `distance` in kilometres, nearest first (unlocated ones last)."""
    return poles.annotate(distance=distance_km(latitude, longitude)).order_by(
        F("distance").asc(nulls_last=True), "name"
    )
