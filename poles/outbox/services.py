"""Writing e-mails to the outbox and delivering them.

`queue()` writes one row per recipient in the caller's transaction: a decision and its e-mails
are committed together, or neither. After the commit, delivery is started in the background of
the process (PTCE_EMAIL_DELIVERY = "thread", one thread per process): the request never waits
for the mail server, and a slow or dead one never fails a decision. `manage.py send_mail_outbox`
(cron, every minute) sends what is due: the retries, with a growing back-off, and anything a
stopped process left. Why both: a sign-in link is wanted now (the thread), and nothing may be
lost when a worker restarts or the server is down for hours (the table and the cron).
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import smtplib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from poles.outbox.models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=5)
# How long an unsent message, or a recent failure, means "e-mails are delayed" on the pages.
DELAYED_AFTER = datetime.timedelta(minutes=5)

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ptce-outbox")


def queue(*, subject: str, body: str, recipients: list[str], headers: dict | None = None) -> int:
    """One row per recipient (nobody sees the others' addresses); delivery starts after the
    commit. Returns how many were queued."""
    rows = OutgoingEmail.objects.bulk_create(
        OutgoingEmail(to=address, subject=subject[:255], body=body, headers=headers or {})
        for address in recipients
    )
    if rows:
        transaction.on_commit(deliver_soon)
    return len(rows)


def deliver_soon() -> Future | None:
    """Starts delivering what is due, as PTCE_EMAIL_DELIVERY says: "thread" (in the background
    of this process), "inline" (now, in this thread: tests and scripts) or "cron" (nothing:
    send_mail_outbox will)."""
    mode = settings.PTCE_EMAIL_DELIVERY
    if mode == "inline":
        deliver_due()
    elif mode == "thread":
        return _executor.submit(_deliver_in_thread)
    return None


def _deliver_in_thread() -> None:
    try:
        deliver_due()
    except Exception:  # the cron command will try again
        logger.exception("outbox delivery failed")
    finally:
        # This thread's own connections: idle until the next e-mail, they would hold a
        # database session (and block dropping a test database).
        connections.close_all()


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before the next try: 1, 2, 4 … minutes, at most 6 hours."""
    return datetime.timedelta(minutes=min(2 ** (attempts - 1), 360))


@dataclass
class Delivery:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def deliver_due(*, limit: int = 200) -> Delivery:
    """Sends the messages that are due, each taken by a lease so that no other sender sends it
    too. A refusal the server calls permanent (5xx) or the last allowed attempt ends in
    "failed"; anything else is tried again later."""
    result = Delivery()
    now = timezone.now()
    due = list(
        OutgoingEmail.objects.filter(status=EmailStatus.PENDING, send_after__lte=now)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not due:
        return result
    connection = get_connection(fail_silently=False)
    try:
        for pk in due:
            taken = (
                OutgoingEmail.objects.filter(pk=pk, status=EmailStatus.PENDING)
                .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=timezone.now()))
                .update(leased_until=timezone.now() + LEASE)
            )
            if not taken:  # another sender has it
                continue
            email = OutgoingEmail.objects.get(pk=pk)
            try:
                message = EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL,
                                       [email.to], connection=connection,
                                       headers=email.headers or None)  # fmt: skip
                message.send()
            except Exception as error:
                _failed(email, error, result)
                connection.close()  # a broken connection is opened again for the next one
            else:
                OutgoingEmail.objects.filter(pk=pk).update(
                    status=EmailStatus.SENT, sent_at=timezone.now(), leased_until=None,
                    attempts=email.attempts + 1, last_error="",
                )  # fmt: skip
                result.sent += 1
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    return result


def _permanent(error: Exception) -> bool:
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(c >= 500 for c in codes)
    return isinstance(code, int) and code >= 500


def _failed(email: OutgoingEmail, error: Exception, result: Delivery) -> None:
    attempts = email.attempts + 1
    final = _permanent(error) or attempts >= settings.PTCE_EMAIL_MAX_ATTEMPTS
    message = f"{type(error).__name__}: {error}"[:500]
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.FAILED if final else EmailStatus.PENDING,
        attempts=attempts,
        last_error=message,
        leased_until=None,
        send_after=timezone.now() + backoff(attempts),
    )
    logger.warning("e-mail %s not sent (attempt %s%s): %s", email.pk, attempts,
                   ", given up" if final else "", message)  # fmt: skip
    if final:
        result.failed += 1
    else:
        result.retried += 1


def mail_delayed() -> bool:
    """Whether the site's e-mails are late now: a message waiting for more than a few minutes,
    or a recent failure. Said the same to everybody (never about one address), so a page
    that shows it tells nothing of who has an account."""
    now = timezone.now()
    waiting = OutgoingEmail.objects.filter(status=EmailStatus.PENDING)
    return (
        waiting.filter(created_at__lt=now - DELAYED_AFTER).exists()
        or waiting.filter(attempts__gt=0).exists()
        or OutgoingEmail.objects.filter(
            status=EmailStatus.FAILED, send_after__gte=now - DELAYED_AFTER
        ).exists()
    )


def erase_old(*, dry_run: bool = False) -> int:
    """Messages hold addresses and links: sent ones are kept PTCE_EMAIL_KEPT_DAYS (to answer
    "I never got it"), failed ones as long again after giving up, then deleted."""
    since = timezone.now() - datetime.timedelta(days=settings.PTCE_EMAIL_KEPT_DAYS)
    old = OutgoingEmail.objects.filter(
        Q(status=EmailStatus.SENT, sent_at__lt=since)
        | Q(status=EmailStatus.FAILED, send_after__lt=since)
    )
    count = old.count()
    if not dry_run:
        old.delete()
    return count
