"""Following a selection by e-mail: double opt-in, weekly news or nothing, one-click stop."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from poles.alerts.models import Follow
from tests.factories import PoleFactory, department, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(client, django_capture_on_commit_callbacks):
    """camille@example.org follows Bretagne (53), confirmed."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/suivre/?region=53&utm=x", {"email": "Camille@Example.org"})
    assert response.status_code == 200 and "Demande reçue" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["camille@example.org"] and "Région : Bretagne" in message.body
    link = re.search(r"http://testserver(/suivre/confirmer/\S+/)", message.body).group(1)
    assert "Confirmer" in client.get(link).content.decode()  # a mail scanner confirms nothing
    assert Follow.objects.get().confirmed_at is None
    assert "Abonnement confirmé" in client.post(link).content.decode()
    mail.outbox.clear()
    follow = Follow.objects.get()
    assert follow.confirmed_at and follow.selection == "region=53"  # junk left out
    return follow


def breton(name: str):
    return PoleFactory(name=name, department=department("35"), region=region("53"))


def send_alerts(capture) -> None:
    with capture(execute=True):
        call_command("send_alerts", verbosity=0)


def test_a_follower_gets_the_new_poles_of_their_selection_then_nothing(
    confirmed, django_capture_on_commit_callbacks
):
    breton("Pôle breton tout neuf")
    PoleFactory(name="Pôle nantais neuf")  # another region
    send_alerts(django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "Pôle breton tout neuf" in message.body and "Pôle nantais neuf" not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/suivre/arreter/" in message.extra_headers["List-Unsubscribe"]
    mail.outbox.clear()
    send_alerts(django_capture_on_commit_callbacks)
    assert mail.outbox == []  # nothing new: nothing sent


def test_one_click_stops_and_erases_the_address(confirmed, django_capture_on_commit_callbacks):
    breton("Premier")
    send_alerts(django_capture_on_commit_callbacks)
    stop = re.search(r"http://testserver(/suivre/arreter/\S+/)", mail.outbox[0].body).group(1)
    assert mail.outbox[0].extra_headers["List-Unsubscribe"] == f"<http://testserver{stop}>"
    # RFC 8058: the mail client posts without any form or cookie.
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(stop, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and not Follow.objects.exists()
    mail.outbox.clear()
    breton("Second")
    send_alerts(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert "ne suivez plus" in Client().get(stop).content.decode()


def test_the_same_page_whatever_the_address_and_no_second_confirmation(
    client, confirmed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/suivre/?region=53", {"email": "camille@example.org"})
        other = client.post("/suivre/?region=53", {"email": "dominique@example.org"})
    assert again.content == other.content
    assert [m.to for m in mail.outbox] == [["dominique@example.org"]]


def test_a_bad_or_forged_link_says_it_no_longer_works(client, confirmed):
    assert client.get("/suivre/confirmer/pas-un-jeton/").status_code == 410
    assert "ne suivez plus" in client.post("/suivre/arreter/pas-un-jeton/").content.decode()
    assert Follow.objects.exists()


def test_follow_requests_are_rate_limited(client, settings):
    settings.PTCE_SIGN_IN_PER_HOUR = 2
    statuses = [client.post("/suivre/", {"email": "x@example.org"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_unconfirmed_requests_are_erased_after_a_week(client, capsys):
    client.post("/suivre/?thematique=alimentation", {"email": "lent@example.org"})
    Follow.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    call_command("purge_contributor_data")
    assert "abonnements jamais confirmés : 1" in capsys.readouterr().out
    assert not Follow.objects.exists()


def test_the_directory_the_territories_and_the_poles_offer_to_follow(client):
    pole = breton("Pôle à suivre")
    assert 'href="/suivre/?region=53"' in client.get("/?region=53").content.decode()
    assert 'href="/suivre/?region=53"' in client.get("/regions/bretagne/").content.decode()
    html = client.get(pole.get_absolute_url()).content.decode()
    assert 'href="/suivre/?departement=35"' in html
