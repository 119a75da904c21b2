"""PoleFilter: the one search contract of the directory, shared by the list, the map data, the
territory pages and the exports.

Each filter declares itself once, here: its label and help, its choices, its lookup and its facet
(how to count the poles behind each option). The filter panel, the facet counts, the cache keys
and the parameters the JavaScript keeps all follow from these declarations. URL parameters are
French words, as shared links are read by people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django import forms
from django.db import models
from django.db.models import Case, Count, F, Model, Q, QuerySet, Value, When
from django.urls import reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from poles.db_functions import fold
from poles.models import (
    COMMON_PLACE_ANSWERS,
    STAGE_UNKNOWN,
    YEAR_ASCENDING,
    YEAR_DESCENDING,
    YEAR_MAX,
    YEAR_MIN,
    Answer,
    Approach,
    ApproachAxis,
    CharterStatus,
    LocationPrecision,
    MemberCategory,
    Membership,
    Pole,
    Stage,
    StateCall,
    Theme,
    verification_threshold,
)
from poles.reference_labels import reference_choices
from poles.territories.models import TERRITORIES, Department, PlaceKind, Region
from poles.territories.selectors import (
    place_acting_poles,
    place_get,
    place_poles,
    poles_by_distance,
)

# Parameters of the page, not of the search: the FilterSet ignores them, the page keeps them.
VIEW_PARAMETERS = ("page", "vue", "pole")
SORT_PARAMETER = "tri"
DEFAULT_SORT = "nom"
SORT_CHOICES = [
    ("nom", _("nom (A → Z)")),
    ("-nom", _("nom (Z → A)")),
    ("region", _("région")),
    ("annee", _("année de création (plus anciens d'abord)")),
    ("-annee", _("année de création (plus récents d'abord)")),
]
SORT_ORDER = {
    "nom": ["name"],
    "-nom": ["-name"],
    # Unknown values come last either way, on every database.
    "region": [
        F("region__name").asc(nulls_last=True),
        F("department__code").asc(nulls_last=True),
        "name",
    ],
    # Same expressions as the indexes pole_year_asc / pole_year_desc (poles/models.py).
    "annee": [YEAR_ASCENDING, "name"],
    "-annee": [YEAR_DESCENDING.desc(), "name"],
}


@dataclass(frozen=True)
class Facet:
    """How many poles each option of a filter gives.

    `column` is grouped on the poles themselves, or on `through` (a table with a `pole_id`
    column) restricted by `condition`; `key` turns a database value into the option's value.
    """

    column: str
    through: Callable[[], type[Model]] | None = None
    condition: Q = field(default_factory=Q)
    key: Callable[[Any], str | None] = str
    distinct: bool = False
    # A column computed when counted (one that depends on today's date, say).
    expression: Callable[[], Any] | None = None

    def counts(self, poles: QuerySet[Pole]) -> dict[str, int]:
        if self.expression is not None:
            poles = poles.annotate(**{self.column: self.expression()})
        if self.through is None:
            rows = poles.order_by().values_list(self.column).annotate(n=Count("pk"))
        else:
            rows = (
                self.through()
                .objects.filter(self.condition, pole_id__in=poles.order_by().values("pk"))
                .values_list(self.column)
                .annotate(n=Count("pole_id", distinct=self.distinct))
                .order_by()
            )
        keyed = ((self.key(value), n) for value, n in rows)
        return {key: n for key, n in keyed if key is not None}


@dataclass(frozen=True)
class Guide:
    """A link from a filter's group to the page that explains its options."""

    url: Any
    text: Any


# More values than any real choice list needs: beyond, a link is refused with a message.
MAX_VALUES = 50


