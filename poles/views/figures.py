"""Les PTCE en chiffres: the figures of a selection (/chiffres/?<the directory's parameters>)
and each figure as CSV. Thin: poles.figures computes, poles.charts draws."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from poles.caching import cached_page, directory_version, page_key
from poles.charts import blocks, map_context
from poles.figures import PRECISE, figures_of
from poles.security import read_only
from poles.selectors import pole_filter_published
from poles.site import absolute_url


@read_only
def figures(request: HttpRequest) -> HttpResponse:
    filterset = pole_filter_published(data=request.GET)

    def build() -> HttpResponse:
        found = figures_of(filterset=filterset)
        selection = found.selection
        context = {
            "figures": found,
            "blocks": blocks(found),
            "version": directory_version(),
            **map_context(),
            "selection": selection,
            "chips": filterset.chips(),
            "precise_query": "&".join(
                filter(None, [selection, *(f"localisation={value}" for value in PRECISE)])
            ),
            "verified_query": "&".join(filter(None, [selection, "verifiee=oui"])),
            "invalid": filterset.is_bound and not filterset.is_valid(),
        }
        return render(request, "poles/figures.html", context)

    if filterset.is_bound and not filterset.is_valid():
        return build()  # it names what was refused: not kept
    return cached_page(
        request, namespace="figures", key=page_key(request, filterset.selection()), render=build
    )


@read_only
def figure_csv(request: HttpRequest, name: str) -> HttpResponse:
    """One figure's table as CSV: the same numbers as the page, with each row's list."""
    filterset = pole_filter_published(data=request.GET)
    found = figures_of(filterset=filterset)
    figure = found.get(name)
    if figure is None:
        raise Http404(_("Ce chiffre n'existe pas."))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "libelle", "poles", "part_pourcent",
                     *(key for key, _header in figure.columns), "liste"])  # fmt: skip
    list_url = absolute_url("/")
    for row in figure.rows:
        writer.writerow([
            row.value, row.label, row.count, found.share(row.count) if found.total else "",
            *("" if row.extra.get(key) is None else row.extra[key]
              for key, _header in figure.columns),
            f"{list_url}?{row.query}" if row.query is not None else "",
        ])  # fmt: skip
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    version = directory_version()
    response["Content-Disposition"] = (
        f'attachment; filename="ptce-chiffres-{name}-v{version.number}.csv"'
    )
    return response
