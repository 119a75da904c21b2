"""The e-mail outbox: each message the site sends is a row, written with the decision that
causes it, then delivered (and retried) outside any visitor's request (poles.outbox.services)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class EmailStatus(models.TextChoices):
    PENDING = "attente", "en attente"
    SENT = "envoye", "envoyé"
    FAILED = "echec", "échec définitif"


class OutgoingEmail(models.Model):
    to = models.EmailField("destinataire", max_length=254)
    subject = models.CharField("objet", max_length=255)
    body = models.TextField("texte")
    # Extra headers (List-Unsubscribe on the alerts).
    headers = models.JSONField("en-têtes", default=dict, blank=True)
    status = models.CharField(
        "état", max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    # When it may be tried (again): now, or after the back-off of its failed attempts.
    send_after = models.DateTimeField("à envoyer après", default=timezone.now)
    # A sender took it until then: two senders (a worker's thread, the cron command, another
    # server) never send one message twice.
    leased_until = models.DateTimeField("réservé jusqu'à", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.CharField("dernière erreur", max_length=500, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        app_label = "poles"
        verbose_name = "courriel envoyé par le site"
        verbose_name_plural = "courriels envoyés par le site"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "send_after"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
