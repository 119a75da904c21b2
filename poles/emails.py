"""Sending the site's e-mails: one message per recipient (nobody sees the others' addresses),
after the commit that decided them; a failure is logged and never undoes a decision."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send_each(*, subject: str, template: str, context: dict, recipients: list[str]) -> bool:
    """The same text to each address, each in its own message. False when none went."""
    recipients = [address for address in dict.fromkeys(recipients) if address]
    if not recipients:
        return False
    # A line break in a subject would make an invalid header: one line.
    subject = " ".join(subject.split())
    body = render_to_string(template, context)
    try:
        with get_connection() as connection:
            sent = connection.send_messages([
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address],
                             connection=connection)
                for address in recipients
            ])  # fmt: skip
    except Exception:  # SMTP down, a bad address, anything: what was decided stands
        logger.exception("e-mail %r not sent", subject)
        return False
    return bool(sent)


def editor_addresses() -> list[str]:
    """Editors and administrators with an address, and PTCE_MODERATION_EMAILS."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name="éditeur"))
    )
    addresses = {email for email in users.values_list("email", flat=True) if email}
    return sorted(addresses | set(settings.PTCE_MODERATION_EMAILS))
