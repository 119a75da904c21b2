"""Following a territory or a search by e-mail: one row per address and selection.

The address serves this alone: never shown, never exported, deleted when the person stops
following (or never confirms)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Follow(models.Model):
    email = models.EmailField("courriel", max_length=254)
    # The directory's canonical selection (PoleFilter.selection()): what is followed.
    selection = models.CharField("sélection", max_length=2000, blank=True)
    label = models.CharField("intitulé", max_length=500, blank=True)
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    # Changes after this moment go in the next e-mail.
    last_sent_at = models.DateTimeField("dernier envoi", null=True, blank=True)

    class Meta:
        app_label = "poles"
        verbose_name = "abonnement"
        constraints = [models.UniqueConstraint(fields=["email", "selection"], name="follow_unique")]

    def __str__(self) -> str:
        return self.label or self.selection or "annuaire"
