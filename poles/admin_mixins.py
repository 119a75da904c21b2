"""What every admin page of the app shares, in a module of its own so that the admin of each
part (poles, territories, contributions) builds on it without importing one another."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponseBadRequest

from poles.coordination.services import referent_regions
from poles.db_functions import folded_contains


class HardenedAdminMixin:
    """What a staff member's typing or a crafted link can send stays a 4xx, never a 500.

    NUL bytes are refused for every view by poles.security.RequestSanityMiddleware; here, the
    admin's own openings: regular-expression lookups in the query string (PostgreSQL refuses an
    invalid pattern with an error) and action selections that are not primary keys.
    """

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.rsplit("__", 1)[-1] in ("regex", "iregex"):
            return False  # DisallowedModelAdminLookup: a 400
        return super().lookup_allowed(lookup, value, request)

    def response_action(self, request, queryset):
        pk = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                pk.to_python(value)
        except ValidationError:
            return HttpResponseBadRequest("Sélection invalide : ces éléments n'existent pas.")
        return super().response_action(request, queryset)

    def _is_key(self, model, value: str) -> bool:
        try:
            model._meta.pk.to_python(unquote(value))
        except ValidationError:
            return False
        return True

    # django-simple-history filters by the raw ids: anything but a key would reach the query.

    def history_view(self, request, object_id, extra_context=None):
        if not self._is_key(self.model, object_id):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history = getattr(self.model, "history", None)
        if not self._is_key(self.model, object_id) or (
            history is not None and not self._is_key(history.model, version_id)
        ):
            raise Http404("Cette version n'existe pas.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class AccentInsensitiveSearchMixin:
    """Admin search that ignores accents and case ("ecopole" finds "Écopôle")."""

    folded_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        matches = folded_contains(search_term, self.folded_search_fields)
        return (queryset if matches is None else queryset.filter(matches)), False


class ReadOnlyReferenceAdmin(HardenedAdminMixin, admin.ModelAdmin):
    """Reference data kept by migrations: visible to editors, changed only through code."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class RegionScopedMixin:
    """What a regional referent sees and decides: its regions only. Out of them, nothing is
    listed, and an address of one gives a 403; editors and administrators see all."""

    def region_scope(self, regions: list[int]) -> Q:
        raise NotImplementedError

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        regions = referent_regions(request.user)
        return queryset if regions is None else queryset.filter(self.region_scope(regions))

    def get_object(self, request, object_id, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None and referent_regions(request.user) is not None:
            field = (
                self.model._meta.pk
                if from_field is None
                else self.model._meta.get_field(from_field)
            )
            try:
                key = field.to_python(unquote(object_id))
            except ValidationError:
                return None
            if self.model._default_manager.filter(**{field.name: key}).exists():
                raise PermissionDenied
        return found
