"""The editors' side of coordination: claims to decide, coordinators, invitations, referents."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from poles.admin_mixins import HardenedAdminMixin, RegionScopedMixin
from poles.coordination import services
from poles.coordination.models import ClaimRequest, ClaimStatus, PoleCoordinator, Referent


@admin.register(ClaimRequest)
class ClaimRequestAdmin(RegionScopedMixin, HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "email", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["pole"]
    readonly_fields = ["pole", "email", "status", "created_at", "decided_at", "decided_by"]
    fields = readonly_fields
    actions = ["approve", "refuse"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # claims come from the poles' pages

    def region_scope(self, regions: list[int]) -> Q:
        return Q(pole__region__in=regions)

    @admin.action(description="Approuver : la personne devient coordinatrice (lien par courriel)")
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description="Refuser (la personne en est informée)")
    def refuse(self, request, queryset):
        self._decide(request, queryset, approve=False)

    def _decide(self, request, queryset, *, approve: bool) -> None:
        decided = 0
        for claim in queryset.filter(status=ClaimStatus.PENDING):
            services.claim_decide(claim=claim, approve=approve, editor=request.user)
            decided += 1
        self.message_user(request, f"{decided} demande(s) décidée(s).", messages.SUCCESS)


@admin.register(PoleCoordinator)
class PoleCoordinatorAdmin(RegionScopedMixin, HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["pole", "user", "source", "created_at"]
    list_filter = ["source"]
    list_select_related = ["pole", "user"]
    search_fields = ["pole__name"]
    readonly_fields = ["pole", "user", "source", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # by a claim or an invitation (the pole's page in the admin)

    def region_scope(self, regions: list[int]) -> Q:
        return Q(pole__region__in=regions)


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Courriel de la personne à inviter", max_length=254)


def invite_view(model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str):
    """An editor invites a pole's coordinator: a link valid 7 days, by e-mail."""
    # The admin's own lookup: a referent reaches only its regions' poles (403 elsewhere).
    pole = model_admin.get_object(request, object_id) if object_id.isdigit() else None
    if pole is None or not model_admin.has_change_permission(request, pole):
        return model_admin._get_obj_does_not_exist_redirect(request, model_admin.opts, object_id)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            services.coordinator_invite(pole=pole, email=form.cleaned_data["email"],
                                        editor=request.user)  # fmt: skip
        model_admin.message_user(request, "Invitation envoyée.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:poles_pole_change", args=[pole.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Inviter un coordinateur : {pole}",
        "subtitle": None,
        "opts": model_admin.opts,
        "original": pole,
        "form": form,
        "coordinators": pole.coordinators.count(),
    }
    return TemplateResponse(request, "admin/poles/pole/invite.html", context)


def invite_urls(model_admin: admin.ModelAdmin) -> list:
    view = model_admin.admin_site.admin_view(
        lambda request, object_id: invite_view(model_admin, request, object_id)
    )
    return [path("<path:object_id>/inviter/", view, name="poles_pole_invite")]


class ReferentForm(forms.ModelForm):
    email = forms.EmailField(label="Courriel du référent", max_length=254)

    class Meta:
        model = Referent
        fields = ["organisation", "regions"]
        widgets = {"regions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email


@admin.register(Referent)
class ReferentAdmin(HardenedAdminMixin, admin.ModelAdmin):
    form = ReferentForm
    list_display = ["__str__", "region_names", "created_at"]

    @admin.display(description="régions")
    def region_names(self, referent: Referent) -> str:
        return ", ".join(r.name for r in referent.regions.all())

    def save_model(self, request, obj, form, change):
        referent = services.referent_add(
            email=form.cleaned_data["email"],
            regions=list(form.cleaned_data["regions"]),
            organisation=form.cleaned_data["organisation"],
        )
        obj.pk, obj.user_id = referent.pk, referent.user_id

    def save_related(self, request, form, formsets, change):
        pass  # referent_add wrote the regions
