from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from poles.admin_mixins import (
    AccentInsensitiveSearchMixin,
    HardenedAdminMixin,
    ReadOnlyReferenceAdmin,
    RegionScopedMixin,
)

# The admin of the app's parts: Django discovers poles.admin only.
from poles.contributions import admin as contributions_admin  # noqa: F401
from poles.coordination import admin as coordination_admin  # noqa: F401
from poles.coordination.admin import invite_urls
from poles.forms import POLE_FIELDS, URL_FIELD_OVERRIDES, PoleAdminForm
from poles.models import (
    VERIFICATION_MONTHS,
    Approach,
    ChangeSource,
    Member,
    Membership,
    Pole,
    PoleChange,
    Principle,
    StateCall,
    Theme,
)
from poles.outbox import admin as outbox_admin  # noqa: F401
from poles.selectors import pole_fact_labels
from poles.services import (
    RELATIONS,
    MemberEntry,
    PoleConflict,
    pole_create,
    pole_revert,
    pole_update,
    poles_mark_verified,
    poles_set_published,
)
from poles.territories import admin as territories_admin  # noqa: F401


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
class PoleAdmin(RegionScopedMixin, HardenedAdminMixin, admin.ModelAdmin):
    """Every save goes through poles.services: one history entry, the territory rules, and no
    silent undoing of a change made since the form was opened (its `based_on` version)."""

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
        # `based_on` is a hidden input of change_form.html, outside any fieldset (no label).
        ("Enregistrement", {"fields": ["change_reason"]}),
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

    @admin.action(description="Publier les pôles sélectionnés", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Pole]) -> None:
        count = poles_set_published(poles=queryset, published=True, user=request.user)
        self.message_user(request, f"{count} pôle(s) publié(s).", messages.SUCCESS)

    @admin.action(description="Marquer comme vérifiées aujourd'hui", permissions=["change"])
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Pole]) -> None:
        count = poles_mark_verified(poles=queryset, user=request.user, on=timezone.localdate())
        self.message_user(request, f"{count} fiche(s) marquée(s) comme vérifiée(s).")

    @admin.action(description="Dépublier les pôles sélectionnés", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Pole]) -> None:
        count = poles_set_published(poles=queryset, published=False, user=request.user)
        self.message_user(request, f"{count} pôle(s) dépublié(s).", messages.SUCCESS)

    # -- saving through the service ------------------------------------------------------------

    def save_model(self, request, obj, form, change) -> None:
        pass  # written with its relations and members in save_related, in one call

    def save_related(self, request, form, formsets, change) -> None:
        pole: Pole = form.instance
        relations = {name: form.cleaned_data[name] for name in RELATIONS
                     if name in form.changed_data}  # fmt: skip
        values = {name: form.cleaned_data[name] for name in form.changed_data
                  if name not in relations and name in POLE_FIELDS}  # fmt: skip
        members = None
        for formset in formsets:
            if formset.model is Membership and formset.has_changed():
                members = [
                    MemberEntry(
                        member=f.cleaned_data["member"],
                        role=f.cleaned_data.get("role") or "",
                        since_year=f.cleaned_data.get("since_year"),
                    )
                    for f in formset.forms
                    if f.cleaned_data.get("member") and not f.cleaned_data.get("DELETE")
                ]
        common = dict(source=ChangeSource.EDITOR, user=request.user,
                      reason=form.cleaned_data.get("change_reason", ""))  # fmt: skip
        try:
            if change:
                result = pole_update(pole=pole, values=values, relations=relations,
                                     members=members, replace_members=True,
                                     based_on=form.cleaned_data.get("based_on"),
                                     **common)  # fmt: skip
            else:
                result = pole_create(values=values, relations=relations, members=members,
                                     **common)  # fmt: skip
        except PoleConflict:
            # The fields were checked by the form; only members are left to conflict.
            result = pole_update(
                pole=pole,
                values=values,
                relations=relations,
                based_on=form.cleaned_data.get("based_on"),
                **common,
            )
            self.message_user(
                request,
                "Les membres de ce pôle ont été modifiés par ailleurs depuis l'ouverture du "
                "formulaire : vos changements de membres n'ont pas été enregistrés. Vérifiez-les.",
                messages.WARNING,
            )
        # Django logs and redirects with the form's instance: it is now the saved pole.
        pole.pk = result.pole.pk
        pole._state.adding = False

    def construct_change_message(self, request, form, formsets, add):
        # The inline formsets are not saved by Django here (see save_related).
        return super().construct_change_message(request, form, [], add)

    def region_scope(self, regions: list[int]) -> Q:
        return Q(region__in=regions)

    def get_urls(self):
        # "Inviter un coordinateur" from the pole's page (a link valid 7 days, by e-mail), and
        # going back before one change of its history.
        revert = path(
            "<path:object_id>/historique/<int:change_id>/annuler/",
            self.admin_site.admin_view(self.revert_view),
            name="poles_pole_revert",
        )
        return [*invite_urls(self), revert, *super().get_urls()]

    def revert_view(self, request, object_id, change_id):
        if request.method != "POST":
            return HttpResponseBadRequest("POST seulement.")
        pole = (
            self.get_object(request, unquote(object_id)) if self._is_key(Pole, object_id) else None
        )
        if pole is None or not self.has_change_permission(request, pole):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        change = PoleChange.objects.filter(pole=pole, pk=change_id).first()
        if change is None:
            raise Http404("Cette modification n'existe pas.")
        try:
            kept = pole_revert(pole=pole, change=change, user=request.user)
        except ValidationError as error:
            self.message_user(request, "Retour impossible : " + " ".join(error.messages),
                              messages.ERROR)  # fmt: skip
        else:
            labels = pole_fact_labels()
            note = (" Gardé(s), modifié(s) depuis : " + ", ".join(labels.get(k, k) for k in kept)
                    + ".") if kept else ""  # fmt: skip
            self.message_user(request, f"Retour avant la modification n°{change.pk}.{note}",
                              messages.SUCCESS)  # fmt: skip
        return HttpResponseRedirect(reverse("admin:poles_pole_history", args=[pole.pk]))

    def history_view(self, request, object_id, extra_context=None):
        """The pole's history of record (poles.services): each save with who, why, from where
        and each fact before → after."""
        is_key = self._is_key(Pole, object_id)
        pole = self.get_object(request, unquote(object_id)) if is_key else None
        if pole is None or not self.has_view_or_change_permission(request, pole):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        changes = PoleChange.objects.filter(pole=pole).select_related("user")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Historique : {pole}",
            "subtitle": None,
            "object": pole,
            "opts": self.opts,
            "changes": changes,
            "labels": pole_fact_labels(),
            "can_revert": self.has_change_permission(request, pole),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/poles/pole/object_history.html", context)


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
