"""A visitor declares a charter signature; an editor accepts it; the site shows it."""

import pytest
from django.core import mail

from poles.imports import poles_import_csv
from poles.models import CharterStatus, Pole
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_charter_signature_goes_from_a_visitor_through_an_editor_to_the_site(
    page, live_server, sample_csv
):
    poles_import_csv(path=sample_csv)
    pole = Pole.objects.get(slug="pole-essai-lillois")
    assert pole.charter_status != CharterStatus.YES
    editor = UserFactory(editor=True, email="editrice@example.org")

    # An anonymous visitor, from the pole page.
    page.goto(f"{live_server.url}{pole.get_absolute_url()}")
    page.click("text=Proposer une modification")
    page.select_option("#id_charter_status", "oui")
    page.fill("#id_charter_year", "2016")
    page.fill("#id_charter_proof", "https://labo.example/signataires-2016")
    page.fill("#id_contributor_name", "Camille Martin")
    page.fill("#id_contributor_email", "camille@example.org")
    page.check("text=un réseau (Labo de l'ESS, CRESS, réseau régional…)")
    page.click("text=Envoyer la proposition")
    page.wait_for_url("**/propositions/merci/")
    assert "Rien n'est publié avant sa décision" in page.inner_text("main")
    assert any("editrice@example.org" in m.to for m in mail.outbox)

    # Nothing public changed.
    page.goto(f"{live_server.url}{pole.get_absolute_url()}")
    assert "inconnu" in page.inner_text("main") or "non signataire" in page.inner_text("main")
    assert "signataire (2016)" not in page.inner_text("main")

    # The editor moderates: the diff, then accept.
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "mot-de-passe-de-test-2026")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/poles/proposal/")
    page.click("text=Proposition n°")
    diff = page.inner_text(".moderation-diff")
    assert "Année de signature de la charte" in diff and "2016" in diff
    page.check("#id_decision_0")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/poles/proposal/**")
    assert "Proposition acceptée" in page.inner_text("body")

    # The site shows it, with its proof; the contributor is told.
    page.goto(f"{live_server.url}{pole.get_absolute_url()}")
    text = page.inner_text("main")
    assert "signataire (2016)" in text and "labo.example/signataires-2016" in text
    page.goto(f"{live_server.url}/charte/")
    assert pole.name in page.inner_text("#liste-signataires")
    page.goto(f"{live_server.url}/?charte=oui")
    listed = set(page.locator("[data-pole-list] h3").all_inner_texts())
    signatories = Pole.objects.published().filter(charter_status=CharterStatus.YES)
    assert pole.name in listed and listed == set(signatories.values_list("name", flat=True))
    assert any(m.to == ["camille@example.org"] and "acceptée" in m.subject for m in mail.outbox)
