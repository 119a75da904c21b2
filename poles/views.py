import csv
import io
import json

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from poles.caching import cached_body, cached_value
from poles.filters import FACETS
from poles.maps import map_config
from poles.models import (
    Approach,
    ApproachAxis,
    Department,
    MemberCategory,
    Principle,
    Region,
    Theme,
)
from poles.selectors import (
    EXPORT_COLUMNS,
    directory_last_updated,
    pole_export_rows,
    pole_facet_counts,
    pole_filter_published,
    pole_get_published,
    pole_map_features,
    pole_nearby,
    region_list_with_counts,
)

PAGE_SIZE = 20
# Parameters that belong to the page, not to the search: the FilterSet ignores them.
VIEW_PARAMETERS = ("page", "vue", "pole")
FRAGMENT_HEADER = "X-Requested-With"
LICENCE = "Licence Ouverte 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def _filter_options(filterset, facets: dict[str, dict[str, int]]) -> list[dict]:
    """Filter panel data: each filter's options with their counts and checked state."""
    regions = set(filterset.active_values.get("region", []))
    # Department choices follow the chosen regions (a department already chosen stays shown).
    shown_departments = _departments_of(regions) if regions else None
    panel = []
    for name in FACETS:
        field = filterset.form.fields[name]
        selected = set(filterset.data.getlist(name)) if filterset.is_bound else set()
        options = []
        for value, label in field.choices:
            if (
                name == "departement"
                and shown_departments is not None
                and value not in shown_departments | selected
            ):
                continue
            options.append(
                {
                    "value": value,
                    "label": label,
                    "count": facets[name].get(value, 0),
                    "checked": value in selected,
                }
            )
        panel.append({"name": name, "label": field.label, "options": options})
    return panel


def _departments_of(region_codes: set[str]) -> set[str]:
    return set(
        Department.objects.filter(region__code__in=region_codes).values_list("code", flat=True)
    )


def _invalid_parameters(filterset) -> list[str]:
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


def _without_view_parameters(query) -> str:
    query = query.copy()
    for name in VIEW_PARAMETERS:
        query.pop(name, None)
    return query.urlencode()


@require_safe
@vary_on_headers(FRAGMENT_HEADER)
def pole_list(request: HttpRequest) -> HttpResponse:
    filterset = pole_filter_published(data=request.GET)
    poles = filterset.qs

    def summarize() -> dict:
        return {
            "total": poles.count(),
            "unlocated": poles.unlocated().count(),
            "facets": pole_facet_counts(filterset=filterset),
        }

    # Counts over the whole selection are the costly part: computed once per selection and
    # version of the directory. The sort order does not change them.
    selection = _filter_cache_query(request.GET, ignore=("tri",))
    summary = cached_value(namespace="directory", query=selection, build=summarize)
    paginator = Paginator(poles, PAGE_SIZE)
    paginator.count = summary["total"]
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        # A few numbers around the current page, not a thousand links at 20,000 poles.
        "page_links": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "total": summary["total"],
        "unlocated_count": summary["unlocated"],
        "filter_panel": _filter_options(filterset, summary["facets"]),
        "invalid_parameters": _invalid_parameters(filterset),
        "has_filters": bool(filterset.active_values),
        "search": request.GET.get("q", ""),
        "filter_query": _without_view_parameters(request.GET),
        "sort": request.GET.get("tri", "nom"),
        "map_config": map_config(),
        "theme_labels": dict(Theme.objects.values_list("code", "label")),
    }
    if request.headers.get(FRAGMENT_HEADER) == "fetch":
        return render(request, "poles/includes/_directory.html", context)
    return render(request, "poles/pole_list.html", context)


def _filter_cache_query(query, ignore: tuple[str, ...] = ()) -> str:
    """The filter parameters in a canonical order: one cache entry per selection."""
    return "&".join(
        f"{key}={value}"
        for key in sorted(query)
        if key not in VIEW_PARAMETERS and key not in ignore
        for value in sorted(query.getlist(key))
    )


@require_safe
def pole_map_data(request: HttpRequest) -> HttpResponse:
    def build() -> bytes:
        filterset = pole_filter_published(data=request.GET)
        collection = {
            "type": "FeatureCollection",
            "features": pole_map_features(poles=filterset.qs),
        }
        return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()

    body = cached_body(namespace="map", query=_filter_cache_query(request.GET), build=build)
    not_modified = get_conditional_response(
        request, etag=body.etag, last_modified=int(body.last_modified.timestamp())
    )
    if not_modified is not None:
        return not_modified
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(
        body.gzipped if accepts_gzip else body.raw, content_type="application/geo+json"
    )
    if accepts_gzip:
        response["Content-Encoding"] = "gzip"
    response["ETag"] = body.etag
    response["Last-Modified"] = http_date(body.last_modified.timestamp())
    # Browsers revalidate each time (cheap: a 304) so that a change shows at once.
    response["Cache-Control"] = "public, no-cache"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


