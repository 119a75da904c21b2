"""The site's e-mails: one message per recipient (nobody sees the others' addresses), written
to the outbox in the transaction that decides them and delivered after its commit, outside the
request (poles.outbox.services); a mail server that fails never undoes nor slows a decision."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string

from poles.outbox import services as outbox


def send_each(
    *, subject: str, template: str, context: dict, recipients: list[str],
    headers: dict | None = None,
) -> bool:  # fmt: skip
    """The same text to each address, each in its own message. False when there is nobody."""
    recipients = [address for address in dict.fromkeys(recipients) if address]
    if not recipients:
        return False
    # A line break in a subject would make an invalid header: one line.
    subject = " ".join(subject.split())
    body = render_to_string(template, context)
    return bool(outbox.queue(subject=subject, body=body, recipients=recipients, headers=headers))


def editor_addresses() -> list[str]:
    """Editors and administrators with an address, and PTCE_MODERATION_EMAILS."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name="éditeur"))
    )
    addresses = {email for email in users.values_list("email", flat=True) if email}
    return sorted(addresses | set(settings.PTCE_MODERATION_EMAILS))
