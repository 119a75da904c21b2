"""The open data: its page, the API's documentation, the data schema and the exports of a
selection (CSV, GeoJSON)."""

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from poles.caching import cached_body, set_validators
from poles.exports import (
    LICENCE,
    LICENCE_URL,
    pole_export_rows,
    rows_to_csv,
    rows_to_geojson,
)
from poles.filters import (
    FacetFilter,
    PoleFilter,
)
from poles.forms import CsvFileForm
from poles.imports import MAX_REPORTED_ERRORS, PoleImportError, poles_import_csv, upload_as_path
from poles.models import (
    Pole,
)
from poles.schema import SCHEMA_PATH, schema_fields
from poles.security import client_ip, over_limit, read_only, too_many
from poles.selectors import (
    directory_last_updated,
    pole_filter_published,
)
from poles.site import absolute_url


@read_only
def open_data(request: HttpRequest) -> HttpResponse:
    filterset = pole_filter_published(data=request.GET)
    context = {
        "fields": schema_fields(),
        "schema_url": reverse("poles:data_schema"),
        "last_updated": directory_last_updated(),
        "selection": filterset.selection(),
        "selection_count": filterset.qs.count() if filterset.active_values else None,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
    }
    return render(request, "poles/open_data.html", context)


@read_only
def api_documentation(request: HttpRequest) -> HttpResponse:
    """The API's documentation in French: its parameters are the PoleFilter's own."""
    filters = [
        {"name": name, "label": f.label, "help": f.extra.get("help_text", ""),
         "several": isinstance(f, FacetFilter), "choices": _choice_codes(f)}
        for name, f in PoleFilter.base_filters.items()
    ]  # fmt: skip
    context = {
        "filters": filters,
        "rate": _rate_text(settings.PTCE_API_RATE),
        "example_slug": Pole.objects.published().values_list("slug", flat=True).first() or "",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
    }
    return render(request, "poles/api_documentation.html", context)


def _rate_text(rate: str) -> str:
    """ "120/minute" (Django REST framework's notation) in words."""
    number, period = rate.split("/")
    per = {"s": _("par seconde"), "m": _("par minute"), "h": _("par heure"), "d": _("par jour")}
    return _("%(number)s requêtes %(period)s") % {"number": number, "period": per[period[0]]}


def _choice_codes(filter_) -> str:
    """The codes a filter takes, when they are few (the long lists have a reference endpoint)."""
    choices = filter_.extra.get("choices")
    if not choices or callable(choices) or len(choices) > 8:
        return ""
    return ", ".join(str(code) for code, _label in choices)


@read_only
def data_schema(request: HttpRequest) -> FileResponse:
    """The Table Schema of the data, as it is in the repository."""
    response = FileResponse(SCHEMA_PATH.open("rb"), content_type="application/schema+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _export_response(request: HttpRequest, *, extension: str, content_type: str, render_rows):
    """An export of the filtered poles, built once per selection and version of the directory.

    `render_rows(rows)` turns pole_export_rows into the file's bytes.
    """
    filterset = pole_filter_published(data=request.GET)
    base_url = settings.PTCE_SITE_URL

    def build() -> bytes:
        return render_rows(pole_export_rows(poles=filterset.qs, base_url=base_url))

    # The site's address is part of the rows (the poles' addresses).
    selection = f"{base_url}?{filterset.selection()}"
    body = cached_body(namespace=f"export-{extension}", selection=selection, build=build)
    response = HttpResponse(body.raw, content_type=content_type)
    filename = f"annuaire-ptce-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    set_validators(response, body)
    return response


@read_only
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export_response(
        request, extension="csv", content_type="text/csv; charset=utf-8", render_rows=rows_to_csv
    )


@read_only
def export_geojson(request: HttpRequest) -> HttpResponse:
    def render_rows(rows: list[dict]) -> bytes:
        return rows_to_geojson(
            rows,
            documentation_url=absolute_url(reverse("poles:open_data")),
            schema_url=absolute_url(reverse("poles:data_schema")),
        )

    return _export_response(
        request,
        extension="geojson",
        content_type="application/geo+json; charset=utf-8",
        render_rows=render_rows,
    )


VALIDATIONS_PER_HOUR = 30


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def data_validate(request: HttpRequest) -> HttpResponse:
    """A partner checks a CSV against the published schema and the reference data: every
    problem by line (the header is line 1) and field. Nothing is stored: the import runs as a
    dry run, in a transaction rolled back."""
    form = CsvFileForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "max_mb": form.max_mb}
    if request.method == "POST" and form.is_valid():
        if over_limit(scope="validate", key=client_ip(request), limit=VALIDATIONS_PER_HOUR):
            return too_many(request)
        with upload_as_path(form.cleaned_data["fichier"]) as path:
            try:
                report = poles_import_csv(path=path, dry_run=True)
            except PoleImportError as refused:
                context["problems"] = refused.errors
                context["truncated"] = len(refused.errors) >= MAX_REPORTED_ERRORS
            else:
                context["report"] = report
    return render(request, "poles/data_validate.html", context)
