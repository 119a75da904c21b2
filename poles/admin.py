from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBadRequest
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from poles.db_functions import folded_contains
from poles.forms import PoleAdminForm
from poles.models import (
    VERIFICATION_MONTHS,
    Approach,
    Commune,
    Department,
    Epci,
    Member,
    Membership,
    Pole,
    Principle,
    Region,
    StateCall,
    Theme,
)

# Editors typing "ecossolies.fr" mean https (see poles.forms.https_formfield).
URL_FIELD_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


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


class VerificationFilter(admin.SimpleListFilter):
    title = "vérification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [
            ("a-verifier", f"à vérifier (jamais, ou pas depuis {VERIFICATION_MONTHS} mois)"),
            ("jamais", "jamais vérifiée"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "a-verifier":
            return queryset.to_verify()
        if self.value() == "jamais":
            return queryset.filter(last_verified__isnull=True)
        return queryset


class MembershipInline(admin.StackedInline):
    # Stacked rather than tabular: every field keeps its own label (RGAA).
    model = Membership
    extra = 1
    autocomplete_fields = ["member"]
    fields = ["member", "role", "since_year"]
    verbose_name = "membre"
    verbose_name_plural = "membres du pôle"


@admin.register(Pole)
class PoleAdmin(HardenedAdminMixin, SimpleHistoryAdmin):
    form = PoleAdminForm
    inlines = [MembershipInline]
    list_display = [
        "name",
        "short_name",
        "department",
        "region",
        "stage",
        "charter_status",
        "location_precision",
        "member_count",
        "is_published",
        "last_verified",
        "updated_at",
    ]
    list_display_links = ["name"]
    list_filter = [
        VerificationFilter,
        "is_published",
        ("region", admin.RelatedOnlyFieldListFilter),
        ("department", admin.RelatedOnlyFieldListFilter),
        "approaches",
        "has_common_place",
        "themes",
        "stage",
        "charter_status",
        "recognitions",
        "location_precision",
    ]
    list_select_related = ["department", "region"]
    list_per_page = 50
    search_fields = ["name"]  # shows the search box; matching is done by PoleQuerySet.search
    search_help_text = "Nom, sigle, structure porteuse, commune ou membre ; accents ignorés."
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish", "unpublish", "mark_verified"]
    fieldsets = [
        ("Identité", {"fields": ["name", "slug", "short_name", "is_published"]}),
        ("Présentation", {"fields": ["summary", "description", "sector"]}),
        ("Structure porteuse", {"fields": ["carrier_name", "carrier_siren"]}),
        (
            "Territoire",
            {
                "fields": [
                    "commune",
                    "commune_insee",
                    "department",
                    "region",
                    "action_regions",
                    "action_departments",
                    "action_epcis",
                    "action_communes",
                ],
                "description": (
                    "Avec un code INSEE de la liste officielle, la commune et le département "
                    "en découlent ; la région suit le département. Le territoire d'action "
                    "(où le pôle agit) se déclare à part, quand les sources le disent."
                ),
            },
        ),
        (
            "Localisation sur la carte",
            {
                "fields": ["latitude", "longitude", "location_precision"],
                "description": (
                    "Coordonnées WGS84 en degrés décimaux, en France (outre-mer compris)."
                ),
            },
        ),
        (
            "Approches et principes",
            {
                "fields": [
                    "approaches",
                    "impulse_note",
                    "economic_dynamic_note",
                    "has_common_place",
                    "principles",
                    "themes",
                ],
            },
        ),
        (
            "Stade et reconnaissance",
            {
                "fields": [
                    "year_created",
                    "stage",
                    "charter_status",
                    "charter_year",
                    "charter_proof",
                    "recognitions",
                ],
            },
        ),
        ("Contact", {"fields": ["website", "contact_email"]}),
        ("Sources et suivi", {"fields": ["sources", "last_verified", "created_at", "updated_at"]}),
    ]
    formfield_overrides = {
        **URL_FIELD_OVERRIDES,
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    autocomplete_fields = [
        "action_regions",
        "action_departments",
        "action_epcis",
        "action_communes",
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # 35,000 communes: a search as one types, not checkboxes.
        if db_field.name in self.autocomplete_fields:
            kwargs.pop("widget", None)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    object_history_template = "admin/poles/pole/object_history.html"

    class Media:
        js = ["js/admin_autocomplete_labels.js"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Pole]:
        return (
            super()
            .get_queryset(request)
            .annotate(_member_count=Count("memberships"))
            .order_by("name")
        )

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False

    @admin.display(description="membres", ordering="_member_count")
    def member_count(self, pole: Pole) -> int:
        return pole._member_count

    def _set_published(self, request: HttpRequest, queryset: QuerySet[Pole], value: bool) -> int:
        changed = 0
        # save() one by one so that each change lands in the pole's history.
        for pole in queryset.filter(is_published=not value):
            pole.is_published = value
            pole._change_reason = "publication" if value else "dépublication"
            pole.save(update_fields=["is_published", "updated_at"])
            changed += 1
        return changed

    @admin.action(description="Publier les pôles sélectionnés", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Pole]) -> None:
        count = self._set_published(request, queryset, True)
        self.message_user(request, f"{count} pôle(s) publié(s).", messages.SUCCESS)

    @admin.action(description="Marquer comme vérifiées aujourd'hui", permissions=["change"])
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Pole]) -> None:
        today = timezone.localdate()
        count = 0
        for pole in queryset:  # one by one: each verification lands in the pole's history
            pole.last_verified = today
            pole._change_reason = "vérification"
            pole.save(update_fields=["last_verified", "updated_at"])
            count += 1
        self.message_user(request, f"{count} fiche(s) marquée(s) comme vérifiée(s).")

    @admin.action(description="Dépublier les pôles sélectionnés", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Pole]) -> None:
        count = self._set_published(request, queryset, False)
        self.message_user(request, f"{count} pôle(s) dépublié(s).", messages.SUCCESS)

    def history_view(self, request, object_id, extra_context=None):
        # Membership changes are recorded on their own table: show them with the pole's history.
        pole = self.get_object(request, unquote(object_id))
        if pole is None:  # not a pole: the admin says so
            return super().history_view(request, object_id, extra_context=extra_context)
        membership_history = (
            Membership.history.filter(pole_id=pole.pk)
            .select_related("history_user", "member")
            .order_by("-history_date")
        )
        extra_context = {**(extra_context or {}), "membership_history": membership_history}
        return super().history_view(request, object_id, extra_context=extra_context)


