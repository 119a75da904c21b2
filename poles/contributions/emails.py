"""E-mails of the contribution flow, sent after the commit that stored or decided a proposal.

A failed e-mail is logged and never undoes, blocks or loses the proposal.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from poles.contributions.fields import FIELDS_BY_NAME
from poles.contributions.models import Proposal, ProposalStatus
from poles.emails import editor_addresses, send_each

logger = logging.getLogger(__name__)


def notify_editors(*, proposal_id: int) -> bool:
    proposal = Proposal.objects.select_related("pole").get(pk=proposal_id)
    path = reverse("admin:poles_proposal_change", args=[proposal.pk])
    return send_each(
        subject=f"[Annuaire des PTCE] Nouvelle proposition : {proposal.subject}",
        template="contributions/emails/new_proposal.txt",
        context={"proposal": proposal, "url": settings.PTCE_SITE_URL + path},
        recipients=editor_addresses(),
    )


def _fields_decided(proposal: Proposal) -> dict[str, list[str]]:
    """The proposed facts taken and those not, by their labels in the current language."""
    if proposal.status not in (ProposalStatus.ACCEPTED, ProposalStatus.PARTLY_ACCEPTED):
        return {"accepted": [], "refused": []}
    offered = [name for name in proposal.proposed_values if name in FIELDS_BY_NAME]
    taken = set(proposal.accepted_fields)
    return {
        "accepted": [str(FIELDS_BY_NAME[name].label) for name in offered if name in taken],
        "refused": [str(FIELDS_BY_NAME[name].label) for name in offered if name not in taken],
    }


def notify_contributor(*, proposal_id: int) -> bool:
    proposal = Proposal.objects.select_related("pole").get(pk=proposal_id)
    # In the language of the site the contributor wrote from (the pole's page in it too).
    with translation.override(proposal.language):
        page = (
            proposal.pole.get_absolute_url() if proposal.pole and proposal.pole.is_published else ""
        )
        return send_each(
            subject=_("[Annuaire des PTCE] Votre proposition : %(status)s")
            % {"status": proposal.get_status_display()},
            template="contributions/emails/decision.txt",
            context={
                "proposal": proposal,
                "url": settings.PTCE_SITE_URL + page if page else "",
                **_fields_decided(proposal),
            },
            recipients=[proposal.contributor_email] if proposal.contributor_email else [],
        )
