"""Claiming a pole, signing in by e-mail, coordinators' writes: the only writes of this part.

Tokens: 32 random bytes, sent once in a link, stored as their SHA-256; single use, expiring.
Every answer to a visitor is the same whatever the address (no enumeration); the e-mails say
the rest to the address's owner only.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from poles.contributions.fields import FIELDS_BY_NAME, PoleEdit
from poles.contributions.models import Proposal, ProposalStatus
from poles.coordination import emails
from poles.coordination.models import (
    ClaimRequest,
    ClaimStatus,
    CoordinatorSource,
    PoleCoordinator,
    Referent,
    SignInToken,
    TokenPurpose,
)
from poles.models import ChangeSource, Pole, RateCount, verification_threshold
from poles.security import normalised_email
from poles.services import pole_update, poles_mark_verified
from poles.territories.models import Region

# How long a link works.
VALIDITY = {
    TokenPurpose.SIGN_IN: datetime.timedelta(hours=1),
    TokenPurpose.CLAIM: datetime.timedelta(hours=1),
    TokenPurpose.APPROVAL: datetime.timedelta(days=7),
    TokenPurpose.INVITATION: datetime.timedelta(days=7),
    TokenPurpose.VERIFY: datetime.timedelta(days=30),
}


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(*, email: str, purpose: TokenPurpose, pole: Pole | None = None) -> str:
    """A new one-time token; the raw value goes in the e-mail and nowhere else."""
    raw = secrets.token_urlsafe(32)
    SignInToken.objects.create(
        token_hash=token_hash(raw),
        purpose=purpose,
        email=normalised_email(email),
        pole=pole,
        expires_at=timezone.now() + VALIDITY[purpose],
    )
    return raw


def _usable_token(raw: str, *, lock: bool = False) -> SignInToken | None:
    """The unused, unexpired token behind a link's raw value, or None."""
    if not raw or len(raw) > 100:
        return None
    # Locking, the token row alone (PostgreSQL locks no outer-joined row).
    tokens = SignInToken.objects.select_for_update(of=("self",)) if lock else SignInToken.objects
    token = tokens.select_related("pole").filter(token_hash=token_hash(raw)).first()
    return token if token is not None and token.is_usable else None


def token_find(*, raw: str) -> SignInToken | None:
    """The usable token behind a link, without using it (the confirmation page shows it)."""
    return _usable_token(raw)


@dataclass(frozen=True)
class Redeemed:
    user: object
    pole: Pole | None
    purpose: str


def token_redeem(*, raw: str) -> Redeemed | None:
    """Uses a link once: the person it names (made if new), coordinator of its pole when the
    link says so. None for an unknown, used or expired link."""
    with transaction.atomic():
        token = _usable_token(raw, lock=True)
        if token is None:
            return None
        token.used_at = timezone.now()
        token.save(update_fields=["used_at"])
        user = user_for(email=token.email)
        sources = {
            TokenPurpose.CLAIM: CoordinatorSource.DOMAIN,
            TokenPurpose.APPROVAL: CoordinatorSource.APPROVED,
            TokenPurpose.INVITATION: CoordinatorSource.INVITED,
        }
        if token.pole is not None and token.purpose in sources:
            coordinator_add(pole=token.pole, user=user, source=sources[token.purpose])
        if token.purpose == TokenPurpose.VERIFY and is_coordinator(user=user, pole=token.pole):
            pole_verify_by_coordinator(pole=token.pole, user=user)
    return Redeemed(user=user, pole=token.pole, purpose=token.purpose)


def user_for(*, email: str):
    """The account of an address (made, without a password, the first time)."""
    User = get_user_model()
    email = normalised_email(email)
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        username = email if len(email) <= 150 else token_hash(email)[:40]
        user = User(username=username, email=email)
        user.set_unusable_password()
        user.save()
    return user


def coordinator_add(*, pole: Pole, user, source: str) -> PoleCoordinator:
    coordinator, _ = PoleCoordinator.objects.get_or_create(
        pole=pole, user=user, defaults={"source": source}
    )
    return coordinator


def pole_domain(pole: Pole) -> str:
    host = (urlsplit(pole.website).hostname or "").lower() if pole.website else ""
    return host.removeprefix("www.")


def address_vouched(*, pole: Pole, email: str) -> bool:
    """An address the pole's own data vouches for: on its website's domain (or a subdomain),
    or its published contact address."""
    email = normalised_email(email)
    domain = email.rpartition("@")[2]
    site = pole_domain(pole)
    if site and (domain == site or domain.endswith("." + site)):
        return True
    return bool(pole.contact_email) and email == normalised_email(pole.contact_email)


@transaction.atomic  # the link and its e-mail, together or neither
def pole_claim(*, pole: Pole, email: str) -> None:
    """A person asks to coordinate a pole. Vouched addresses get a link at once; others wait
    for the editors. The caller answers the same whatever happens here."""
    email = normalised_email(email)
    if address_vouched(pole=pole, email=email):
        raw = token_issue(email=email, purpose=TokenPurpose.CLAIM, pole=pole)
        emails.send_claim_link(email=email, pole=pole, raw=raw)
        return
    if PoleCoordinator.objects.filter(pole=pole, user__email__iexact=email).exists():
        raw = token_issue(email=email, purpose=TokenPurpose.SIGN_IN)
        emails.send_sign_in_link(email=email, raw=raw)
        return
    try:
        with transaction.atomic():
            claim = ClaimRequest.objects.create(pole=pole, email=email)
    except IntegrityError:
        return  # already waiting for the editors
    emails.notify_editors_of_claim(claim_id=claim.pk)


def claim_decide(*, claim: ClaimRequest, approve: bool, editor) -> ClaimRequest:
    """Editors approve (a link that makes the person coordinator) or refuse; told either way."""
    with transaction.atomic():
        claim = (
            ClaimRequest.objects.select_for_update(of=("self",))
            .select_related("pole")
            .get(pk=claim.pk)
        )
        if claim.status != ClaimStatus.PENDING:
            return claim
        claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REFUSED
        claim.decided_at = timezone.now()
        claim.decided_by = editor
        claim.save()
        if approve:
            raw = token_issue(email=claim.email, purpose=TokenPurpose.APPROVAL, pole=claim.pole)
            emails.send_claim_approved(email=claim.email, pole=claim.pole, raw=raw)
        else:
            emails.send_claim_refused(email=claim.email, pole=claim.pole)
    return claim


@transaction.atomic  # the link and its e-mail, together or neither
def coordinator_invite(*, pole: Pole, email: str, editor) -> None:
    """An editor or referent invites an address they know: its link makes it coordinator."""
    raw = token_issue(email=email, purpose=TokenPurpose.INVITATION, pole=pole)
    emails.send_invitation(email=normalised_email(email), pole=pole, raw=raw)


@transaction.atomic  # the link and its e-mail, together or neither
def sign_in_request(*, email: str) -> None:
    """A link for a coordinator or referent; nothing for an unknown address (same answer)."""
    User = get_user_model()
    email = normalised_email(email)
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or not (user.coordinated_poles.exists() or hasattr(user, "referent")):
        return
    raw = token_issue(email=email, purpose=TokenPurpose.SIGN_IN)
    emails.send_sign_in_link(email=email, raw=raw)


def coordinator_poles(*, user) -> list[Pole]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Pole.objects.filter(coordinators__user=user).order_by("name"))


def is_coordinator(*, user, pole: Pole) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and PoleCoordinator.objects.filter(pole=pole, user=user).exists()
    )


def pole_edit_by_coordinator(*, pole: Pole, user, values: dict, based_on: int | None):
    """The coordinator's changes, published at once through the write service (history: "le
    pôle"); the editors are told and may go back. Raises PoleConflict for a fact changed since
    the form was opened, ValidationError for a value the record refuses."""
    edit = PoleEdit()
    for name, value in values.items():
        field = FIELDS_BY_NAME[name]
        if field.collect is not None:
            field.collect(edit, pole, value)
    with transaction.atomic():
        result = pole_update(
            pole=pole, values=edit.values, relations=edit.relations, members=edit.members,
            replace_members=edit.members is not None, source=ChangeSource.POLE, user=user,
            reason="modifié par le pôle", based_on=based_on,
        )  # fmt: skip
        if result.change is not None:
            change_id = result.change.pk
            emails.notify_editors_of_pole_edit(pole=pole, change_id=change_id)
    return result


def pole_verify_by_coordinator(*, pole: Pole, user) -> None:
    """ "Toujours à jour": verified today, by the pole itself."""
    poles_mark_verified(poles=[pole], user=user, on=timezone.localdate(), source=ChangeSource.POLE)


REFERENT_GROUP = "référent"


def referent_add(*, email: str, regions: list, organisation: str = "") -> Referent:
    """A regional referent: a staff account without a password (it signs in by e-mail), in the
    referents' group, moderating its regions only. Again for the same address: its regions and
    organisation are updated."""
    with transaction.atomic():
        user = user_for(email=email)
        user.is_staff = True
        if user.has_usable_password():
            user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=REFERENT_GROUP))
        referent, _ = Referent.objects.get_or_create(user=user)
        referent.organisation = organisation or referent.organisation
        referent.save()
        referent.regions.set(regions)
    return referent


def referent_regions(user) -> list[int] | None:
    """The region ids a staff member may moderate; None: all (an editor, an administrator)."""
    if user.is_superuser or user.groups.filter(name="éditeur").exists():
        return None
    referent = getattr(user, "referent", None)
    if referent is None:
        return []
    return list(referent.regions.values_list("pk", flat=True))


