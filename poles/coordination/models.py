"""The people who keep a pole true: its coordinators (claimed or invited) and the one-time
sign-in links they and the regional referents receive.

A link's token is never stored: only its SHA-256, with its purpose, its expiry and when it was
used (once). Addresses serve to sign in and to be told of the pole's proposals, nothing else:
never shown, never exported (README, "Personal data").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenPurpose(models.TextChoices):
    SIGN_IN = "connexion", _("connexion")
    CLAIM = "revendication", _("revendication d'un pôle")
    INVITATION = "invitation", _("invitation d'un éditeur")
    APPROVAL = "approbation", _("revendication approuvée")
    VERIFY = "a-jour", _("fiche toujours à jour")


class SignInToken(models.Model):
    token_hash = models.CharField("empreinte", max_length=64, unique=True)
    purpose = models.CharField("objet", max_length=20, choices=TokenPurpose.choices)
    email = models.EmailField("courriel", max_length=254)
    pole = models.ForeignKey(
        "poles.Pole", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)

    class Meta:
        app_label = "poles"
        verbose_name = "lien de connexion"
        verbose_name_plural = "liens de connexion"
        indexes = [models.Index(fields=["expires_at"], name="token_expiry")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.created_at:%Y-%m-%d})"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class CoordinatorSource(models.TextChoices):
    DOMAIN = "domaine", _("adresse sur le domaine du site du pôle")
    APPROVED = "approuve", _("demande approuvée par l'équipe")
    INVITED = "invite", _("invitation de l'équipe")


class PoleCoordinator(models.Model):
    """A person who may keep a pole's record: edits go straight through the write service."""

    pole = models.ForeignKey(
        "poles.Pole", on_delete=models.CASCADE, related_name="coordinators", verbose_name="pôle"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coordinated_poles",
        verbose_name="personne",
    )
    source = models.CharField("comment", max_length=20, choices=CoordinatorSource.choices)
    created_at = models.DateTimeField("depuis le", auto_now_add=True)
    # The last reminder to check the record (manage.py send_reminders): one a month at most.
    reminded_at = models.DateTimeField("dernier rappel", null=True, blank=True)

    class Meta:
        app_label = "poles"
        verbose_name = "coordinateur d'un pôle"
        verbose_name_plural = "coordinateurs des pôles"
        constraints = [models.UniqueConstraint(fields=["pole", "user"], name="coordinator_unique")]

    def __str__(self) -> str:
        return f"{self.pole} — coordinateur n°{self.pk}"


class ClaimStatus(models.TextChoices):
    PENDING = "en-attente", _("en attente")
    APPROVED = "approuvee", _("approuvée")
    REFUSED = "refusee", _("refusée")


class ClaimRequest(models.Model):
    """A claim from an address the pole's data does not vouch for: the editors decide."""

    pole = models.ForeignKey(
        "poles.Pole", on_delete=models.CASCADE, related_name="claims", verbose_name="pôle"
    )
    email = models.EmailField("courriel", max_length=254)
    status = models.CharField(
        "statut", max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
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

    class Meta:
        app_label = "poles"
        verbose_name = "demande de coordination"
        verbose_name_plural = "demandes de coordination"
        constraints = [
            models.UniqueConstraint(
                fields=["pole", "email"],
                condition=Q(status="en-attente"),
                name="claim_one_pending_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pole} — demande n°{self.pk}"


class Referent(models.Model):
    """A regional referent (a CRESS, a regional cell): a staff account without a password that
    signs in by e-mail and moderates the poles and proposals of its regions only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="referent",
        verbose_name="compte",
    )
    organisation = models.CharField("organisation", max_length=200, blank=True)
    regions = models.ManyToManyField(
        "poles.Region", related_name="referents", verbose_name="régions"
    )
    created_at = models.DateTimeField("depuis le", auto_now_add=True)

    class Meta:
        app_label = "poles"
        verbose_name = "référent régional"
        verbose_name_plural = "référents régionaux"

    def __str__(self) -> str:
        return self.organisation or f"référent n°{self.pk}"
