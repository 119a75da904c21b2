"""E-mails of the coordinators' and referents' flow: sign-in links, claims, invitations.

Sent after the commit; a failure is logged and loses nothing (the person asks again).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from poles.coordination.models import ClaimRequest
from poles.emails import editor_addresses, send_each
from poles.models import Pole


def _link(raw: str) -> str:
    return settings.PTCE_SITE_URL + reverse("poles:sign_in_link", args=[raw])


def send_sign_in_link(*, email: str, raw: str) -> bool:
    return send_each(
        subject="[Annuaire des PTCE] Votre lien de connexion",
        template="coordination/emails/sign_in.txt",
        context={"url": _link(raw), "hours": 1},
        recipients=[email],
    )


def send_claim_link(*, email: str, pole: Pole, raw: str) -> bool:
    return send_each(
        subject=f"[Annuaire des PTCE] Coordonner la fiche « {pole.name} »",
        template="coordination/emails/claim_link.txt",
        context={"url": _link(raw), "pole": pole, "hours": 1},
        recipients=[email],
    )


def send_claim_approved(*, email: str, pole: Pole, raw: str) -> bool:
    return send_each(
        subject=f"[Annuaire des PTCE] Votre demande pour « {pole.name} » est acceptée",
        template="coordination/emails/claim_approved.txt",
        context={"url": _link(raw), "pole": pole, "days": 7},
        recipients=[email],
    )


def send_claim_refused(*, email: str, pole: Pole) -> bool:
    return send_each(
        subject=f"[Annuaire des PTCE] Votre demande pour « {pole.name} »",
        template="coordination/emails/claim_refused.txt",
        context={"pole": pole},
        recipients=[email],
    )


def send_invitation(*, email: str, pole: Pole, raw: str) -> bool:
    return send_each(
        subject=f"[Annuaire des PTCE] Invitation à coordonner la fiche « {pole.name} »",
        template="coordination/emails/invitation.txt",
        context={"url": _link(raw), "pole": pole, "days": 7},
        recipients=[email],
    )


def notify_editors_of_claim(*, claim_id: int) -> bool:
    claim = ClaimRequest.objects.select_related("pole").get(pk=claim_id)
    url = settings.PTCE_SITE_URL + reverse("admin:poles_claimrequest_change", args=[claim.pk])
    return send_each(
        subject=f"[Annuaire des PTCE] Demande de coordination : {claim.pole.name}",
        template="coordination/emails/new_claim.txt",
        context={"claim": claim, "url": url},
        recipients=editor_addresses(),
    )


def notify_editors_of_pole_edit(*, pole: Pole, change_id: int) -> bool:
    url = settings.PTCE_SITE_URL + reverse("admin:poles_pole_history", args=[pole.pk])
    return send_each(
        subject=f"[Annuaire des PTCE] Le pôle a modifié sa fiche : {pole.name}",
        template="coordination/emails/pole_edit.txt",
        context={"pole": pole, "url": url, "change_id": change_id},
        recipients=editor_addresses(),
    )


def send_reminder(*, email: str, pole: Pole, raw: str) -> bool:
    return send_each(
        subject=f"[Annuaire des PTCE] La fiche « {pole.name} » est-elle toujours juste ?",
        template="coordination/emails/reminder.txt",
        context={"url": _link(raw), "pole": pole, "space": settings.PTCE_SITE_URL
                 + reverse("poles:space_pole", args=[pole.slug]), "days": 30},
        recipients=[email],
    )  # fmt: skip


def send_orphans_to_editors(*, poles: list[Pole]) -> bool:
    return send_each(
        subject=f"[Annuaire des PTCE] {len(poles)} pôle(s) sans coordinateur",
        template="coordination/emails/orphans.txt",
        context={"poles": poles, "site": settings.PTCE_SITE_URL},
        recipients=editor_addresses(),
    )


def notify_coordinators(*, pole: Pole) -> bool:
    addresses = list(pole.coordinators.filter(user__is_active=True)
                     .values_list("user__email", flat=True))  # fmt: skip
    return send_each(
        subject=f"[Annuaire des PTCE] Une proposition sur la fiche « {pole.name} »",
        template="coordination/emails/new_proposal.txt",
        context={"pole": pole, "url": settings.PTCE_SITE_URL
                 + reverse("poles:space_pole", args=[pole.slug]) + "#propositions"},
        recipients=addresses,
    )  # fmt: skip
