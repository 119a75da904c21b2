"""Thin read views: PoleFilter for the selection, the export rows for the records."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import etag
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from poles.api.serializers import (
    ApproachSerializer,
    ErrorSerializer,
    PoleSerializer,
    RegionSerializer,
    StateCallSerializer,
    ThemeSerializer,
    typed_record,
)
from poles.caching import address_etag
from poles.exports import pole_export_rows
from poles.filters import PoleFilter
from poles.models import Approach, Pole, StateCall, Theme
from poles.selectors import pole_list_published
from poles.territories.models import Department, Region

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Paramètre invalide"),
    429: OpenApiResponse(ErrorSerializer, description="Trop de requêtes (voir Retry-After)"),
}


class PolePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "par_page"
    max_page_size = 500


def _records(request: HttpRequest, poles: list[Pole]) -> list[dict]:
    """The schema records of these poles, in their order."""
    base_url = settings.PTCE_SITE_URL
    rows = pole_export_rows(poles=Pole.objects.filter(pk__in=[p.pk for p in poles]),
                            base_url=base_url)  # fmt: skip
    by_slug = {row["identifiant"]: row for row in rows}
    return [typed_record(by_slug[pole.slug]) for pole in poles]


@method_decorator(etag(address_etag), name="get")
class PoleListView(generics.GenericAPIView):
    """Les pôles publiés, filtrés avec les mêmes paramètres que l'annuaire, par pages."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = PoleFilter
    pagination_class = PolePagination
    serializer_class = PoleSerializer

    def get_queryset(self):
        return pole_list_published()

    @extend_schema(operation_id="poles_list", responses={200: PoleSerializer(many=True), **ERRORS})
    def get(self, request):
        poles = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(
            poles.select_related(None).prefetch_related(None).only("pk", "slug")
        )
        return self.get_paginated_response(PoleSerializer(_records(request, page), many=True).data)


@method_decorator(etag(address_etag), name="get")
class PoleDetailView(generics.GenericAPIView):
    """Un pôle publié, par son identifiant (celui de son adresse dans l'annuaire)."""

    serializer_class = PoleSerializer

    @extend_schema(responses={200: PoleSerializer, 404: ErrorSerializer, 429: ERRORS[429]})
    def get(self, request, slug: str):
        pole = Pole.objects.published().filter(slug=slug).only("pk", "slug").first()
        if pole is None:
            raise NotFound(_("Aucun pôle publié n'a cet identifiant."))
        return Response(PoleSerializer(_records(request, [pole])[0]).data)


def _reference(name: str, queryset, serializer, doc: str):
    """A reference list, whole (a few dozen entries): no pagination."""

    @extend_schema(responses={200: serializer(many=True), 429: ERRORS[429]})
    def get(self, request, *args, **kwargs):
        return generics.ListAPIView.get(self, request, *args, **kwargs)

    attributes = {"__doc__": doc, "serializer_class": serializer, "queryset": queryset,
                  "pagination_class": None, "get": get}  # fmt: skip
    return method_decorator(etag(address_etag), name="get")(
        type(name, (generics.ListAPIView,), attributes)
    )


ApproachListView = _reference(
    "ApproachListView", Approach.objects.all(), ApproachSerializer,
    "Les approches des PTCE (codes des paramètres impulsion et dynamique).",
)  # fmt: skip
ThemeListView = _reference(
    "ThemeListView", Theme.objects.all(), ThemeSerializer,
    "Les thématiques (codes du paramètre thematique).",
)  # fmt: skip
TerritoryListView = _reference(
    "TerritoryListView",
    Region.objects.prefetch_related(Prefetch("departments", Department.objects.order_by("code"))),
    RegionSerializer,
    "Les régions et leurs départements (codes INSEE des paramètres region et departement).",
)  # fmt: skip
StateCallListView = _reference(
    "StateCallListView", StateCall.objects.all(), StateCallSerializer,
    "Les appels à projets de l'État qui ont reconnu des PTCE (paramètre reconnaissance).",
)  # fmt: skip


def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    return JsonResponse({"detail": _("Cette adresse de l'API n'existe pas.")}, status=404)
