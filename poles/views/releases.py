"""Dated releases of the open data: their list, each release's page (what changed, how to cite
it), its frozen files, a pole's record as it was in it, and an Atom feed of releases."""

from __future__ import annotations

import gzip

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from poles.releases.models import Release
from poles.releases.services import records
from poles.schema import schema_fields
from poles.security import read_only
from poles.site import absolute_url


@read_only
def release_list(request: HttpRequest) -> HttpResponse:
    releases = Release.objects.defer("csv_gz", "geojson_gz", "records_gz", "schema")
    return render(request, "poles/release_list.html", {"releases": releases})


def _field_titles() -> dict[str, str]:
    """Each field of the data schema by its title ("resume" → "Résumé")."""
    return {field.name: field.title for field in schema_fields()}


def _release(slug: str) -> Release:
    return get_object_or_404(Release.objects.defer("csv_gz", "geojson_gz", "schema"), slug=slug)


@read_only
def release_detail(request: HttpRequest, slug: str) -> HttpResponse:
    release = _release(slug)
    return render(request, "poles/release_detail.html", {
        "release": release,
        "address": absolute_url(release.get_absolute_url()),
        "labels": _field_titles(),
    })  # fmt: skip


def _file(release: Release, column: str, content_type: str, name: str) -> HttpResponse:
    body = gzip.decompress(bytes(getattr(release, column)))
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="annuaire-ptce-{release.slug}.{name}"'
    return _frozen(response)


def _frozen(response: HttpResponse) -> HttpResponse:
    """A release's file: it never changes, and any site may read it."""
    response["Cache-Control"] = "public, max-age=86400, immutable"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@read_only
def release_csv(request: HttpRequest, slug: str) -> HttpResponse:
    release = get_object_or_404(Release.objects.only("slug", "csv_gz"), slug=slug)
    return _file(release, "csv_gz", "text/csv; charset=utf-8", "csv")


@read_only
def release_geojson(request: HttpRequest, slug: str) -> HttpResponse:
    release = get_object_or_404(Release.objects.only("slug", "geojson_gz"), slug=slug)
    return _file(release, "geojson_gz", "application/geo+json; charset=utf-8", "geojson")


@read_only
def release_schema(request: HttpRequest, slug: str) -> HttpResponse:
    release = get_object_or_404(Release.objects.only("slug", "schema"), slug=slug)
    return _frozen(HttpResponse(release.schema, content_type="application/schema+json"))


@read_only
def release_record(request: HttpRequest, slug: str, identifier: str) -> HttpResponse:
    """A pole's record as it was in a release: the dated page of a pole since withdrawn."""
    release = _release(slug)
    record = records(release).get(identifier)
    if record is None:
        raise Http404(_("Ce pôle n'est pas dans cette version des données."))
    labels = _field_titles()
    return render(request, "poles/release_record.html", {
        "release": release,
        "record": [(labels.get(name, name), value) for name, value in record.items()],
        "name": record.get("nom", identifier),
    })  # fmt: skip


class ReleasesFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Versions des données — Annuaire des PTCE")
    subtitle = gettext_lazy("Chaque version publiée des données ouvertes de l'annuaire.")

    def link(self) -> str:
        return absolute_url("/donnees/versions/")

    def items(self):
        return Release.objects.defer("csv_gz", "geojson_gz", "records_gz", "schema")[:50]

    def item_title(self, release: Release) -> str:
        return _("Version %(slug)s : %(count)d pôles") % {
            "slug": release.slug, "count": release.pole_count}  # fmt: skip

    def item_description(self, release: Release) -> str:
        return _("%(added)d ajoutés, %(stopped)d retirés, %(changed)d modifiés.") % {
            "added": len(release.added), "stopped": len(release.stopped),
            "changed": len(release.changed)}  # fmt: skip

    def item_link(self, release: Release) -> str:
        return absolute_url(release.get_absolute_url())

    def item_pubdate(self, release: Release):
        return release.published_at
