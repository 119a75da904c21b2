"""Shaped reads of the directory: what the pages, the map data and the exports show.

Each selector runs a fixed number of queries, whatever the number of poles.
"""

from __future__ import annotations

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from poles.caching import cached_value
from poles.filters import PoleFilter
from poles.models import Commune, LocationPrecision, Membership, Pole, Region
from poles.territories.selectors import poles_nearest


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
            "action_regions",
            "action_departments",
            "action_epcis",
            Prefetch("action_communes", queryset=Commune.objects.select_related("department")),
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


def pole_facet_counts(*, filterset: PoleFilter) -> dict[str, dict[str, int]]:
    """For each filter option, how many published poles it gives with the other filters."""
    return filterset.facet_counts(Pole.objects.published())


def directory_summary(*, filterset: PoleFilter) -> dict:
    """Counts over the whole selection (the costly part), once per selection and version."""
    poles = filterset.qs

    def summarize() -> dict:
        figures = poles.location_summary()
        return {
            "total": figures["total"],
            "unlocated": figures["unlocated"],
            "facets": pole_facet_counts(filterset=filterset),
            "bounds": map_bounds(figures),
        }

    return cached_value(namespace="directory", selection=filterset.selection(), build=summarize)


def map_bounds(figures: dict) -> str | None:
    """The bounds of the located poles (from PoleQuerySet.location_summary) as
    "south,west,north,east", for a map that opens on them: it asks for the tiles of its final
    view at once, not after its data. Those in metropolitan France when there are any, as the
    directory opens on France: overseas poles are one quick view away, and bounds spanning the
    oceans would show the whole world. None when no pole is located."""
    prefix = "mainland_" if figures["mainland_south"] is not None else ""
    if figures[f"{prefix}south"] is None:
        return None
    return ",".join(
        str(float(figures[prefix + side])) for side in ("south", "west", "north", "east")
    )


def directory_summary_warm() -> None:
    """Computes the unfiltered directory's counts now, so that no visitor waits for them."""
    directory_summary(filterset=pole_filter_published(data=None))


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
        if precision == LocationPrecision.DEPARTMENT_SEAT:
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
    """The published poles closest to `pole`, as the place search measures them."""
    if not pole.is_located or pole.is_location_approximate:
        return []
    return poles_nearest(
        latitude=float(pole.latitude),
        longitude=float(pole.longitude),
        poles=Pole.objects.published().exclude(pk=pole.pk),
        limit=limit,
    )


def region_list_with_counts() -> QuerySet[Region]:
    return Region.objects.annotate(
        pole_count=Count("poles", filter=Q(poles__is_published=True))
    ).order_by("name")


def directory_last_updated():
    return Pole.objects.published().aggregate(last=Max("updated_at"))["last"]
