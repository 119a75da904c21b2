"""Claiming a pole, signing in by e-mail, the coordinator's space: as a person meets them."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from poles.coordination.models import ClaimRequest, PoleCoordinator, SignInToken
from poles.coordination.services import token_hash
from poles.models import ChangeSource
from tests.factories import PoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pole():
    return PoleFactory(name="Pôle des Ecossolies", slug="ecossolies", located=True,
                       website="https://www.ecossolies.fr/", summary="Avant.")  # fmt: skip


def claim(client, pole, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/poles/{pole.slug}/coordonner/", {"email": email})


def link_in(message) -> str:
    return re.search(r"https?://\S+/connexion/(\S+)/", message.body).group(1)


def test_an_address_on_the_poles_domain_gets_a_link_that_makes_it_coordinator(
    client, pole, django_capture_on_commit_callbacks
):
    response = claim(client, pole, "Camille@Ecossolies.fr", django_capture_on_commit_callbacks)
    assert response.status_code == 200 and "Demande reçue" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["camille@ecossolies.fr"] and pole.name in message.subject
    raw = link_in(message)
    # The token is stored hashed, for one hour.
    token = SignInToken.objects.get()
    assert token.token_hash == token_hash(raw) and raw not in token.token_hash
    assert timezone.now() + datetime.timedelta(minutes=59) < token.expires_at
    assert token.expires_at < timezone.now() + datetime.timedelta(minutes=61)
    # Opening the link only shows a button (a mail scanner uses nothing).
    assert client.get(f"/connexion/{raw}/").status_code == 200
    assert not PoleCoordinator.objects.exists()
    response = client.post(f"/connexion/{raw}/")
    assert response["Location"] == f"/espace-pole/{pole.slug}/"
    assert PoleCoordinator.objects.get().user.email == "camille@ecossolies.fr"
    # Single use.
    client.logout()
    assert client.post(f"/connexion/{raw}/").status_code == 410
    assert client.get(f"/connexion/{raw}/").status_code == 410


def test_any_other_address_waits_for_the_editors_and_the_answer_is_the_same(
    client, pole, django_capture_on_commit_callbacks, settings
):
    settings.PTCE_MODERATION_EMAILS = ["equipe@annuaire.example"]
    vouched = claim(client, pole, "a@ecossolies.fr", django_capture_on_commit_callbacks)
    other = claim(client, pole, "b@gmail.example", django_capture_on_commit_callbacks)
    words = re.compile(r'<p class="lead" role="status">(.*?)</p>', re.S)
    assert words.search(vouched.content.decode()).group(1) == words.search(
        other.content.decode()).group(1)  # fmt: skip
    assert ClaimRequest.objects.get().email == "b@gmail.example"
    assert [m.to for m in mail.outbox] == [["a@ecossolies.fr"], ["equipe@annuaire.example"]]
    assert "b@gmail.example" not in mail.outbox[1].body  # the editors open the admin


def test_the_published_contact_address_is_vouched_for_too(
    client, django_capture_on_commit_callbacks
):
    pole = PoleFactory(contact_email="contact@pole.example", website="")
    claim(client, pole, "contact@pole.example", django_capture_on_commit_callbacks)
    assert not ClaimRequest.objects.exists() and SignInToken.objects.count() == 1


def test_an_expired_link_is_refused(client, pole, django_capture_on_commit_callbacks):
    claim(client, pole, "a@ecossolies.fr", django_capture_on_commit_callbacks)
    raw = link_in(mail.outbox[0])
    SignInToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.post(f"/connexion/{raw}/").status_code == 410
    assert not PoleCoordinator.objects.exists()
    assert client.post("/connexion/pas-un-jeton/").status_code == 410


@pytest.fixture
def coordinator_client(client, pole, django_capture_on_commit_callbacks):
    claim(client, pole, "a@ecossolies.fr", django_capture_on_commit_callbacks)
    client.post(f"/connexion/{link_in(mail.outbox[0])}/")
    mail.outbox.clear()
    return client


def test_the_coordinator_edits_the_pole_published_at_once_with_its_history(
    coordinator_client, pole, django_capture_on_commit_callbacks, settings
):
    settings.PTCE_MODERATION_EMAILS = ["equipe@annuaire.example"]
    page = coordinator_client.get(f"/espace-pole/{pole.slug}/")
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None}
    data["summary"] = "Après : écrit par le pôle."
    for name in ("members", "sources"):
        data[name] = "\n".join(data[name]) if isinstance(data[name], list) else data[name]
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(f"/espace-pole/{pole.slug}/", data)
    assert response.status_code == 302, response.context["form"].errors
    pole.refresh_from_db()
    assert pole.summary == "Après : écrit par le pôle."
    change = pole.changes.latest("pk")
    assert change.source == ChangeSource.POLE and change.user.email == "a@ecossolies.fr"
    assert (
        "Après : écrit par le pôle."
        in coordinator_client.get(pole.get_absolute_url()).content.decode()
    )
    history = coordinator_client.get(f"/poles/{pole.slug}/historique/").content.decode()
    assert "le pôle lui-même" in history and "a@ecossolies.fr" not in history
    assert mail.outbox[-1].to == ["equipe@annuaire.example"]


def test_toujours_a_jour_in_one_click(coordinator_client, pole):
    coordinator_client.post(f"/espace-pole/{pole.slug}/a-jour/")
    pole.refresh_from_db()
    assert pole.last_verified == timezone.localdate()
    assert pole.changes.latest("pk").source == ChangeSource.POLE


def test_a_coordinator_reaches_no_other_pole(coordinator_client, pole):
    other = PoleFactory(name="Un autre pôle")
    assert coordinator_client.get(f"/espace-pole/{other.slug}/").status_code == 404
    assert coordinator_client.post(f"/espace-pole/{other.slug}/a-jour/").status_code == 404
    other.refresh_from_db()
    assert other.last_verified is None
    listed = coordinator_client.get("/espace-pole/").context["poles"]
    assert listed == [pole]


def test_signed_out_people_are_sent_to_the_sign_in_page(client, pole):
    assert client.get(f"/espace-pole/{pole.slug}/")["Location"] == "/connexion/"
    assert client.get("/espace-pole/")["Location"] == "/connexion/"


def test_sign_in_by_e_mail_tells_nothing_of_unknown_addresses(
    client, coordinator_client, django_capture_on_commit_callbacks
):
    coordinator_client.post("/deconnexion/")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/connexion/", {"email": "a@ecossolies.fr"})
        unknown = client.post("/connexion/", {"email": "personne@nulle.part"})
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert [m.to for m in mail.outbox] == [["a@ecossolies.fr"]]


def test_sign_in_and_claims_are_rate_limited(client, pole, settings):
    settings.PTCE_SIGN_IN_PER_HOUR = 2
    for _ in range(2):
        assert client.post("/connexion/", {"email": "x@y.example"}).status_code == 200
    response = client.post("/connexion/", {"email": "x@y.example"})
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    for _ in range(2):
        client.post(f"/poles/{pole.slug}/coordonner/", {"email": "z@y.example"})
    assert client.post(f"/poles/{pole.slug}/coordonner/",
                       {"email": "z@y.example"}).status_code == 429  # fmt: skip


def test_a_bad_address_gets_a_message(client, pole):
    response = client.post(f"/poles/{pole.slug}/coordonner/", {"email": "pas une adresse"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not SignInToken.objects.exists() and not ClaimRequest.objects.exists()
    response = client.post("/connexion/", {"email": "a" * 250 + "@x.fr"})
    assert response.status_code == 200 and response.context["form"].errors


def test_the_pole_page_links_to_the_claim(client, pole):
    page = client.get(pole.get_absolute_url()).content.decode()
    assert f'href="/poles/{pole.slug}/coordonner/"' in page


def test_the_coordinator_is_told_of_a_proposal_and_decides_it(
    coordinator_client, pole, django_capture_on_commit_callbacks
):
    from poles.contributions.models import Proposal, ProposalStatus
    from poles.contributions.services import proposal_create

    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_create(kind="correction", pole=pole,
                                   proposed_values={"short_name": "ECO"}, snapshot={},
                                   contributor_name="", contributor_email="c@example.org",
                                   contributor_relation="autre")  # fmt: skip
    told = [m for m in mail.outbox if m.to == ["a@ecossolies.fr"]]
    assert len(told) == 1 and f"/espace-pole/{pole.slug}/#propositions" in told[0].body
    page = coordinator_client.get(f"/espace-pole/{pole.slug}/").content.decode()
    assert "short_name : ECO" in page
    # A refusal needs its reason; an acceptance writes the pole through the service.
    coordinator_client.post(f"/espace-pole/{pole.slug}/propositions/{proposal.pk}/",
                            {"decision": "refuser"})  # fmt: skip
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    coordinator_client.post(f"/espace-pole/{pole.slug}/propositions/{proposal.pk}/",
                            {"decision": "accepter"})  # fmt: skip
    proposal.refresh_from_db()
    pole.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and pole.short_name == "ECO"
    # Another pole's proposal is out of reach.
    other = Proposal.objects.create(kind="correction", pole=PoleFactory(name="Autre"),
                                    proposed_values={"short_name": "Z"}, snapshot={})  # fmt: skip
    response = coordinator_client.post(f"/espace-pole/{pole.slug}/propositions/{other.pk}/",
                                       {"decision": "accepter"})  # fmt: skip
    assert response.status_code == 404


def test_a_charter_signature_declared_by_the_pole_shows_so_with_its_proof(
    coordinator_client, pole, commit
):
    from poles.services import pole_update

    user = PoleCoordinator.objects.get().user
    declared = {"charter_status": "oui", "charter_year": 2023,
                "charter_proof": "https://ecossolies.fr/charte"}  # fmt: skip
    with commit():
        pole_update(pole=pole, values=declared, source=ChangeSource.POLE, user=user)
    page = coordinator_client.get(pole.get_absolute_url()).content.decode()
    assert 'signataire (2023) <span class="badge">déclaré par le pôle</span>' in page
    assert 'href="https://ecossolies.fr/charte"' in page
    # Set by an editor afterwards (the caches renew after the commit): no longer "by the pole".
    with commit():
        withdrawn = {"charter_status": "non", "charter_year": None, "charter_proof": ""}
        pole_update(pole=pole, values=withdrawn, source=ChangeSource.EDITOR)
    page = coordinator_client.get(pole.get_absolute_url()).content.decode()
    assert "déclaré par le pôle" not in page


def test_editors_go_back_before_a_pole_edit_without_undoing_newer_work(
    coordinator_client, pole, client
):
    from poles.services import pole_update
    from tests.factories import UserFactory

    user = PoleCoordinator.objects.get().user
    by_pole = pole_update(pole=pole, values={"summary": "Écrit par le pôle.",
                                             "short_name": "ECO"},
                          source=ChangeSource.POLE, user=user).change  # fmt: skip
    # Someone changed the short name again since: that one is kept.
    pole_update(pole=pole, values={"short_name": "ECOSS"}, source=ChangeSource.EDITOR)
    editor = UserFactory(editor=True)
    client.force_login(editor)
    history = client.get(f"/admin/poles/pole/{pole.pk}/history/").content.decode()
    url = f"/admin/poles/pole/{pole.pk}/historique/{by_pole.pk}/annuler/"
    assert url in history
    response = client.post(url, follow=True)
    pole.refresh_from_db()
    assert pole.summary == "Avant." and pole.short_name == "ECOSS"
    messages = [str(m) for m in response.context["messages"]]
    assert any("Gardé(s), modifié(s) depuis : nom court ou sigle" in m for m in messages)
    latest = pole.changes.latest("pk")
    assert latest.source == ChangeSource.EDITOR and latest.reason.startswith("retour avant")
    assert client.get(url).status_code == 400


def test_a_proposal_the_record_refuses_stays_pending_and_the_coordinator_is_told(
    coordinator_client, pole
):
    from poles.contributions.models import Proposal, ProposalStatus

    # A year the record refuses (before 1900): its own rules refuse it at acceptance.
    proposal = Proposal.objects.create(kind="correction", pole=pole, snapshot={},
                                       proposed_values={"year_created": 1700})  # fmt: skip
    response = coordinator_client.post(
        f"/espace-pole/{pole.slug}/propositions/{proposal.pk}/",
        {"decision": "accepter"},
        follow=True,
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert "La fiche refuse ces valeurs" in response.content.decode()
    proposal.status = ProposalStatus.REJECTED
    proposal.save()
    response = coordinator_client.post(
        f"/espace-pole/{pole.slug}/propositions/{proposal.pk}/",
        {"decision": "accepter"},
        follow=True,
    )
    assert "Cette proposition était déjà décidée." in response.content.decode()
