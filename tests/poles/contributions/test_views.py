"""The public proposal forms: prefilled, validated like the model, never published as they are."""

import re

import pytest
from django.core import mail

from poles.contributions.models import Proposal, ProposalKind, ProposalStatus
from poles.models import CharterStatus, Pole
from tests.factories import PoleFactory, UserFactory
from tests.poles.contributions.conftest import correction

pytestmark = pytest.mark.django_db


@pytest.fixture
def pole():
    return PoleFactory(located=True, name="Pôle des essais", website="https://essais.example",
                       sources="https://essais.example/a")  # fmt: skip


def test_every_pole_page_links_to_the_proposal_forms(client, pole):
    html = client.get(pole.get_absolute_url()).content.decode()
    for path in ("proposer/", "a-jour/", "n-existe-plus/"):
        assert f'href="/poles/{pole.slug}/{path}"' in html
    assert "déclarer la signature" in html


def test_the_correction_form_is_prefilled_with_the_current_values(client, pole):
    response = client.get(f"/poles/{pole.slug}/proposer/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Pôle des essais"' in html and "https://essais.example/a" in html
    assert 'name="snapshot_token"' in html and 'name="entreprise"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_charter_declaration_is_stored_pending_and_changes_nothing_public(
    client, pole, contributor, django_capture_on_commit_callbacks
):
    UserFactory(editor=True, email="editrice@example.org")
    data = correction(pole, charter_status="oui", charter_year="2015",
                      charter_proof="https://labo.example/signataires", **contributor)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/poles/{pole.slug}/proposer/", data)
    assert response.status_code == 302 and response["Location"] == "/propositions/merci/"
    proposal = Proposal.objects.get()
    assert proposal.status == ProposalStatus.PENDING and proposal.kind == ProposalKind.CORRECTION
    assert proposal.proposed_values == {
        "charter_status": "oui",
        "charter_year": 2015,
        "charter_proof": "https://labo.example/signataires",
    }
    assert proposal.snapshot["charter_status"] == "inconnu"
    assert proposal.contributor_email == "camille@example.org"
    pole.refresh_from_db()
    assert pole.charter_status == CharterStatus.UNKNOWN  # nothing published before a decision
    assert [m.to for m in mail.outbox] == [["editrice@example.org"]]
    thanks = client.get("/propositions/merci/").content.decode()
    assert "Rien n'est publié avant sa décision" in thanks


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"website": "javascript:alert(1)"}, "website", "adresse web valide"),
        ({"sources": "https://ok.example\nnotaurl"}, "sources", "notaurl"),
        ({"year_created": "1492"}, "year_created", "1900"),
        ({"charter_status": "non", "charter_year": "2016"}, "charter_year", "signataire"),
        ({"charter_status": "oui", "charter_year": "2016"}, "charter_proof", "d'où vient"),
        (
            {"charter_year": "2013", "charter_status": "oui", "charter_proof": "vu"},
            "charter_year",
            "2014",
        ),
        ({"members": "Sans catégorie"}, "members", "Nom (catégorie)"),
        ({"summary": "<b>gras</b>"}, "summary", "pas de balises"),
        ({"summary": "voir https://spam.example"}, "summary", "Pas d'adresse web"),
        ({"name": "x" * 201}, "name", "200"),
        ({"department": "99"}, "department", "choix"),
        ({"stage": "fini"}, "stage", "choix"),
        ({"contributor_email": "pas-un-courriel"}, "contributor_email", "adresse e-mail valide"),
        ({"contributor_relation": ""}, "contributor_relation", "obligatoire"),
    ],
)
def test_a_bad_value_gets_a_message_next_to_its_field_and_nothing_is_saved(
    client, pole, contributor, changes, field, message
):
    data = correction(pole, **{**contributor, **changes})
    if "summary" not in changes:
        data["summary"] = "Une présentation changée."
    response = client.post(f"/poles/{pole.slug}/proposer/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert not Proposal.objects.exists()
    html = response.content.decode()
    assert "n'a pas été enregistrée" in html and 'aria-invalid="true"' in html


def test_an_unchanged_correction_points_to_the_confirmation(client, pole, contributor):
    response = client.post(f"/poles/{pole.slug}/proposer/", correction(pole, **contributor))
    assert "rien modifié" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_tampered_snapshot_is_refused(client, pole, contributor):
    data = correction(pole, short_name="PDE", **contributor)
    data["snapshot_token"] = data["snapshot_token"][:-3] + "abc"
    response = client.post(f"/poles/{pole.slug}/proposer/", data)
    assert "expiré" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_missing_ptce_needs_a_name_and_a_source(client, contributor):
    response = client.post("/proposer-un-ptce/", {**contributor, "has_common_place": "inconnu",
                                                   "charter_status": "inconnu"})  # fmt: skip
    errors = response.context["form"].errors
    assert "name" in errors and "sources" in errors
    data = {**contributor, "name": "Pôle nouveau d'essai", "sources": "https://nouveau.example",
            "has_common_place": "oui", "charter_status": "inconnu", "department": "35",
            "themes": ["alimentation"], "members": "Coop d'essai (entreprise-ess)"}  # fmt: skip
    assert client.post("/proposer-un-ptce/", data).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.kind == ProposalKind.NEW and proposal.pole is None
    assert proposal.proposed_values["name"] == "Pôle nouveau d'essai"
    assert proposal.proposed_values["members"] == ["Coop d'essai (entreprise-ess)"]
    assert not Pole.objects.filter(name="Pôle nouveau d'essai").exists()


def test_a_missing_ptce_that_exists_already_says_so(client, pole, contributor):
    data = {**contributor, "name": "PÔLE DES ESSAIS", "sources": "https://x.example",
            "has_common_place": "inconnu", "charter_status": "inconnu"}  # fmt: skip
    errors = client.post("/proposer-un-ptce/", data).context["form"].errors
    assert "déjà" in " ".join(errors["name"])


def test_closed_and_up_to_date_reports(client, pole, contributor):
    message = "Dissous en 2024 (assemblée générale)."
    closed = client.post(f"/poles/{pole.slug}/n-existe-plus/", {**contributor, "message": message})
    assert closed.status_code == 302
    confirmed = client.post(f"/poles/{pole.slug}/a-jour/", contributor)
    assert confirmed.status_code == 302
    kinds = dict(Proposal.objects.values_list("kind", "proposed_values"))
    assert kinds == {ProposalKind.CLOSED: {"stage": "arrete"}, ProposalKind.CONFIRMATION: {}}


def test_the_honeypot_stores_nothing_but_looks_the_same(client, pole, contributor):
    data = correction(pole, short_name="PDE", entreprise="Spam SARL", **contributor)
    response = client.post(f"/poles/{pole.slug}/proposer/", data)
    assert response.status_code == 302 and response["Location"] == "/propositions/merci/"
    assert not Proposal.objects.exists()


def test_too_many_proposals_from_one_address_get_a_clear_429(client, pole, contributor, settings):
    settings.PTCE_PROPOSALS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(f"/poles/{pole.slug}/a-jour/", contributor).status_code == 302
    response = client.post(f"/poles/{pole.slug}/a-jour/", contributor)
    assert response.status_code == 429 and response["Retry-After"]
    assert "Trop de propositions, réessayez plus tard" in response.content.decode()
    assert Proposal.objects.count() == 2
    # Another address is not concerned.
    other = client.post(f"/poles/{pole.slug}/a-jour/", contributor, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_an_unpublished_or_unknown_pole_has_no_form(client, contributor):
    hidden = PoleFactory(unpublished=True)
    assert client.get(f"/poles/{hidden.slug}/proposer/").status_code == 404
    assert client.post("/poles/inconnu/a-jour/", contributor).status_code == 404


def test_a_failed_email_loses_nothing(client, pole, contributor, settings,
                                      django_capture_on_commit_callbacks, caplog):  # fmt: skip
    UserFactory(editor=True, email="editrice@example.org")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/poles/{pole.slug}/a-jour/", contributor)
    assert response.status_code == 302
    assert Proposal.objects.count() == 1
    assert "not sent" in caplog.text


def test_emails_can_go_to_files(client, pole, contributor, settings, tmp_path,
                                django_capture_on_commit_callbacks):  # fmt: skip
    UserFactory(editor=True, email="editrice@example.org")
    settings.EMAIL_BACKEND = settings.EMAIL_BACKENDS["file"]
    settings.EMAIL_FILE_PATH = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/poles/{pole.slug}/a-jour/", contributor)
    written = "".join(path.read_text() for path in tmp_path.iterdir())
    assert "To: editrice@example.org" in written and "attend votre décision" in written


def test_a_missing_ptce_form_starts_with_every_unknown_as_unknown(client):
    form = client.get("/proposer-un-ptce/").context["form"]
    assert form["charter_status"].value() == "inconnu"
    assert form["has_common_place"].value() == "inconnu"
    assert form["stage"].value() == ""  # "inconnu"
    assert form["year_created"].value() is None
    html = client.get("/proposer-un-ptce/").content.decode()
    assert '<option value="inconnu" selected>inconnu</option>' in html


def test_a_plain_report_sent_as_the_form_comes_is_accepted(client, contributor):
    """What a browser sends when the visitor fills only the name and a source."""
    html = client.get("/proposer-un-ptce/").content.decode()
    data = {}
    for name in ("charter_status", "has_common_place", "stage", "department"):
        select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
        chosen = re.search(r'<option value="([^"]*)" selected>', select)
        data[name] = chosen.group(1) if chosen else re.search(r'value="([^"]*)"', select).group(1)
    data |= {**contributor, "name": "Pôle signalé simplement", "sources": "https://simple.example"}
    assert client.post("/proposer-un-ptce/", data).status_code == 302
    values = Proposal.objects.get().proposed_values
    assert values["charter_status"] == "inconnu" and values["has_common_place"] == "inconnu"


def test_all_errors_come_in_one_round(client, contributor):
    data = {**contributor, "name": "", "sources": "https://x.example", "year_created": "1700",
            "charter_status": "oui", "charter_year": "2010", "has_common_place": "inconnu",
            "website": "pas une adresse"}  # fmt: skip
    errors = client.post("/proposer-un-ptce/", data).context["form"].errors
    # The field's own errors (the name) and the model's (year, charter) together.
    assert {"name", "year_created", "charter_proof"} <= set(errors), errors
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    "typed",
    ["PTCE Pôle des Essais", "Les essais", "Le Pôle des essai"],
)
def test_a_missing_ptce_like_an_existing_one_is_shown_and_asked_to_confirm(
    client, pole, contributor, typed
):
    from tests.factories import CommuneFactory

    CommuneFactory(code="44109", name="Nantes", postcodes="44000")
    data = {**contributor, "name": typed, "sources": "https://x.example",
            "commune": "Nantes", "has_common_place": "inconnu",
            "charter_status": "inconnu"}  # fmt: skip
    response = client.post("/proposer-un-ptce/", data)
    assert response.status_code == 200 and not Proposal.objects.exists()
    html = response.content.decode()
    assert f'<a href="{pole.get_absolute_url()}">{pole.name}</a>' in html
    assert "not_duplicate" in response.context["form"].errors
    assert client.post("/proposer-un-ptce/", {**data, "not_duplicate": "on"}).status_code == 302
    assert Proposal.objects.count() == 1


def test_a_missing_ptce_elsewhere_or_otherwise_named_is_not_a_duplicate(client, pole, contributor):
    for name, commune in (("Pôle des essais rennais", "Rennes"),
                          ("Coopérative du Marais", "Nantes")):  # fmt: skip
        data = {**contributor, "name": name, "sources": "https://x.example", "commune": commune,
                "has_common_place": "inconnu", "charter_status": "inconnu"}  # fmt: skip
        assert client.post("/proposer-un-ptce/", data).status_code == 302


def test_a_missing_ptce_within_ten_km_with_a_similar_name_is_asked_to_confirm(
    client, pole, contributor
):
    from decimal import Decimal

    from tests.factories import CommuneFactory, department

    CommuneFactory(code="44143", name="Rezé", department=department("44"),
                   latitude=Decimal("47.1833"), longitude=Decimal("-1.55"))  # fmt: skip
    data = {**contributor, "name": "Pôle des essais", "sources": "https://x.example",
            "commune": "Rezé", "department": "44", "has_common_place": "inconnu",
            "charter_status": "inconnu"}  # fmt: skip
    data["name"] = "PTCE des Essais"
    response = client.post("/proposer-un-ptce/", data)
    assert response.status_code == 200 and response.context["form"].similar == [pole]
