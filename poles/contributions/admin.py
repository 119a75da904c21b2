"""Moderation in the admin: the queue of proposals and, for each, a field-by-field decision."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from poles.admin_mixins import HardenedAdminMixin, RegionScopedMixin
from poles.contributions.files import proposals_from_file
from poles.contributions.models import Proposal, ProposalStatus
from poles.contributions.services import (
    ProposalAlreadyDecided,
    proposal_accept,
    proposal_diff,
    proposal_reject,
)
from poles.forms import CsvFileForm
from poles.imports import PoleImportError, upload_as_path
from poles.models import Pole
from poles.territories.models import Department, PlaceKind, Region


class Decision(forms.Form):
    ACCEPT = "accepter"
    REJECT = "refuser"
    SPAM = "indesirable"
    decision = forms.ChoiceField(
        label="Décision",
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT, "Accepter les champs cochés"),
            (REJECT, "Refuser, avec un motif envoyé au contributeur"),
            (SPAM, "Indésirable (rien n'est envoyé)"),
        ],
    )
    fields = forms.MultipleChoiceField(
        label="Champs acceptés", required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label="Motif envoyé au contributeur (obligatoire pour un refus ; pour une acceptation "
        "en partie, pourquoi les autres champs ne sont pas retenus)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields"].choices = [(name, name) for name in proposal.proposed_values]
        self.fields["fields"].initial = list(proposal.proposed_values)
        self.has_values = bool(proposal.proposed_values)

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == self.ACCEPT and self.has_values and not cleaned.get("fields"):
            raise ValidationError("Cochez au moins un champ à accepter, ou refusez la proposition.")
        if decision == self.REJECT and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Indiquez le motif du refus : il est envoyé au contributeur.")
        return cleaned


class RegionFilter(admin.SimpleListFilter):
    title = "région"
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return list(Region.objects.values_list("code", "name"))

    def queryset(self, request, queryset):
        if self.value():
            poles = Pole.objects.in_territory(PlaceKind.REGION, self.value())
            return queryset.filter(pole__in=poles.values("pk"))
        return queryset


@admin.register(Proposal)
class ProposalAdmin(RegionScopedMixin, HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "region", "created_at", "decided_at"]
    list_display_links = ["__str__"]
    list_filter = ["status", "kind", RegionFilter]
    list_select_related = ["pole", "pole__region"]
    date_hierarchy = None
    ordering = ["-created_at"]
    list_per_page = 50
    change_form_template = "admin/poles/proposal/moderate.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # proposals come from the public forms

    def region_scope(self, regions: list[int]) -> Q:
        # A missing PTCE has no pole yet: the department it was proposed in says the region.
        departments = list(Department.objects.filter(region__in=regions)
                           .values_list("code", flat=True))  # fmt: skip
        return Q(pole__region__in=regions) | Q(
            pole__isnull=True, proposed_values__department__in=departments
        )

    @admin.display(description="région", ordering="pole__region__name")
    def region(self, proposal: Proposal) -> str:
        return proposal.pole.region.name if proposal.pole and proposal.pole.region else "—"

    def get_urls(self):
        upload = path("depuis-un-fichier/", self.admin_site.admin_view(self.from_file_view),
                      name="poles_proposal_from_file")  # fmt: skip
        return [upload, *super().get_urls()]

    def from_file_view(self, request):
        """A partner's file becomes proposals, one per row (a referent's: its regions)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = CsvFileForm(request.POST or None, request.FILES or None)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form,
                   "title": "Propositions depuis un fichier", "subtitle": None}  # fmt: skip
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["fichier"]
            with upload_as_path(upload) as path:
                try:
                    context["result"] = proposals_from_file(
                        path=path, file_name=upload.name, user=request.user
                    )
                except PoleImportError as refused:
                    context["problems"] = refused.errors
        return TemplateResponse(request, "admin/poles/proposal/from_file.html", context)

    def changelist_view(self, request, extra_context=None):
        # The queue: pending proposals first, unless the editor asked for something else.
        if not request.GET and not request.POST:
            query = f"?status__exact={ProposalStatus.PENDING}"
            return HttpResponseRedirect(request.path + query)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, object_id)
        if proposal is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, proposal):
            raise PermissionDenied
        can_decide = self.has_change_permission(request, proposal) and proposal.is_pending
        form = Decision(request.POST or None, proposal=proposal)
        if request.method == "POST" and can_decide and form.is_valid():
            response = self._decide(request, proposal, form.cleaned_data)
            if response is not None:
                return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(proposal),
            "proposal": proposal,
            "rows": proposal_diff(proposal=proposal),
            "form": form,
            "can_decide": can_decide,
            "conflict": any(row.changed_since for row in proposal_diff(proposal=proposal)),
            "checked_fields": set(form.data.getlist("fields"))
            if form.is_bound
            else set(proposal.proposed_values),
            "original": proposal,
        }
        return TemplateResponse(request, self.change_form_template, context)

    def _decide(self, request, proposal: Proposal, data: dict):
        try:
            if data["decision"] == Decision.ACCEPT:
                pole = proposal_accept(proposal=proposal, fields=data["fields"] or None,
                                       editor=request.user, reason=data["reason"])  # fmt: skip
                proposal.refresh_from_db(fields=["status"])
                note = "" if pole.is_published else " Le pôle est créé non publié : publiez-le."
                status = proposal.get_status_display()
                self.message_user(request, f"Proposition {status}.{note}", messages.SUCCESS)
            else:
                proposal_reject(
                    proposal=proposal,
                    reason=data["reason"].strip(),
                    editor=request.user,
                    spam=data["decision"] == Decision.SPAM,
                )
                self.message_user(request, "Proposition refusée.", messages.SUCCESS)
        except ProposalAlreadyDecided as error:
            self.message_user(request, f"Déjà décidée : {error}.", messages.WARNING)
        except ValidationError as error:
            self.message_user(
                request,
                "La fiche refuse ces valeurs : " + " ".join(error.messages),
                messages.ERROR,
            )
            return None
        return HttpResponseRedirect(reverse("admin:poles_proposal_changelist"))
