"""Shaped reads of the directory: what the pages, the map data and the exports show.

Each selector runs a fixed number of queries, whatever the number of poles.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from poles.caching import cached_value
from poles.filters import PoleFilter
from poles.models import (
    Approach,
    ChangeSource,
    LocationPrecision,
    Membership,
    Pole,
    PoleChange,
    PoleFormerSlug,
    Principle,
    StateCall,
    Theme,
    verification_threshold,
)
from poles.reference_labels import reference_choices
from poles.services import MEMBERS, RELATIONS, Fact, tracked_fields
from poles.territories.models import TERRITORIES, Commune, PlaceKind, Region
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


def pole_former_address(*, slug: str) -> str | None:
    """The current slug of the published pole that `slug` used to name."""
    return (
        PoleFormerSlug.objects.filter(slug=slug, pole__is_published=True)
        .values_list("pole__slug", flat=True)
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


# --- History -----------------------------------------------------------------------------------

# Recorded facts that are not public: the contact address (personal data, for the editors) and
# the publication state (the public history is of published poles).
PRIVATE_FACTS = frozenset({"contact_email", "is_published"})


@dataclass(frozen=True)
class FactChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    date: datetime.datetime
    source: str
    is_creation: bool
    changes: list[FactChange]


def pole_fact_labels() -> dict[str, str]:
    """Each recorded fact's name as people read it."""
    labels = {f.name: str(f.verbose_name) for f in tracked_fields()}
    labels.update({name: str(Pole._meta.get_field(name).verbose_name) for name in RELATIONS})
    labels[MEMBERS] = _("membres")
    return labels


class _FactDisplay:
    """Facts (codes, ISO dates, booleans) as words: reference rows are read once per page."""

    def __init__(self, facts: set[tuple[str, str]]):
        wanted = {name for name, _ in facts}
        self.names: dict[str, dict[str, str]] = {}
        references = {
            "approaches": Approach.objects.all(), "themes": Theme.objects.all(),
            "recognitions": StateCall.objects.all(), "principles": Principle.objects.all(),
        }  # fmt: skip
        for name, queryset in references.items():
            if name in wanted:
                self.names[name] = dict(reference_choices(queryset))
        # A pole's region and department are shown by name, like the places it acts on.
        located = {PlaceKind.REGION: "region", PlaceKind.DEPARTMENT: "department"}
        for kind, territory in TERRITORIES.items():
            names = {territory.action, located.get(kind, territory.action)}
            codes = {code for fact_name, code in facts if fact_name in names}
            if codes:
                field_ = territory.code_field
                rows = territory.model.objects.filter(**{f"{field_}__in": codes})
                found = dict(rows.values_list(field_, "name"))
                self.names.update(dict.fromkeys(names, found))
        self.choices = {
            f.name: {str(k): str(v) for k, v in f.flatchoices}
            for f in tracked_fields()
            if f.choices
        }

    def show(self, name: str, value: Fact) -> str:
        if value in (None, "", []):
            return "—"
        if isinstance(value, bool):
            return _("oui") if value else _("non")
        if isinstance(value, list):
            names = self.names.get(name, {})
            return " ; ".join(names.get(item, item) for item in value)
        if name in self.choices:
            return self.choices[name].get(str(value), str(value))
        return self.names.get(name, {}).get(value, str(value))


def _source_text(change: PoleChange) -> str:
    if change.source == ChangeSource.IMPORT and change.source_label:
        return _("import du fichier %(file)s") % {"file": change.source_label}
    return str(change.get_source_display())


def pole_public_history(*, pole: Pole, limit: int = 200) -> list[HistoryEntry]:
    """The dated changes of a pole's public facts, newest first: where each came from, never
    who (no account name, no personal data)."""
    changes = list(pole.changes.order_by("-created_at", "-pk")[:limit])
    facts = {
        (item["field"], code)
        for change in changes
        for item in change.changes
        for value in (item["before"], item["after"])
        for code in (value if isinstance(value, list) else [value])
        if isinstance(code, str)
    }
    display = _FactDisplay(facts)
    labels = pole_fact_labels()
    entries = []
    for change in changes:
        rows = [
            FactChange(
                labels.get(item["field"], item["field"]),
                display.show(item["field"], item["before"]),
                display.show(item["field"], item["after"]),
            )
            for item in change.changes
            if item["field"] not in PRIVATE_FACTS and item["field"] in labels
        ]
        if rows or change.is_creation:
            entries.append(HistoryEntry(change.created_at, _source_text(change),
                                        change.is_creation, rows))  # fmt: skip
    return entries


def pole_charter_declared_by_pole(*, pole: Pole) -> bool:
    """Whether the charter status shown was last set by the pole itself (its coordinator)."""
    for change in pole.changes.order_by("-pk").only("source", "changes"):
        if any(item["field"] == "charter_status" for item in change.changes):
            return change.source == ChangeSource.POLE
    return False


@dataclass(frozen=True)
class RecordCheck:
    label: str
    present: bool
    field: str  # the proposal form's field that completes it


def pole_record_checks(*, pole: Pole) -> list[RecordCheck]:
    """What the record says and what it lacks, as its page shows it (with a link to complete
    each missing fact). Reads only what the page has loaded already."""
    precise = pole.location_precision in (LocationPrecision.COMMUNE, LocationPrecision.TERRITORY)
    recent = pole.last_verified is not None and pole.last_verified >= verification_threshold()
    return [
        RecordCheck(_("localisation précise"), precise, "commune"),
        RecordCheck(_("membres"), bool(pole.memberships.all()), "members"),
        RecordCheck(_("approches"), bool(pole.approaches.all()), "approches_impulsion"),
        RecordCheck(_("site web"), bool(pole.website), "website"),
        RecordCheck(_("sources"), bool(pole.source_urls), "sources"),
        RecordCheck(_("vérifiée il y a moins d'un an"), recent, ""),
    ]
