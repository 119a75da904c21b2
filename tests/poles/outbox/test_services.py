"""The outbox against a real SMTP server on loopback (aiosmtpd): one that accepts, one that
refuses for now (4xx), one that refuses for good (5xx), one that is slow, and none at all."""

import datetime
import socket
import time

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from poles.coordination.services import coordinator_add, user_for
from poles.outbox import services
from poles.outbox.models import EmailStatus, OutgoingEmail
from tests.factories import PoleFactory, UserFactory

pytestmark = pytest.mark.django_db


class Handler:
    """Answers DATA with `reply` (None: accept), after `delay` seconds; keeps what it got."""

    def __init__(self):
        self.reply: str | None = None
        self.delay = 0.0
        self.received: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)  # a slow server, blocking its own thread only
        if self.reply:
            return self.reply
        self.received.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    handler = Handler()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        handler.port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", handler.port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 10
    yield handler
    controller.stop()


@pytest.fixture
def coordinator():
    pole = PoleFactory(name="Pôle essai")
    user = user_for(email="coord@essai.example")
    coordinator_add(pole=pole, user=user, source="invite")
    return user


def sign_in(client, email="coord@essai.example"):
    return client.post("/connexion/", {"email": email})


def make_due():
    OutgoingEmail.objects.update(send_after=timezone.now() - datetime.timedelta(seconds=1))


def test_a_refusing_server_never_fails_the_request_and_the_message_goes_once_it_accepts(
    client, smtp, coordinator, django_capture_on_commit_callbacks
):
    smtp.reply = "451 4.3.0 Essayez plus tard"
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_in(client)
    assert response.status_code == 200
    email = OutgoingEmail.objects.get()
    assert email.status == EmailStatus.PENDING and email.attempts == 1
    assert "451" in email.last_error and email.send_after > timezone.now()
    call_command("send_mail_outbox", verbosity=0)  # not due yet: waits its back-off
    assert OutgoingEmail.objects.get().attempts == 1 and not smtp.received
    smtp.reply = None
    make_due()
    call_command("send_mail_outbox", verbosity=0)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.sent_at and email.attempts == 2
    assert len(smtp.received) == 1 and "/connexion/" in smtp.received[0]
    make_due()
    call_command("send_mail_outbox", verbosity=0)
    assert len(smtp.received) == 1  # never twice


def test_retries_back_off_then_give_up_and_editors_see_and_retry_it(
    smtp, settings, client, django_capture_on_commit_callbacks
):
    settings.PTCE_EMAIL_MAX_ATTEMPTS = 3
    settings.EMAIL_PORT = 1  # nobody listens: connection refused
    OutgoingEmail.objects.create(to="a@example.org", subject="Essai", body="Bonjour")
    waits = []
    for _ in range(3):
        started = timezone.now()
        services.deliver_due()
        email = OutgoingEmail.objects.get()
        waits.append(round((email.send_after - started).total_seconds() / 60))
        make_due()
    assert waits == [1, 2, 4]
    assert email.status == EmailStatus.FAILED and email.attempts == 3
    assert "ConnectionRefusedError" in email.last_error
    # Editors see it, and send it again once the server works.
    editor = UserFactory(editor=True)
    client.force_login(editor)
    page = client.get("/admin/poles/outgoingemail/").content.decode()
    assert "1 courriel(s) n&#x27;ont pas pu partir" in page and "Essai" in page
    settings.EMAIL_PORT = smtp.port
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/poles/outgoingemail/",
                    {"action": "retry", "_selected_action": [email.pk]})  # fmt: skip
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and len(smtp.received) == 1


def test_a_permanent_refusal_gives_up_at_once(smtp):
    smtp.reply = "550 5.1.1 Boîte inconnue"
    OutgoingEmail.objects.create(to="nobody@example.org", subject="Essai", body="Bonjour")
    result = services.deliver_due()
    email = OutgoingEmail.objects.get()
    assert result.failed == 1 and email.status == EmailStatus.FAILED and email.attempts == 1
    assert "550" in email.last_error


def test_two_senders_never_send_one_message(smtp):
    email = OutgoingEmail.objects.create(to="a@example.org", subject="Essai", body="Bonjour")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        leased_until=timezone.now() + datetime.timedelta(minutes=1)  # another sender has it
    )
    assert services.deliver_due().sent == 0 and not smtp.received
    OutgoingEmail.objects.filter(pk=email.pk).update(leased_until=timezone.now())  # it died
    assert services.deliver_due().sent == 1 and len(smtp.received) == 1


def test_the_sent_page_is_the_same_for_every_address_when_emails_are_late(
    client, smtp, coordinator, django_capture_on_commit_callbacks
):
    smtp.reply = "421 4.7.0 Trop de connexions"
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client)  # its message is refused, for now
    with django_capture_on_commit_callbacks(execute=True):
        known = sign_in(client).content
    unknown = sign_in(client, "inconnu@ailleurs.example").content
    assert known == unknown and "Nos courriels partent avec du retard" in known.decode()
    OutgoingEmail.objects.all().delete()
    assert "Nos courriels partent" not in sign_in(client, "autre@ailleurs.example").content.decode()


def test_sent_and_given_up_messages_are_purged_after_the_kept_days(settings, capsys):
    settings.PTCE_EMAIL_KEPT_DAYS = 30
    old = timezone.now() - datetime.timedelta(days=31)
    OutgoingEmail.objects.create(to="a@example.org", subject="Ancien", body="x",
                                 status=EmailStatus.SENT, sent_at=old)  # fmt: skip
    OutgoingEmail.objects.create(to="b@example.org", subject="Abandonné", body="x",
                                 status=EmailStatus.FAILED, send_after=old)  # fmt: skip
    recent = OutgoingEmail.objects.create(
        to="c@example.org", subject="Récent", body="x", status=EmailStatus.SENT,
        sent_at=timezone.now(),
    )  # fmt: skip
    waiting = OutgoingEmail.objects.create(to="d@example.org", subject="En attente", body="x",
                                           created_at=old)  # fmt: skip
    call_command("purge_contributor_data")
    assert "courriels envoyés : 2" in capsys.readouterr().out
    assert set(OutgoingEmail.objects.all()) == {recent, waiting}


@pytest.mark.django_db(transaction=True)
def test_in_thread_mode_a_slow_server_never_slows_the_request(client, smtp, settings):
    settings.PTCE_EMAIL_DELIVERY = "thread"
    pole = PoleFactory(name="Pôle lent")
    coordinator_add(pole=pole, user=user_for(email="coord@lent.example"), source="invite")
    smtp.delay = 3
    started = time.monotonic()
    response = sign_in(client, "coord@lent.example")
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and elapsed < 2, elapsed
    deadline = time.monotonic() + 20
    while OutgoingEmail.objects.get().status != EmailStatus.SENT:
        assert time.monotonic() < deadline, "never sent by the worker's thread"
        time.sleep(0.1)
    assert len(smtp.received) == 1
