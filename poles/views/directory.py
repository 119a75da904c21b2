"""The directory: the list and map of poles with their filters, the place search, the map's
data, the territory and charter pages (fixed selections) and the embeddable map."""

import json

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.vary import vary_on_headers

from poles.caching import body_response, cached_body, cached_page, directory_version, page_key
from poles.charts import blocks, map_context
from poles.figures import figures_of
from poles.filters import (
    DEFAULT_SORT,
    SORT_PARAMETER,
    VIEW_PARAMETERS,
    PlaceScope,
    PoleFilter,
)
from poles.forms import EmbedForm
from poles.models import CharterStatus, Pole, Principle, Theme
from poles.reference_labels import reference_choices
from poles.security import read_only
from poles.selectors import (
    directory_summary,
    pole_filter_published,
    pole_map_features,
    region_list_with_counts,
)
from poles.site import absolute_url
from poles.territories.models import Department, PlaceKind, Region, epci_core, search_key
from poles.territories.selectors import place_get, place_poles, place_search, poles_nearest

PAGE_SIZE = 20
# The poles of a place's department named when none is in the place itself.
DEPARTMENT_POLES = 10


FRAGMENT_HEADER = "X-Requested-With"


def theme_labels() -> dict[str, str]:
    """Theme code -> label in the page's language (for the map's popups)."""
    return dict(reference_choices(Theme.objects.all()))


def _invalid_parameters(filterset: PoleFilter) -> list[str]:
    if not filterset.is_bound or filterset.is_valid():
        return []
    messages = []
    for name, errors in filterset.form.errors.items():
        label = filterset.form.fields[name].label if name in filterset.form.fields else name
        messages.append(
            _("%(label)s : %(errors)s Ce critère a été ignoré.")
            % {"label": label, "errors": " ".join(errors)}
        )
    return messages


def _page(request: HttpRequest, filterset: PoleFilter, total: int):
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    paginator.count = total
    # The number the cache key holds: "+2" or "2.0" is page 1 in both, never page 2 under
    # page 1's key; past the end, the last page, not kept under that number (_not_kept).
    page = paginator.get_page(_page_number(request))
    # A few numbers around the current page, not a thousand links at 20,000 poles.
    links = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return page, links


