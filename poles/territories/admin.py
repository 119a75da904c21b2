"""The official places in the admin: visible to editors, changed only by migrations and
`manage.py load_communes`."""

from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest

from poles.admin_mixins import ReadOnlyReferenceAdmin
from poles.territories.models import Commune, Department, Epci, Region, search_key


@admin.register(Region)
class RegionAdmin(ReadOnlyReferenceAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyReferenceAdmin):
    list_display = ["name", "code", "department", "postcodes", "epci"]
    list_select_related = ["department", "epci"]
    search_fields = ["search_name", "code", "postcodes"]
    list_per_page = 50

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the official list, loaded by manage.py load_communes

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term.isdigit():
            return queryset.filter(Q(code__startswith=term) | Q(postcodes__contains=term)), False
        return queryset.filter(search_name__startswith=search_key(term)), False


@admin.register(Epci)
class EpciAdmin(ReadOnlyReferenceAdmin):
    list_display = ["name", "siren", "kind"]
    search_fields = ["search_name", "siren"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        return queryset.filter(
            Q(search_name__contains=search_key(search_term)) | Q(siren=search_term.strip())
        ), False


@admin.register(Department)
class DepartmentAdmin(ReadOnlyReferenceAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