class FacetField(forms.MultipleChoiceField):
    """Several values of one filter, at most MAX_VALUES (the same one repeated counts once)."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = list(dict.fromkeys(value))
            if len(value) > MAX_VALUES:
                raise forms.ValidationError(
                    _("Au plus %(max)d valeurs pour ce critère (%(count)d reçues)."),
                    params={"max": MAX_VALUES, "count": len(value)},
                )
        return super().clean(value)


# Codes are text; their lists come from the database (the API's reference endpoints).
@extend_schema_field(OpenApiTypes.STR)
class FacetFilter(django_filters.MultipleChoiceFilter):
    """A filter of the panel: checkboxes, several values OR-ed, filters AND-ed together."""

    field_class = FacetField

    def __init__(
        self,
        *args,
        facet: Facet,
        guide: Guide | None = None,
        narrowed_by: tuple[str, Callable[[list[str]], set[str]]] | None = None,
        **kwargs,
    ):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        # Filters on the pole's own columns or foreign keys never multiply rows; the others
        # use pk__in subqueries (below): no DISTINCT anywhere.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)
        self.facet = facet
        self.guide = guide
        # (other filter, values of that filter -> the options still shown here)
        self.narrowed_by = narrowed_by


@extend_schema_field(OpenApiTypes.STR)
class ValuesFilter(django_filters.MultipleChoiceFilter):
    """Several values OR-ed, as a facet's, but not in the filter panel."""

    field_class = FacetField


def _through(relation: str) -> Callable[[], type[Model]]:
    return lambda: getattr(Pole, relation).through


def _approach_choices(axis: str):
    return lambda: reference_choices(Approach.objects.filter(axis=axis))


def _theme_choices():
    return reference_choices(Theme.objects.all())


def _region_choices():
    return list(Region.objects.values_list("code", "name"))


def _department_choices():
    return [
        (code, f"{name} ({code})") for code, name in Department.objects.values_list("code", "name")
    ]


def _departments_of(region_codes: list[str]) -> set[str]:
    return set(
        Department.objects.filter(region__code__in=region_codes).values_list("code", flat=True)
    )


def _call_choices():
    return reference_choices(StateCall.objects.all())


YEAR_UNKNOWN = "inconnue"


def _year_choices():
    return [(str(y), str(y)) for y in range(YEAR_MIN, YEAR_MAX + 1)] + [
        (YEAR_UNKNOWN, _("inconnue"))
    ]


def _common_place_key(value: bool | None) -> str:
    return COMMON_PLACE_ANSWERS[value].value


def _verified_recently():
    """ "oui" for a pole checked within VERIFICATION_MONTHS, else "non" (never included)."""
    return Case(
        When(last_verified__gte=verification_threshold(), then=Value(Answer.YES.value)),
        default=Value(Answer.NO.value),
        output_field=models.CharField(),
    )


def _stage_key(value: str) -> str:
    return value or STAGE_UNKNOWN.value


ABOUT_APPROACHES = Guide(
    reverse_lazy("poles:about", fragment="approches"), _("Que signifient les approches ?")
)


def _approach_filter(label, axis: str) -> FacetFilter:
    """The filter of one axis of approaches (the common place has its own field)."""
    return FacetFilter(
        label=label,
        choices=_approach_choices(axis),
        method="filter_approaches",
        facet=Facet(
            "approach__code", through=_through("approaches"), condition=Q(approach__axis=axis)
        ),
        guide=ABOUT_APPROACHES,
    )


def _territory_filter(kind: PlaceKind, label, choices, **kwargs) -> FacetFilter:
    """The filter of one kind of territory, named after the kind (`?region=53`): the poles
    located in the territories chosen (poles/territories/models.py says what "in" means)."""
    return FacetFilter(
        label=label,
        choices=choices,
        method="filter_territory",
        facet=Facet(TERRITORIES[kind].pole_path),
        **kwargs,
    )


def parameter_errors_text(errors) -> str:
    """The sentence for a data request (API, feed) whose parameters PoleFilter refuses, each
    named with its messages. (The directory's pages ignore them visibly instead.)"""
    parts = [f"{name} : {' '.join(str(m) for m in messages)}" for name, messages in errors.items()]
    return _("Paramètre invalide. %(errors)s") % {"errors": " ; ".join(parts)}