@read_only
@vary_on_headers(FRAGMENT_HEADER)
def pole_list(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get(PLACE_TEXT_PARAMETER, "").strip()
    place_choices: list = []
    if typed:
        # What a person typed in "Où ?" without JavaScript: one place, and the link names it
        # by its code; several, and the page lists them; none, and the page says so.
        current = request.GET.get("lieu", "")
        chosen = place_get(key=current) if current else None
        if chosen is None or typed != chosen.label:
            place_choices = place_search(text=typed)
            exact = [p for p in place_choices if search_key(p.name) == search_key(typed)]
            if len(exact) == 1 or len(place_choices) == 1:
                return redirect(_with_place(request, (exact or place_choices)[0].key))
            place_choices = exact + [p for p in place_choices if p not in exact]
    filterset = pole_filter_published(data=request.GET)
    # Words that name a place ("Quimper"): the page offers the place, and goes there when no
    # pole's own words match.
    words = request.GET.get("q", "").strip()
    named_place = None
    if words and not request.GET.get("lieu") and filterset.is_valid():
        named_place = _place_named(words)
        if named_place is not None and not filterset.qs.exists():
            return redirect(_with_place(request, named_place.key, drop="q"))

    def build() -> HttpResponse:
        return _pole_list_page(request, filterset, typed, place_choices, named_place)

    if typed or words or (filterset.is_bound and not filterset.is_valid()):
        # Not kept: messages that quote what was typed, and free words, which rarely repeat
        # (a flood of unique searches must not fill the shared cache; a search is fast).
        return build()
    key = page_key(request, filterset.selection(), filterset.sort_order,
                   str(_page_number(request)))  # fmt: skip
    return cached_page(request, namespace="list", key=key, render=build)


def _page_number(request: HttpRequest) -> int:
    """The page asked for, as the paginator and the cache key read it: a plain number ("0002"
    is 2), anything else the first page."""
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() and len(value) <= 6 else 1


def _kept_if_asked(request: HttpRequest, response: HttpResponse, page) -> HttpResponse:
    """A page past the end is served as the last page but not kept under the number asked:
    no number makes an entry of its own (poles.caching.cached_page reads the mark)."""
    if page.number != max(_page_number(request), 1):
        response.not_kept = True
    return response


def _place_named(words: str):
    """The one place whose name is exactly these words, if any (homonyms: none)."""
    key = search_key(words)

    def named(place) -> bool:
        if place.kind == PlaceKind.EPCI:  # with or without its legal form
            return epci_core(key) == epci_core(search_key(place.name))
        return key == search_key(place.name)

    exact = [p for p in place_search(text=words, limit=5) if named(p)]
    return exact[0] if len(exact) == 1 else None


def _pole_list_page(request, filterset: PoleFilter, typed: str, place_choices: list,
                    named_place=None):  # fmt: skip
    context = _selection_context(request, filterset)
    selection = context["selection"]
    context |= {
        "filter": filterset,
        "filter_panel": filterset.panel(context["facets"]),
        "invalid_parameters": _invalid_parameters(filterset),
        "has_filters": bool(filterset.active_values),
        "chips": filterset.chips(),
        "search": request.GET.get("q", ""),
        "page_base": _with_sort(selection, filterset.sort_order),
        "scope_base": _without(selection, "portee"),
        "sort": filterset.sort_order,
        "sort_parameter": SORT_PARAMETER,
        "default_sort": DEFAULT_SORT,
        "view_parameters": " ".join(VIEW_PARAMETERS),
        "place_text": typed,
        "place_choices": [(p, _with_place(request, p.key)) for p in place_choices],
        "named_place": named_place,
        "named_place_url": named_place and _with_place(request, named_place.key, drop="q"),
        **_place_context(filterset, context["total"], context["page"]),
    }
    fragment = request.headers.get(FRAGMENT_HEADER) == "fetch"
    template = "poles/includes/_directory.html" if fragment else "poles/pole_list.html"
    return _kept_if_asked(request, render(request, template, context), context["page"])


PLACE_TEXT_PARAMETER = "ou"


def _with_sort(selection: str, sort: str) -> str:
    """The selection with its sort order, for the page links (the default sort left out)."""
    sort_query = "" if sort == DEFAULT_SORT else urlencode({SORT_PARAMETER: sort})
    return "&".join(part for part in (selection, sort_query) if part)


def _without(selection: str, name: str) -> str:
    query = QueryDict(selection, mutable=True)
    query.pop(name, None)
    return query.urlencode()


def _with_place(request: HttpRequest, key: str, drop: str = "") -> str:
    query = request.GET.copy()
    query.pop(PLACE_TEXT_PARAMETER, None)
    if drop:
        query.pop(drop, None)
    query.pop("page", None)
    query["lieu"] = key
    return f"{reverse('poles:list')}?{query.urlencode()}"


def _place_context(filterset: PoleFilter, total: int, page) -> dict:
    """For a chosen place: the poles located there (the list), those of its department when
    none is, and the nearest others with their distances (with the other filters); the map
    opens on the place and all of these."""
    place = filterset.active_values.get("lieu") if filterset.is_bound else None
    if place is None:
        return {"place": None}
    others = filterset.filtered_without("lieu", Pole.objects.published())
    acting = filterset.form.cleaned_data.get("portee") == PlaceScope.ACTING
    context = {
        "place": place,
        "nearest": [],
        "department_poles": [],
        "department_total": 0,
        "acting": acting,
        "show_distance": not place.is_territory and not acting,
    }
    if acting:
        return context  # where poles act: distances would say nothing about it
    if total == 0 and place.department_code and not place.is_department:
        in_department = others.in_territory(PlaceKind.DEPARTMENT, place.department_code)
        context["department_poles"] = list(in_department.order_by("name")[:DEPARTMENT_POLES])
        context["department_total"] = (
            len(context["department_poles"])
            if len(context["department_poles"]) < DEPARTMENT_POLES
            else in_department.count()
        )
        context["department_url"] = (
            f"{reverse('poles:list')}?{PlaceKind.DEPARTMENT.value}={place.department_code}"
        )
    if place.has_point and place.is_territory:
        context["nearest"] = poles_nearest(
            latitude=place.latitude,
            longitude=place.longitude,
            # Neither the poles of the place nor those of its department, listed already.
            poles=others.exclude(
                pk__in=place_poles(place=place, poles=others).values("pk")
            ).exclude(pk__in=[p.pk for p in context["department_poles"]]),
        )
    if place.has_point:
        shown = [*page, *context["nearest"], *context["department_poles"]]
        points = [(place.latitude, place.longitude)] + [
            (float(p.latitude), float(p.longitude)) for p in shown if p.latitude is not None
        ]
        context["place_bounds"] = ",".join(
            str(value)
            for value in (min(p[0] for p in points), min(p[1] for p in points),
                          max(p[0] for p in points), max(p[1] for p in points))
        )  # fmt: skip
    return context


@read_only
def place_suggestions(request: HttpRequest) -> JsonResponse:
    """Places for the "Où ?" combobox, as one types."""
    text = request.GET.get("q", "")[:100]
    places = place_search(text=text, limit=8) if len(text.strip()) >= 2 else []
    response = JsonResponse({"places": [place.as_json() for place in places]})
    response["Cache-Control"] = "public, max-age=3600"
    return response


@read_only
def pole_map_data(request: HttpRequest) -> HttpResponse:
    filterset = pole_filter_published(data=request.GET)

    def build() -> bytes:
        collection = {
            "type": "FeatureCollection",
            "features": pole_map_features(poles=filterset.qs),
        }
        return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()

    body = cached_body(namespace="map", selection=filterset.selection(), build=build, gzipped=True)
    return body_response(request, body, content_type="application/geo+json")


@read_only
def region_list(request: HttpRequest) -> HttpResponse:
    return render(request, "poles/region_list.html", {"regions": region_list_with_counts()})


@read_only
def region_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_object_or_404(Region, slug=slug)
    departments = region.departments.annotate(
        pole_count=Count("poles", filter=Q(poles__is_published=True))
    ).order_by("code")
    selection = {PlaceKind.REGION.value: [region.code]}
    return _territory_page(request, region, selection, departments=departments)


@read_only
def department_detail(request: HttpRequest, slug: str) -> HttpResponse:
    department = get_object_or_404(Department.objects.select_related("region"), slug=slug)
    return _territory_page(request, department, {PlaceKind.DEPARTMENT.value: [department.code]})


def _selection_context(request: HttpRequest, filterset: PoleFilter) -> dict:
    """A selection's page of poles, its counts and what its map needs (list, territory,
    charter)."""
    summary = directory_summary(filterset=filterset)
    page, page_links = _page(request, filterset, summary["total"])
    return {
        "page": page,
        "page_links": page_links,
        "total": summary["total"],
        "unlocated_count": summary["unlocated"],
        "facets": summary["facets"],
        "map_bounds": summary["bounds"],
        "selection": filterset.selection(),
        "theme_labels": theme_labels(),
    }


def _fixed_filter(filters: dict[str, list[str]]) -> PoleFilter:
    """The directory's filter for a fixed selection (a territory, the charter's signatories)."""
    data = QueryDict(mutable=True)
    for key, values in filters.items():
        data.setlist(key, values)
    return pole_filter_published(data=data)


def _fixed_selection(request: HttpRequest, filters: dict[str, list[str]]) -> dict:
    """A page of the directory for a fixed selection (a territory, the charter's signatories)."""
    context = _selection_context(request, _fixed_filter(filters))
    context["page_base"] = ""  # the page's own address holds the selection
    return context


def _territory_page(request, territory, filters: dict, departments=None) -> HttpResponse:
    """A region or department: the directory's list and map for that one territory."""

    def build() -> HttpResponse:
        context = _fixed_selection(request, filters)
        response = render(
            request,
            "poles/territory_detail.html",
            {**context, "territory": territory, "departments": departments,
             **_territory_figures(filters, departments is not None)},
        )  # fmt: skip
        return _kept_if_asked(request, response, context["page"])

    key = page_key(request, territory.slug, str(_page_number(request)))
    return cached_page(request, namespace="territory", key=key, render=build)


# The figures a territory's page shows, beside France's (all of them: /chiffres/?<selection>).
TERRITORY_FIGURES = ("annees", "impulsion", "dynamique", "thematique", "reconnaissance",
                     "charte", "stade", "membres")  # fmt: skip


def _territory_figures(filters: dict, is_region: bool) -> dict:
    kinds = (("departements",) if is_region else ()) + TERRITORY_FIGURES
    found = figures_of(filterset=_fixed_filter(filters), kinds=kinds)
    france = figures_of(filterset=pole_filter_published(data=None), kinds=kinds)
    return {
        "figures": found,
        # Without the shaded maps: the territory is on the page's own map (and a page of 100
        # outlines is heavy on a phone); /chiffres/?<selection> has them.
        "figure_blocks": blocks(found, france, maps=False),
        "france_figures": france,
        "version": directory_version(),
        **map_context(),
    }


EMBED_LIST_LENGTH = 100


@read_only
def embed_builder(request: HttpRequest) -> HttpResponse:
    """ "Intégrer la carte": pick filters and a height, see the map, copy the <iframe>."""
    form = EmbedForm(request.GET or None)
    selection = form.selection()
    embed_path = reverse("poles:map_embed") + (f"?{selection}" if selection else "")
    context = {
        "form": form,
        "embed_path": embed_path,
        "embed_url": absolute_url(embed_path),
        "height": form.height(),
    }
    return render(request, "poles/embed_builder.html", context)


@read_only
@xframe_options_exempt
def map_embed(request: HttpRequest) -> HttpResponse:
    """The map and list of a selection, made to be framed by other sites (no site header)."""
    filterset = pole_filter_published(data=request.GET)

    def build() -> HttpResponse:
        summary = directory_summary(filterset=filterset)
        selection = filterset.selection()
        context = {
            "total": summary["total"],
            "unlocated_count": summary["unlocated"],
            "map_bounds": summary["bounds"],
            "selection": selection,
            "poles": filterset.qs[:EMBED_LIST_LENGTH],
            "more": max(summary["total"] - EMBED_LIST_LENGTH, 0),
            "invalid_parameters": _invalid_parameters(filterset),
            "directory_url": absolute_url(reverse("poles:list"))
            + (f"?{selection}" if selection else ""),
            "theme_labels": theme_labels(),
        }
        return render(request, "poles/map_embed.html", context)

    if filterset.is_bound and not filterset.is_valid():
        response = build()
    else:
        key = page_key(request, filterset.selection())
        response = cached_page(request, namespace="embed", key=key, render=build)
    response.csp_frame_ancestors = "*"  # the one route any site may frame
    response.xframe_options_exempt = True
    return response


@read_only
def charter(request: HttpRequest) -> HttpResponse:
    """The charter of the PTCE of the Labo de l'ESS, and the poles known to have signed it."""

    def build() -> HttpResponse:
        context = _fixed_selection(request, {"charte": [CharterStatus.YES]})
        response = render(
            request,
            "poles/charter.html",
            {
                **context,
                "principles": Principle.objects.all(),
                "unknown_count": context["facets"]["charte"].get(CharterStatus.UNKNOWN, 0),
            },
        )
        return _kept_if_asked(request, response, context["page"])

    key = page_key(request, str(_page_number(request)))
    return cached_page(request, namespace="charter", key=key, render=build)