@require_safe
def pole_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pole = pole_get_published(slug=slug)
    if pole is None:
        raise Http404(_("Aucun pôle publié ne porte cette adresse."))
    memberships_by_category: dict[str, list] = {}
    for membership in pole.memberships.all():
        label = membership.member.get_category_display()
        memberships_by_category.setdefault(label, []).append(membership)
    context = {
        "pole": pole,
        "memberships_by_category": memberships_by_category,
        "nearby": pole_nearby(pole=pole),
        "common_place": Approach.objects.filter(axis=ApproachAxis.COMMON_PLACE).first(),
        "map_config": map_config(),
        "json_ld": _pole_json_ld(request, pole),
    }
    return render(request, "poles/pole_detail.html", context)


def _pole_json_ld(request: HttpRequest, pole) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": pole.name,
        "url": request.build_absolute_uri(pole.get_absolute_url()),
        "description": pole.summary,
        "address": {"@type": "PostalAddress", "addressCountry": "FR"},
    }
    if pole.short_name:
        data["alternateName"] = pole.short_name
    if pole.commune:
        data["address"]["addressLocality"] = pole.commune
    if pole.region:
        data["address"]["addressRegion"] = pole.region.name
    if pole.website:
        data["sameAs"] = [pole.website]
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


@require_safe
def region_list(request: HttpRequest) -> HttpResponse:
    return render(request, "poles/region_list.html", {"regions": region_list_with_counts()})


@require_safe
def region_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_object_or_404(Region, slug=slug)
    departments = region.departments.annotate(
        pole_count=Count("poles", filter=Q(poles__is_published=True))
    ).order_by("code")
    return _territory_page(request, region, {"region": [region.code]}, departments=departments)


@require_safe
def department_detail(request: HttpRequest, slug: str) -> HttpResponse:
    department = get_object_or_404(Department.objects.select_related("region"), slug=slug)
    return _territory_page(request, department, {"departement": [department.code]})


def _territory_page(request, territory, filters: dict, departments=None) -> HttpResponse:
    data = QueryDict(mutable=True)
    for key, values in filters.items():
        data.setlist(key, values)
    filterset = pole_filter_published(data=data)
    poles = list(filterset.qs)
    return render(
        request,
        "poles/territory_detail.html",
        {
            "territory": territory,
            "poles": poles,
            "unlocated_count": sum(1 for p in poles if not p.is_located),
            "departments": departments,
            "query": data.urlencode(),
            "map_config": map_config(),
            "theme_labels": dict(Theme.objects.values_list("code", "label")),
        },
    )


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    approaches = {axis: [] for axis in ApproachAxis}
    for approach in Approach.objects.all():
        approaches[ApproachAxis(approach.axis)].append(approach)
    context = {
        "approaches": [(axis.label, items) for axis, items in approaches.items()],
        "principles": Principle.objects.all(),
        "member_categories": MemberCategory.choices,
        "themes": Theme.objects.all(),
    }
    return render(request, "poles/about.html", context)


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    filterset = pole_filter_published(data=request.GET)
    context = {
        "columns": EXPORT_COLUMNS,
        "last_updated": directory_last_updated(),
        "query": request.GET.urlencode(),
        "selection_count": filterset.qs.count() if filterset.active_values else None,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
    }
    return render(request, "poles/open_data.html", context)


def _export_filename(extension: str) -> str:
    return f"annuaire-ptce-{timezone.localdate().isoformat()}.{extension}"


# Spreadsheets run a cell that starts with these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value) -> str:
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _export_response(request: HttpRequest, *, extension: str, content_type: str, render_rows):
    """An export of the filtered poles, built once per selection and version of the directory.

    `render_rows(rows, request)` turns pole_export_rows into the file's bytes.
    """
    base_url = request.build_absolute_uri("/")[:-1]

    def build() -> bytes:
        poles = pole_filter_published(data=request.GET).qs
        return render_rows(pole_export_rows(poles=poles, base_url=base_url), request)

    query = base_url + "?" + _filter_cache_query(request.GET)
    body = cached_body(namespace=f"export-{extension}", query=query, build=build)
    response = HttpResponse(body.raw, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(extension)}"'
    response["Last-Modified"] = http_date(body.last_modified.timestamp())
    return response


@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export_response(
        request, extension="csv", content_type="text/csv; charset=utf-8", render_rows=_csv_export
    )


@require_safe
def export_geojson(request: HttpRequest) -> HttpResponse:
    return _export_response(
        request,
        extension="geojson",
        content_type="application/geo+json; charset=utf-8",
        render_rows=_geojson_export,
    )


def _csv_export(rows: list[dict], request: HttpRequest) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # so that spreadsheets read UTF-8
    writer = csv.DictWriter(out, fieldnames=[c.name for c in EXPORT_COLUMNS])
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _csv_safe(value) for key, value in row.items()})
    return out.getvalue().encode()


def _geojson_export(rows: list[dict], request: HttpRequest) -> bytes:
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
        "sources": request.build_absolute_uri("/donnees/"),
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, default=str).encode()


@require_safe
def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/legal_notice.html")


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers, 503 otherwise."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure to reach the database means "not ready"
        return HttpResponse("base de données injoignable\n", status=503, content_type="text/plain")
    response = HttpResponse("ok\n", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
