"""Proposals: what poles, networks and anyone else propose, kept until an editor decides.

Nothing here is ever shown publicly. The contributor's name and e-mail serve one purpose, telling
them the decision, and are erased PTCE_CONTRIBUTOR_DATA_MONTHS months after it
(`manage.py purge_contributor_data`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProposalKind(models.TextChoices):
    CORRECTION = "correction", _("correction d'une fiche")
    NEW = "nouveau", _("PTCE manquant")
    CLOSED = "ferme", _("le pôle n'existe plus")
    CONFIRMATION = "a-jour", _("la fiche est à jour")


class ProposalStatus(models.TextChoices):
    PENDING = "en-attente", _("en attente")
    ACCEPTED = "acceptee", _("acceptée")
    PARTLY_ACCEPTED = "en-partie", _("acceptée en partie")
    REJECTED = "refusee", _("refusée")
    SPAM = "indesirable", _("indésirable")


class ContributorRelation(models.TextChoices):
    POLE = "pole", _("je fais partie du pôle")
    NETWORK = "reseau", _("un réseau (Labo de l'ESS, CRESS, réseau régional…)")
    PUBLIC_BODY = "public", _("un organisme public (collectivité, État…)")
    OTHER = "autre", _("autre")


class ProposalQuerySet(models.QuerySet):
    def pending(self) -> ProposalQuerySet:
        return self.filter(status=ProposalStatus.PENDING)

    def with_personal_data_due(self, *, decided_before) -> ProposalQuerySet:
        """Decided before the date, with a name or an e-mail still kept."""
        return self.exclude(status=ProposalStatus.PENDING).filter(
            Q(decided_at__lt=decided_before),
            ~Q(contributor_name="") | ~Q(contributor_email=""),
        )


class Proposal(models.Model):
    kind = models.CharField("type", max_length=20, choices=ProposalKind.choices)
    pole = models.ForeignKey(
        "poles.Pole",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name="pôle",
        help_text="Vide pour un PTCE manquant tant qu'il n'est pas créé.",
    )
    status = models.CharField(
        "statut", max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    # The facts, as plain JSON keyed by poles.contributions.fields names.
    proposed_values = models.JSONField("valeurs proposées", default=dict, blank=True)
    snapshot = models.JSONField(
        "fiche à l'ouverture du formulaire",
        default=dict,
        blank=True,
        help_text="Les valeurs du pôle quand le contributeur a ouvert le formulaire.",
    )
    message = models.TextField("message du contributeur", blank=True, max_length=2000)
    contributor_name = models.CharField("nom du contributeur", max_length=150, blank=True)
    contributor_email = models.EmailField("courriel du contributeur", blank=True)
    language = models.CharField(
        "langue du contributeur",
        max_length=8,
        default="fr",
        help_text="La langue du site où la proposition a été faite : celle du courriel de réponse.",
    )
    contributor_relation = models.CharField(
        "lien avec le pôle", max_length=20, choices=ContributorRelation.choices
    )
    created_at = models.DateTimeField("reçue le", auto_now_add=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="décidée par",
    )
    accepted_fields = models.JSONField("champs acceptés", default=list, blank=True)
    decision_reason = models.TextField("motif de la décision", blank=True, max_length=2000)
    personal_data_erased_at = models.DateTimeField(
        "données personnelles effacées le", null=True, blank=True
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "proposition"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="proposal_queue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ProposalKind.NEW) | Q(pole__isnull=False),
                name="proposal_pole_unless_new",
                violation_error_message="Une proposition porte sur un pôle, sauf un PTCE manquant.",
            ),
        ]

    def __str__(self) -> str:
        return f"Proposition n°{self.pk} : {self.get_kind_display()} — {self.subject}"

    @property
    def subject(self) -> str:
        if self.pole_id:
            return self.pole.name
        return str(self.proposed_values.get("name") or _("PTCE sans nom"))

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING
