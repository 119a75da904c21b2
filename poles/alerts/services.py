"""Follow a territory or a search by e-mail: a double opt-in (a confirmation link), then
`manage.py send_alerts` (weekly from cron) sends each confirmed follower the poles added or
changed in their selection since their last e-mail, or nothing. Every e-mail carries a
one-click unsubscribe (a link and the List-Unsubscribe headers of RFC 8058), after which the
address is deleted. Links are signed (django.core.signing), not stored."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from poles.alerts.models import Follow
from poles.emails import send_each
from poles.security import normalised_email
from poles.selectors import pole_filter_published
from poles.site import absolute_url

SALT = "ptce.alerts"
CONFIRM_DAYS = 7


def _token(follow: Follow, purpose: str) -> str:
    return signing.dumps({"f": follow.pk, "p": purpose}, salt=SALT, compress=True)


def follow_from_token(raw: str, purpose: str, max_age: int | None = None) -> Follow | None:
    try:
        data = signing.loads(raw, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != purpose:
        return None
    return Follow.objects.filter(pk=data.get("f")).first()


def unsubscribe_url(follow: Follow) -> str:
    return absolute_url(reverse("poles:follow_stop", args=[_token(follow, "stop")]))


def selection_label(selection: str) -> str:
    """The selection in words ("Région : Bretagne"), or the whole directory."""
    chips = pole_filter_published(data=QueryDict(selection)).chips()
    return " ; ".join(f"{chip['label']} : {chip['value']}" for chip in chips) or "tout l'annuaire"


@transaction.atomic
def follow_request(*, email: str, selection: str) -> None:
    """A confirmation link to the address; the same whatever the address already follows
    (the caller answers the same page): a confirmed follow is not asked again."""
    email = normalised_email(email)
    try:
        with transaction.atomic():
            follow = Follow.objects.create(email=email, selection=selection,
                                           label=selection_label(selection)[:500])  # fmt: skip
    except IntegrityError:
        follow = Follow.objects.get(email=email, selection=selection)
        if follow.confirmed_at:
            return
    send_each(
        subject="[Annuaire des PTCE] Confirmez votre abonnement",
        template="alerts/emails/confirm.txt",
        context={
            "url": absolute_url(reverse("poles:follow_confirm", args=[_token(follow, "confirm")])),
            "label": follow.label,
            "days": CONFIRM_DAYS,
        },
        recipients=[email],
    )


def follow_confirm(follow: Follow) -> None:
    if follow.confirmed_at is None:
        now = timezone.now()
        Follow.objects.filter(pk=follow.pk).update(confirmed_at=now, last_sent_at=now)


def follow_stop(follow: Follow) -> None:
    """Stops following: the address is deleted at once."""
    Follow.objects.filter(pk=follow.pk).delete()


@dataclass(frozen=True)
class AlertReport:
    sent: int
    nothing_new: int


def alerts_send() -> AlertReport:
    """Each confirmed follower: the poles of their selection added or changed since their last
    e-mail, or nothing at all."""
    sent = nothing = 0
    now = timezone.now()
    for follow in Follow.objects.filter(confirmed_at__isnull=False).order_by("pk"):
        since = follow.last_sent_at or follow.confirmed_at
        poles = pole_filter_published(data=QueryDict(follow.selection)).qs
        added = list(poles.filter(created_at__gt=since).order_by("name"))
        changed = list(
            poles.filter(updated_at__gt=since).exclude(pk__in=[p.pk for p in added])
            .order_by("name")
        )  # fmt: skip
        if not added and not changed:
            nothing += 1
            continue
        with transaction.atomic():
            stop = unsubscribe_url(follow)
            send_each(
                subject=f"[Annuaire des PTCE] Du nouveau : {follow.label}"[:255],
                template="alerts/emails/alert.txt",
                context={
                    "label": follow.label,
                    "added": added,
                    "changed": changed,
                    "site": settings.PTCE_SITE_URL,
                    "stop": stop,
                    "list": absolute_url("/")
                    + (f"?{follow.selection}" if follow.selection else ""),
                },
                recipients=[follow.email],
                headers={
                    "List-Unsubscribe": f"<{stop}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            Follow.objects.filter(pk=follow.pk).update(last_sent_at=now)
        sent += 1
    return AlertReport(sent=sent, nothing_new=nothing)


def alerts_erase_unconfirmed(*, dry_run: bool = False) -> int:
    """Requests never confirmed within CONFIRM_DAYS: their address goes."""
    old = Follow.objects.filter(
        Q(confirmed_at__isnull=True),
        created_at__lt=timezone.now() - datetime.timedelta(days=CONFIRM_DAYS),
    )
    count = old.count()
    if not dry_run:
        old.delete()
    return count
