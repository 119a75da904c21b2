"""PoleFilter: the one search contract of the directory, shared by the list, the map data and
the exports. URL parameters are French words, as shared links are read by people."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from poles.models import (
    YEAR_ASCENDING,
    YEAR_DESCENDING,
    Approach,
    ApproachAxis,
    CharterStatus,
    Department,
    MemberCategory,
    Membership,
    Pole,
    Region,
    Stage,
    StateCall,
    Theme,
)

UNKNOWN = "inconnu"
COMMON_PLACE_CHOICES = [("oui", _("oui")), ("non", _("non")), (UNKNOWN, _("inconnu"))]
STAGE_CHOICES = [*Stage.choices, (UNKNOWN, _("inconnu"))]
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

# The filters that get facet counts, in the order of the filter panel.
FACETS = (
    "impulsion",
    "dynamique",
    "lieu_commun",
    "thematique",
    "region",
    "departement",
    "categorie",
    "stade",
    "charte",
    "reconnaissance",
)


def _approach_choices(axis: str):
    return lambda: list(Approach.objects.filter(axis=axis).values_list("code", "label"))


def _theme_choices():
    return list(Theme.objects.values_list("code", "label"))


def _region_choices():
    return list(Region.objects.values_list("code", "name"))


def _department_choices():
    return [
        (code, f"{name} ({code})") for code, name in Department.objects.values_list("code", "name")
    ]


def _call_choices():
    return list(StateCall.objects.values_list("code", "label"))


class MultipleValueFilter(django_filters.MultipleChoiceFilter):
    """Several values of one filter are OR-ed; filters are AND-ed with each other."""

    field_class = forms.MultipleChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(*args, **kwargs)


class PoleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Rechercher"),
        max_length=200,
        help_text=_("Nom, sigle, structure porteuse, commune ou membre ; accents ignorés."),
    )
    impulsion = MultipleValueFilter(
        label=_("Impulsion"),
        choices=_approach_choices(ApproachAxis.IMPULSE),
        method="filter_approaches",
    )
    dynamique = MultipleValueFilter(
        label=_("Dynamique économique"),
        choices=_approach_choices(ApproachAxis.ECONOMIC_DYNAMIC),
        method="filter_approaches",
    )
    lieu_commun = MultipleValueFilter(
        label=_("Lieu commun"), choices=COMMON_PLACE_CHOICES, method="filter_common_place"
    )
    thematique = MultipleValueFilter(
        label=_("Thématique"), choices=_theme_choices, method="filter_themes"
    )
    region = MultipleValueFilter(
        label=_("Région"), choices=_region_choices, field_name="region__code"
    )
    departement = MultipleValueFilter(
        label=_("Département"), choices=_department_choices, field_name="department__code"
    )
    categorie = MultipleValueFilter(
        label=_("Catégorie de membres"),
        choices=MemberCategory.choices,
        method="filter_member_category",
    )
    stade = MultipleValueFilter(label=_("Stade"), choices=STAGE_CHOICES, method="filter_stage")
    charte = MultipleValueFilter(
        label=_("Charte du Labo de l'ESS"),
        choices=[
            (CharterStatus.YES, _("signataire")),
            (CharterStatus.NO, _("non signataire")),
            (CharterStatus.UNKNOWN, _("inconnu")),
        ],
        field_name="charter_status",
    )
    reconnaissance = MultipleValueFilter(
        label=_("Reconnaissance de l'État"), choices=_call_choices, method="filter_recognitions"
    )
    tri = django_filters.ChoiceFilter(
        label=_("Trier par"), choices=SORT_CHOICES, method="sort", empty_label=None
    )

    class Meta:
        model = Pole
        fields: list[str] = []

    # -- filters -------------------------------------------------------------------------------
    # Many-to-many filters use pk__in subqueries: no duplicate rows, no DISTINCT.

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
        for value in values:
            wanted |= (
                Q(has_common_place__isnull=True)
                if value == UNKNOWN
                else Q(has_common_place=(value == "oui"))
            )
        return queryset.filter(wanted)

    def filter_stage(self, queryset, name, values):
        stages = [("" if value == UNKNOWN else value) for value in values]
        return queryset.filter(stage__in=stages)

    def sort(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDER[value])

    # -- helpers for views ---------------------------------------------------------------------

    @property
    def active_values(self) -> dict[str, list[str]]:
        """The valid, non-empty values of each filter (facets, summaries, links)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        return {name: value for name, value in data.items() if value and name != "tri"}

    def filtered_without(self, name: str, queryset: QuerySet[Pole]) -> QuerySet[Pole]:
        """`queryset` with every active filter but `name` (for that filter's facet counts)."""
        for other, value in self.active_values.items():
            if other != name:
                queryset = self.filters[other].filter(queryset, value)
        return queryset