@dataclass(frozen=True)
class RegionActivity:
    region: object
    organisations: list[str]
    poles: int
    verified: int
    pending: int
    oldest_days: int | None

    @property
    def verified_share(self) -> int | None:
        return round(100 * self.verified / self.poles) if self.poles else None


def regions_activity() -> list[RegionActivity]:
    """Per region: who animates it, how fresh its poles are, what waits for a decision."""
    threshold = verification_threshold()
    regions = Region.objects.annotate(
        published=Count("poles", filter=Q(poles__is_published=True), distinct=True),
        fresh=Count("poles", filter=Q(poles__is_published=True,
                                      poles__last_verified__gte=threshold), distinct=True),
    ).prefetch_related("referents").order_by("name")  # fmt: skip
    pending = {
        row["pole__region"]: row
        for row in Proposal.objects.filter(status=ProposalStatus.PENDING, pole__isnull=False)
        .values("pole__region")
        .annotate(n=Count("pk"), oldest=Min("created_at"))
    }
    now = timezone.now()
    return [
        RegionActivity(
            region=region,
            organisations=sorted(
                {r.organisation for r in region.referents.all() if r.organisation}
            ),
            poles=region.published,
            verified=region.fresh,
            pending=pending.get(region.pk, {}).get("n", 0),
            oldest_days=(now - pending[region.pk]["oldest"]).days if region.pk in pending else None,
        )
        for region in regions
    ]


REMINDER_EVERY = datetime.timedelta(days=30)


@dataclass(frozen=True)
class RemindersSent:
    coordinators: int
    orphans: int


def reminders_send(*, dry_run: bool = False) -> RemindersSent:
    """Coordinators of published poles not checked for 12 months get a one-click "toujours à
    jour" link (a month apart at most); the editors get the list of poles with no coordinator."""
    now = timezone.now()
    due = (
        PoleCoordinator.objects.filter(pole__in=Pole.objects.published().to_verify())
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - REMINDER_EVERY))
        .filter(user__is_active=True)
        .select_related("pole", "user")
    )
    sent = 0
    for coordinator in due:
        if dry_run:
            sent += 1
            continue
        with transaction.atomic():
            raw = token_issue(email=coordinator.user.email, purpose=TokenPurpose.VERIFY,
                              pole=coordinator.pole)  # fmt: skip
            PoleCoordinator.objects.filter(pk=coordinator.pk).update(reminded_at=now)
        if emails.send_reminder(email=coordinator.user.email, pole=coordinator.pole, raw=raw):
            sent += 1
    orphans = list(Pole.objects.published().filter(coordinators__isnull=True).order_by("name"))
    if orphans and not dry_run:
        emails.send_orphans_to_editors(poles=orphans)
    return RemindersSent(coordinators=sent, orphans=len(orphans))


def _months(months: int) -> datetime.timedelta:
    return datetime.timedelta(days=round(30.44 * months))


@dataclass(frozen=True)
class Erased:
    tokens: int
    claims: int
    accounts: int


def coordination_erase_personal_data(*, dry_run: bool = False) -> Erased:
    """What the coordination keeps of people, erased on schedule (see the legal notice): links
    a month after they ended, decided claims PTCE_CONTRIBUTOR_DATA_MONTHS months after the
    decision, and coordinators' accounts unused for PTCE_COORDINATOR_INACTIVE_MONTHS months
    (never a staff account: editors and referents are managed in the admin)."""
    now = timezone.now()
    tokens = SignInToken.objects.filter(expires_at__lt=now - datetime.timedelta(days=30))
    decided_before = now - _months(settings.PTCE_CONTRIBUTOR_DATA_MONTHS)
    claims = ClaimRequest.objects.exclude(status=ClaimStatus.PENDING).filter(
        decided_at__lt=decided_before
    )
    idle_since = now - _months(settings.PTCE_COORDINATOR_INACTIVE_MONTHS)
    accounts = (
        get_user_model()
        .objects.filter(is_staff=False, is_superuser=False, coordinated_poles__isnull=False)
        .filter(
            Q(last_login__lt=idle_since) | Q(last_login__isnull=True, date_joined__lt=idle_since)
        )
        .distinct()
    )
    counts = Erased(tokens=tokens.count(), claims=claims.count(), accounts=accounts.count())
    if not dry_run:
        with transaction.atomic():
            # Rate-limit windows of more than a day are of no use (their keys are hashes).
            RateCount.objects.filter(window_start__lt=now - datetime.timedelta(days=1)).delete()
            tokens.delete()
            claims.delete()
            idle = list(accounts.values_list("pk", flat=True))
            get_user_model().objects.filter(pk__in=idle).delete()
    return counts