@admin.register(Member)
class MemberAdmin(HardenedAdminMixin, AccentInsensitiveSearchMixin, SimpleHistoryAdmin):
    list_display = ["name", "category", "commune", "pole_count"]
    list_filter = ["category"]
    search_fields = ["name"]
    folded_search_fields = ("name", "commune")
    search_help_text = "Nom ou commune ; accents ignorés."
    fields = ["name", "category", "siret", "website", "commune"]
    formfield_overrides = URL_FIELD_OVERRIDES
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Member]:
        return (
            super()
            .get_queryset(request)
            .annotate(_pole_count=Count("memberships"))
            .order_by("name")
        )

    @admin.display(description="pôles", ordering="_pole_count")
    def pole_count(self, member: Member) -> int:
        return member._pole_count


@admin.register(Theme)
class ThemeAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["label", "code"]
    search_fields = ["label", "code"]
    prepopulated_fields = {"code": ["label"]}


class ReadOnlyReferenceAdmin(HardenedAdminMixin, admin.ModelAdmin):
    """Reference data kept by migrations: visible to editors, changed only through code."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Approach)
class ApproachAdmin(ReadOnlyReferenceAdmin):
    list_display = ["label", "axis", "code"]
    list_filter = ["axis"]


@admin.register(Principle)
class PrincipleAdmin(ReadOnlyReferenceAdmin):
    list_display = ["label", "code"]


@admin.register(StateCall)
class StateCallAdmin(ReadOnlyReferenceAdmin):
    list_display = ["label", "programme", "year", "phase", "code"]


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
        from poles.territories.models import search_key

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
        from poles.territories.models import search_key

        return queryset.filter(
            Q(search_name__contains=search_key(search_term)) | Q(siren=search_term.strip())
        ), False


@admin.register(Department)
class DepartmentAdmin(ReadOnlyReferenceAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


# The admin of the app's sub-packages (moderation of proposals).
from poles.contributions import admin as contributions_admin  # noqa: E402, F401
