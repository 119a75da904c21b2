"""Writes of the contribution flow: receiving a proposal, deciding it, erasing personal data."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from poles.contributions import emails
from poles.contributions.fields import FIELDS_BY_NAME, PoleEdit, Value, pole_values
from poles.contributions.models import Proposal, ProposalStatus
from poles.coordination import emails as coordination_emails
from poles.models import ChangeSource, Pole
from poles.services import pole_create, pole_update

logger = logging.getLogger(__name__)


class ProposalAlreadyDecided(Exception):
    pass


def proposal_create(
    *,
    kind: str,
    pole: Pole | None,
    proposed_values: dict[str, Value],
    snapshot: dict[str, Value],
    contributor_name: str,
    contributor_email: str,
    contributor_relation: str,
    message: str = "",
    language: str = "fr",
) -> Proposal:
    """Stores a proposal, pending; the editors are told after the commit. `language` is the
    contributor's (the site's language they wrote from): their e-mail will be in it."""
    with transaction.atomic():
        proposal = Proposal.objects.create(
            kind=kind,
            pole=pole,
            proposed_values=proposed_values,
            snapshot=snapshot,
            contributor_name=contributor_name,
            contributor_email=contributor_email,
            contributor_relation=contributor_relation,
            message=message,
            language=language,
        )
        emails.notify_editors(proposal_id=proposal.pk)
        if pole is not None:
            # The pole's coordinators may decide it too, from their space.
            coordination_emails.notify_coordinators(pole=pole)
    return proposal


@dataclass(frozen=True)
class DiffRow:
    name: str
    label: str
    opened: str  # the pole when the form was opened
    current: str  # the pole now
    proposed: str
    changed_since: bool  # an editor changed it after the form was opened


def proposal_diff(*, proposal: Proposal) -> list[DiffRow]:
    """Field by field: the pole when the form was opened, now, and what is proposed."""
    current = pole_values(proposal.pole) if proposal.pole_id else {}
    rows = []
    for name, value in proposal.proposed_values.items():
        field = FIELDS_BY_NAME[name]
        opened = proposal.snapshot.get(name, "")
        now = current.get(name, "")
        rows.append(
            DiffRow(
                name=name,
                label=field.label,
                opened=field.display(opened),
                current=field.display(now),
                proposed=field.display(value),
                changed_since=bool(proposal.snapshot) and now != opened,
            )
        )
    return rows


def proposal_accept(
    *, proposal: Proposal, fields: list[str] | None, editor, reason: str = ""
) -> Pole:
    """Applies the chosen fields (None: all) to the pole, in one transaction. `reason`: why
    the others were not taken, told to the contributor.

    Written through poles.services in one call: one history entry with the proposal as its
    source; accepting counts as a verification. A missing PTCE becomes a pole, unpublished until
    an editor publishes it.
    """
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not proposal.is_pending:
            raise ProposalAlreadyDecided(proposal.get_status_display())
        offered = list(proposal.proposed_values)
        chosen = offered if fields is None else [name for name in offered if name in fields]
        why = f"proposition n°{proposal.pk} ({proposal.get_kind_display()})"
        pole = proposal.pole if proposal.pole_id else None
        edit = PoleEdit(values={"last_verified": timezone.localdate()})
        for name in chosen:
            field = FIELDS_BY_NAME[name]
            if field.collect is not None:
                field.collect(edit, pole or Pole(), proposal.proposed_values[name])
        common = dict(relations=edit.relations, members=edit.members,
                      source=ChangeSource.PROPOSAL, source_label=f"proposition n°{proposal.pk}",
                      user=editor, reason=why)  # fmt: skip
        if pole is None:
            values = {"slug": _new_slug(edit.values.get("name", "")), "is_published": False}
            pole = pole_create(values=edit.values | values, **common).pole
        else:
            # The proposed list of members is the pole's whole list.
            pole = pole_update(pole=pole, values=edit.values, replace_members=True,
                               **common).pole  # fmt: skip
        complete = set(chosen) == set(offered)
        proposal.pole = pole
        proposal.status = ProposalStatus.ACCEPTED if complete else ProposalStatus.PARTLY_ACCEPTED
        proposal.accepted_fields = chosen
        proposal.decision_reason = reason.strip()
        proposal.decided_at = timezone.now()
        proposal.decided_by = editor
        proposal.save()
        emails.notify_contributor(proposal_id=proposal.pk)
    return pole


def _new_slug(name: str) -> str:
    base = slugify(str(name).strip())[:190] or "pole"
    slug, index = base, 2
    while Pole.objects.filter(slug=slug).exists():
        slug, index = f"{base}-{index}", index + 1
    return slug


def proposal_reject(*, proposal: Proposal, reason: str, editor, spam: bool = False) -> Proposal:
    """Refuses a proposal with the editor's reason (told to the contributor, unless spam)."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not proposal.is_pending:
            raise ProposalAlreadyDecided(proposal.get_status_display())
        proposal.status = ProposalStatus.SPAM if spam else ProposalStatus.REJECTED
        proposal.decision_reason = reason
        proposal.decided_at = timezone.now()
        proposal.decided_by = editor
        proposal.save()
        if not spam:
            emails.notify_contributor(proposal_id=proposal.pk)
    return proposal


def contributors_erase_personal_data(*, months: int | None = None, dry_run: bool = False) -> int:
    """Erases the name and e-mail of contributors whose proposal was decided `months` ago."""
    months = settings.PTCE_CONTRIBUTOR_DATA_MONTHS if months is None else months
    limit = timezone.now() - datetime.timedelta(days=round(months * 30.44))
    due = Proposal.objects.with_personal_data_due(decided_before=limit)
    count = due.count()
    if not dry_run:
        due.update(
            contributor_name="", contributor_email="", personal_data_erased_at=timezone.now()
        )
    return count