class PlaceField(forms.CharField):
    """A place by its official code ("commune:29232"): the form refuses what names no place."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        place = place_get(key=value)
        if place is None:
            raise forms.ValidationError(
                _("« %(value)s » ne désigne aucun lieu connu (attendu par exemple "
                  "commune:29232 ou departement:29)."),
                params={"value": value[:60]},
            )  # fmt: skip
        return place


@extend_schema_field(OpenApiTypes.STR)
class PlaceFilter(django_filters.Filter):
    """The poles located in the place, or acting on it (`portee=agit`)."""

    field_class = PlaceField

    def filter(self, queryset, value):
        if not value:
            return queryset
        data = getattr(self.parent.form, "cleaned_data", {})
        if data.get("portee") == PlaceScope.ACTING:
            return place_acting_poles(place=value, poles=queryset)
        if not value.is_territory:
            # Around a position, all the poles, nearest first (a sort asked for still wins).
            return poles_by_distance(latitude=value.latitude, longitude=value.longitude,
                                     poles=queryset)  # fmt: skip
        return place_poles(place=value, poles=queryset)


class PlaceScope(models.TextChoices):
    LOCATED = "situe", _("situés dans ce lieu")
    ACTING = "agit", _("agissant sur ce lieu")


class PoleFilter(django_filters.FilterSet):
    lieu = PlaceFilter(
        label=_("Où ?"),
        max_length=120,
        help_text=_("Commune, code postal, intercommunalité, département ou région."),
    )
    # How the place selects: where poles are, or where they act (read by PlaceFilter).
    portee = django_filters.ChoiceFilter(
        label=_("Pôles"), choices=PlaceScope.choices, method="keep", empty_label=None
    )
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Rechercher"),
        max_length=200,
        help_text=_("Nom, thématique, activité, lieu, présentation ou membre ; accents, "
                    "majuscules et terminaisons ignorés."),
    )  # fmt: skip
    impulsion = _approach_filter(_("Impulsion"), ApproachAxis.IMPULSE)
    dynamique = _approach_filter(_("Dynamique économique"), ApproachAxis.ECONOMIC_DYNAMIC)
    lieu_commun = FacetFilter(
        label=_("Lieu commun"),
        choices=Answer.choices,
        method="filter_common_place",
        facet=Facet("has_common_place", key=_common_place_key),
        guide=ABOUT_APPROACHES,
    )
    thematique = FacetFilter(
        label=_("Thématique"),
        choices=_theme_choices,
        method="filter_themes",
        facet=Facet("theme__code", through=_through("themes")),
    )
    region = _territory_filter(PlaceKind.REGION, _("Région"), _region_choices)
    departement = _territory_filter(
        PlaceKind.DEPARTMENT,
        _("Département"),
        _department_choices,
        # Department options follow the chosen regions (one already chosen stays shown).
        narrowed_by=(PlaceKind.REGION.value, _departments_of),
    )
    categorie = FacetFilter(
        label=_("Catégorie de membres"),
        choices=MemberCategory.choices,
        method="filter_member_category",
        facet=Facet("member__category", through=lambda: Membership, distinct=True),
        guide=Guide(
            reverse_lazy("poles:about", fragment="membres"), _("Les catégories de membres")
        ),
    )
    stade = FacetFilter(
        label=_("Stade"),
        choices=[*Stage.choices, (STAGE_UNKNOWN.value, STAGE_UNKNOWN.label)],
        method="filter_stage",
        facet=Facet("stage", key=_stage_key),
    )
    charte = FacetFilter(
        label=_("Charte du Labo de l'ESS"),
        choices=CharterStatus.choices,
        field_name="charter_status",
        facet=Facet("charter_status"),
        guide=Guide(reverse_lazy("poles:about", fragment="charte"), _("La charte des PTCE")),
    )
    reconnaissance = FacetFilter(
        label=_("Reconnaissance de l'État"),
        choices=_call_choices,
        method="filter_recognitions",
        facet=Facet("statecall__code", through=_through("recognitions")),
    )
    verifiee = FacetFilter(
        label=_("Fiche vérifiée il y a moins d'un an"),
        choices=[(Answer.YES.value, _("oui")), (Answer.NO.value, _("non, ou jamais"))],
        method="filter_verified",
        facet=Facet("verified_recently", expression=_verified_recently),
    )
    # Not in the panel (no facet): the lists behind the figures (/chiffres/) name them.
    annee = ValuesFilter(
        label=_("Année de création"),
        choices=_year_choices,
        method="filter_year",
        distinct=False,
    )
    localisation = ValuesFilter(
        label=_("Localisation"),
        choices=LocationPrecision.choices,
        field_name="location_precision",
        distinct=False,
    )
    tri = django_filters.ChoiceFilter(
        label=_("Trier par"), choices=SORT_CHOICES, method="sort", empty_label=None
    )

    class Meta:
        model = Pole
        fields: list[str] = []

    @property
    def form(self):
        """The bound form, with each list of choices read from the database once (a callable
        is otherwise called again for every value a link sends)."""
        if not hasattr(self, "_form"):
            form = super().form
            for field_ in form.fields.values():
                if isinstance(field_, forms.ChoiceField):
                    field_.choices = list(field_.choices)
        return self._form

    # -- filters -------------------------------------------------------------------------------
    # Many-to-many filters use pk__in subqueries: no duplicate rows, no DISTINCT.

    def filter_territory(self, queryset, name, values):
        return queryset.in_territory(PlaceKind(name), *values)

    def filter_search(self, queryset: QuerySet[Pole], name: str, value: str) -> QuerySet[Pole]:
        return queryset.search(value)

    def filter_approaches(self, queryset, name, values):
        through = Pole.approaches.through.objects.filter(approach__code__in=values)
        return queryset.filter(pk__in=through.values("pole_id"))

    def filter_themes(self, queryset, name, values):
        through = Pole.themes.through.objects.filter(theme__code__in=values)
        return queryset.filter(pk__in=through.values("pole_id"))

    def filter_recognitions(self, queryset, name, values):
        through = Pole.recognitions.through.objects.filter(statecall__code__in=values)
        return queryset.filter(pk__in=through.values("pole_id"))

    def filter_member_category(self, queryset, name, values):
        memberships = Membership.objects.filter(member__category__in=values)
        return queryset.filter(pk__in=memberships.values("pole_id"))

    def filter_common_place(self, queryset, name, values):
        wanted = Q()
        for answer, value in COMMON_PLACE_ANSWERS.items():
            if value in values:
                wanted |= (
                    Q(has_common_place__isnull=True)
                    if answer is None
                    else Q(has_common_place=answer)
                )
        return queryset.filter(wanted)

    def filter_verified(self, queryset, name, values):
        if set(values) >= {Answer.YES.value, Answer.NO.value}:
            return queryset
        if Answer.YES.value in values:
            return queryset.verified_recently()
        return queryset.to_verify()

    def filter_year(self, queryset, name, values):
        years = [int(value) for value in values if value != YEAR_UNKNOWN]
        wanted = Q(year_created__in=years)
        if YEAR_UNKNOWN in values:
            wanted |= Q(year_created__isnull=True)
        return queryset.filter(wanted)

    def filter_stage(self, queryset, name, values):
        stages = [("" if value == STAGE_UNKNOWN else value) for value in values]
        return queryset.filter(stage__in=stages)

    def keep(self, queryset, name, value):
        return queryset

    def sort(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDER[value])

    # -- what views, caches and the panel read -------------------------------------------------

    @classmethod
    def facet_names(cls) -> list[str]:
        return [name for name, f in cls.base_filters.items() if isinstance(f, FacetFilter)]

    @property
    def active_values(self) -> dict[str, list[str] | str]:
        """The valid, non-empty values of each filter, sort excluded."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        return {name: v for name, v in data.items() if v and name != SORT_PARAMETER}

    @property
    def sort_order(self) -> str:
        value = self.data.get(SORT_PARAMETER) if self.is_bound else None
        return value if value in SORT_ORDER else DEFAULT_SORT

    def selection(self) -> str:
        """The canonical query string of the selection: validated values only, sorted, without
        the sort order. Two links that select the same poles give the same string; anything
        the form refused is left out. Cache keys and map-data links are built from it."""
        pairs = []
        for name, value in sorted(self.active_values.items()):
            if isinstance(value, list):
                pairs.extend((name, item) for item in sorted(set(value)))
            elif name == "lieu":
                pairs.append((name, value.key))
            else:
                # The search ignores case, accents and outer spaces: so does its key.
                pairs.append((name, fold(value.strip()) if name == "q" else value))
        return urlencode(pairs)

    def chips(self) -> list[dict]:
        """The active criteria one by one ("Région : Bretagne"), each with the query string
        that removes it alone (the page number dropped, the view and the sort kept)."""
        if not self.is_bound:
            return []
        chips = []
        for name, value in self.active_values.items():
            if name == "portee":
                continue  # how the place selects: it goes with the place's chip
            field_ = self.form.fields[name]
            label = field_.label
            if name == "lieu":
                label, items = _("Lieu"), [(None, value.label)]
            elif name == "q":
                label, items = _("Mots"), [(None, f"« {value.strip()} »")]
            else:
                labels = {str(k): str(v) for k, v in field_.choices}
                items = [(item, labels.get(item, item)) for item in value]
            for raw, text in items:
                remaining = self.data.copy()
                remaining.pop("page", None)
                if raw is None:
                    remaining.pop(name, None)
                    if name == "lieu":
                        remaining.pop("portee", None)
                else:
                    remaining.setlist(name, [v for v in self.data.getlist(name) if v != raw])
                chips.append({"name": name, "label": label, "value": text,
                              "query": remaining.urlencode()})  # fmt: skip
        return chips

    def filtered_without(self, name: str, queryset: QuerySet[Pole]) -> QuerySet[Pole]:
        """`queryset` with every active filter but `name` (for that filter's facet counts)."""
        for other, value in self.active_values.items():
            if other != name:
                queryset = self.filters[other].filter(queryset, value)
        return queryset

    def facet_counts(self, base: QuerySet[Pole]) -> dict[str, dict[str, int]]:
        """For each option of each faceted filter, how many poles it gives with the others."""
        return {
            name: self.filters[name].facet.counts(self.filtered_without(name, base))
            for name in self.facet_names()
        }

    def panel(self, counts: dict[str, dict[str, int]]) -> list[dict]:
        """The filter panel: each faceted filter's field with its options, counts and state."""
        active = self.active_values
        groups = []
        for name in self.facet_names():
            declared: FacetFilter = self.filters[name]
            field_ = self.form.fields[name]
            selected = set(self.data.getlist(name)) if self.is_bound else set()
            shown = None
            if declared.narrowed_by and active.get(declared.narrowed_by[0]):
                shown = declared.narrowed_by[1](active[declared.narrowed_by[0]]) | selected
            options = [
                {
                    "value": value,
                    "label": label,
                    "count": counts[name].get(value, 0),
                    "checked": value in selected,
                }
                for value, label in field_.choices
                if shown is None or value in shown
            ]
            groups.append(
                {
                    "name": name,
                    "label": field_.label,
                    "help_text": field_.help_text,
                    "guide": declared.guide,
                    "options": options,
                    "empty": not any(o["count"] or o["checked"] for o in options),
                }
            )
        return groups
