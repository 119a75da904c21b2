"""Editors decide proposals in the admin: a diff, all or some fields, or a refusal with a reason."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from poles.contributions.models import Proposal, ProposalStatus
from poles.contributions.services import contributors_erase_personal_data
from poles.models import CharterStatus, Pole
from tests.factories import MembershipFactory, PoleFactory, UserFactory
from tests.poles.contributions.conftest import correction

pytestmark = pytest.mark.django_db


@pytest.fixture
def pole():
    pole = PoleFactory(located=True, name="Pôle des essais", sources="https://essais.example/a")
    MembershipFactory(pole=pole, member__name="Ancien membre", member__category="pme")
    return pole


@pytest.fixture
def editor_client(client):
    editor = UserFactory(editor=True, email="editrice@example.org")
    client.force_login(editor)
    client.editor = editor
    return client


def propose(client, pole, contributor, prefix="", **changes) -> Proposal:
    response = client.post(f"{prefix}/poles/{pole.slug}/proposer/",
                           correction(pole, **changes, **contributor))  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    return Proposal.objects.latest("pk")


def moderate(client, proposal, **data):
    return client.post(f"/admin/poles/proposal/{proposal.pk}/change/", data)


def test_the_queue_lists_pending_proposals_newest_first(editor_client, pole, contributor):
    first = propose(editor_client, pole, contributor, short_name="PDE")
    second = propose(editor_client, pole, contributor, commune="Rezé")
    Proposal.objects.filter(pk=first.pk).update(status=ProposalStatus.REJECTED)
    response = editor_client.get("/admin/poles/proposal/", follow=True)
    listed = list(response.context["cl"].result_list)
    assert listed == [second]
    every = editor_client.get("/admin/poles/proposal/?status__exact=refusee&kind__exact=correction")
    assert list(every.context["cl"].result_list) == [first]
    by_region = editor_client.get(f"/admin/poles/proposal/?region={pole.region.code}")
    assert set(by_region.context["cl"].result_list) == {first, second}


def test_the_diff_shows_opened_current_and_proposed_values(editor_client, pole, contributor):
    proposal = propose(editor_client, pole, contributor, short_name="PDE")
    html = editor_client.get(f"/admin/poles/proposal/{proposal.pk}/change/").content.decode()
    assert "Nom court ou sigle" in html and "<strong>PDE</strong>" in html
    assert "camille@example.org" in html  # the editor sees who proposed, to answer
    assert "modifié depuis" not in html


def test_accepting_applies_records_history_verifies_and_tells_the_contributor(
    editor_client, pole, contributor, django_capture_on_commit_callbacks
):
    proposal = propose(editor_client, pole, contributor, charter_status="oui",
                       charter_year="2015", charter_proof="https://labo.example/liste",
                       members="Nouveau membre (recherche)")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = moderate(
            editor_client,
            proposal,
            decision="accepter",
            fields=["charter_status", "charter_year", "charter_proof", "members"],
        )
    assert response.status_code == 302
    pole.refresh_from_db()
    assert pole.charter_status == CharterStatus.YES and pole.charter_year == 2015
    assert pole.charter_proof == "https://labo.example/liste"
    assert [m.member.name for m in pole.memberships.all()] == ["Nouveau membre"]
    assert pole.last_verified == timezone.localdate()
    (record,) = pole.changes.all()  # one decision, one history entry
    assert record.reason == f"proposition n°{proposal.pk} (correction d'une fiche)"
    assert (record.source, record.source_label) == ("proposition", f"proposition n°{proposal.pk}")
    assert record.user == editor_client.editor
    assert set(record.changed_fields) == {
        "charter_status",
        "charter_year",
        "charter_proof",
        "members",
        "last_verified",
    }
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.decided_by
    assert mail.outbox[-1].to == ["camille@example.org"]
    assert "acceptée" in mail.outbox[-1].subject
    # The accepted facts appear on the site with their source.
    page = editor_client.get(pole.get_absolute_url()).content.decode()
    assert "signataire (2015)" in page and 'href="https://labo.example/liste"' in page
    assert pole.slug in editor_client.get("/charte/").content.decode()
    assert editor_client.get("/", {"charte": "oui"}).context["total"] == 1


def test_accepting_a_subset_of_fields_is_a_partial_acceptance(editor_client, pole, contributor):
    proposal = propose(editor_client, pole, contributor, short_name="PDE", commune="Rezé")
    moderate(editor_client, proposal, decision="accepter", fields=["short_name"])
    pole.refresh_from_db()
    assert pole.short_name == "PDE" and pole.commune == "Nantes"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PARTLY_ACCEPTED
    assert proposal.accepted_fields == ["short_name"]


def test_a_partial_acceptance_tells_which_fields_were_taken_and_why_not_the_others(
    editor_client, pole, contributor, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PTCE_SITE_URL = "https://annuaire.example.org"
    proposal = propose(editor_client, pole, contributor, short_name="PDE", commune="Rezé")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = moderate(editor_client, proposal, decision="accepter", fields=["short_name"],
                            reason="La commune du pôle reste Nantes (son siège).")  # fmt: skip
    assert response.status_code == 302
    listed = editor_client.get(response["Location"], follow=True)
    assert "Proposition acceptée en partie." in [str(m) for m in listed.context["messages"]]
    body = mailoutbox[-1].body
    assert mailoutbox[-1].to == [contributor["contributor_email"]]
    assert "acceptée en partie" in mailoutbox[-1].subject
    taken = body.split("Informations retenues :")[1].split("Informations non retenues :")
    assert "- Nom court ou sigle" in taken[0] and "Commune" not in taken[0]
    assert "- Commune" in taken[1]
    assert "Motif : La commune du pôle reste Nantes (son siège)." in body, body
    assert f"https://annuaire.example.org/poles/{pole.slug}/" in body


def test_a_change_made_since_the_form_was_opened_is_shown_and_not_overwritten(
    editor_client, pole, contributor
):
    proposal = propose(editor_client, pole, contributor, short_name="PDE")
    pole.commune = "Saint-Herblain"  # an editor's correction after the form was opened
    pole.short_name = "PE"
    pole.save()
    html = editor_client.get(f"/admin/poles/proposal/{proposal.pk}/change/").content.decode()
    assert "a changé depuis l'ouverture du formulaire" in html and "modifié depuis" in html
    moderate(editor_client, proposal, decision="accepter", fields=["short_name"])
    pole.refresh_from_db()
    assert pole.short_name == "PDE" and pole.commune == "Saint-Herblain"


def test_rejecting_needs_a_reason_that_the_contributor_receives(
    editor_client, pole, contributor, django_capture_on_commit_callbacks
):
    proposal = propose(editor_client, pole, contributor, short_name="PDE")
    refused = moderate(editor_client, proposal, decision="refuser", reason="")
    assert refused.status_code == 200 and "Indiquez le motif" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        moderate(editor_client, proposal, decision="refuser", reason="Aucune source ne le dit.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert "Aucune source ne le dit." in mail.outbox[-1].body
    pole.refresh_from_db()
    assert pole.short_name == ""


def test_spam_is_closed_without_an_email(editor_client, pole, contributor,
                                         django_capture_on_commit_callbacks):  # fmt: skip
    proposal = propose(editor_client, pole, contributor, short_name="PDE")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderate(editor_client, proposal, decision="indesirable")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SPAM and not mail.outbox


def test_a_missing_ptce_becomes_an_unpublished_pole(editor_client, contributor):
    data = {**contributor, "name": "Pôle nouveau d'essai", "sources": "https://nouveau.example",
            "has_common_place": "oui", "charter_status": "inconnu", "department": "35",
            "members": "Coop d'essai (entreprise-ess)"}  # fmt: skip
    editor_client.post("/proposer-un-ptce/", data)
    proposal = Proposal.objects.get()
    moderate(editor_client, proposal, decision="accepter",
             fields=list(proposal.proposed_values))  # fmt: skip
    pole = Pole.objects.get(name="Pôle nouveau d'essai")
    assert pole.is_published is False and pole.region.code == "53"
    assert pole.has_common_place is True and pole.source_urls == ["https://nouveau.example"]
    assert [m.member.name for m in pole.memberships.all()] == ["Coop d'essai"]
    assert editor_client.get(pole.get_absolute_url()).status_code == 404  # until published


def test_a_confirmation_counts_as_a_verification(editor_client, pole, contributor):
    editor_client.post(f"/poles/{pole.slug}/a-jour/", contributor)
    moderate(editor_client, Proposal.objects.get(), decision="accepter")
    pole.refresh_from_db()
    assert pole.last_verified == timezone.localdate()
    page = editor_client.get(pole.get_absolute_url()).content.decode()
    assert "vérifiée en" in page


def test_a_decided_proposal_cannot_be_decided_again(editor_client, pole, contributor):
    proposal = propose(editor_client, pole, contributor, short_name="PDE")
    moderate(editor_client, proposal, decision="accepter", fields=["short_name"])
    again = moderate(editor_client, proposal, decision="refuser", reason="non")
    assert again.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED


def test_personal_data_is_erased_months_after_the_decision(editor_client, pole, contributor):
    old = propose(editor_client, pole, contributor, short_name="PDE")
    recent = propose(editor_client, pole, contributor, commune="Rezé")
    pending = propose(editor_client, pole, contributor, carrier_name="Asso")
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Proposal.objects.filter(pk=old.pk).update(status=ProposalStatus.REJECTED, decided_at=long_ago)
    Proposal.objects.filter(pk=recent.pk).update(status=ProposalStatus.REJECTED,
                                                 decided_at=timezone.now())  # fmt: skip
    assert contributors_erase_personal_data(months=12, dry_run=True) == 1
    call_command("purge_contributor_data", "--months", "12", verbosity=0)
    erased = Proposal.objects.get(pk=old.pk)
    assert erased.contributor_name == "" and erased.contributor_email == ""
    assert erased.personal_data_erased_at is not None
    for kept in (recent, pending):
        assert Proposal.objects.get(pk=kept.pk).contributor_email == "camille@example.org"


def test_anonymous_visitors_and_plain_staff_cannot_moderate(client, pole, contributor):
    proposal = propose(client, pole, contributor, short_name="PDE")
    response = client.get(f"/admin/poles/proposal/{proposal.pk}/change/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(UserFactory(is_staff=True))
    assert client.get(f"/admin/poles/proposal/{proposal.pk}/change/").status_code == 403


def test_a_contributor_from_the_english_site_gets_the_decision_in_english(
    editor_client, pole, contributor, django_capture_on_commit_callbacks
):
    proposal = propose(editor_client, pole, contributor, prefix="/en", short_name="PDE")
    assert proposal.language == "en"
    with django_capture_on_commit_callbacks(execute=True):
        moderate(editor_client, proposal, decision="refuser", reason="No source says so.")
    message = mail.outbox[-1]
    assert message.subject == "[PTCE directory] Your proposal: refused"
    assert message.body.startswith("Hello Camille Martin,")
    assert "Reason: No source says so." in message.body
    assert f"/en/poles/{pole.slug}/" in message.body


def test_accepting_a_proposal_runs_a_fixed_number_of_queries(
    editor_client, pole, contributor, django_assert_num_queries
):
    proposal = propose(editor_client, pole, contributor, short_name="PDE",
                       members="Ancien membre (pme)\nNouveau membre (recherche)")  # fmt: skip
    from poles.contributions.services import proposal_accept

    # Lock and read the proposal and the pole, the facts before and after (fields, 8
    # relations, members), the model's checks, the writes, one history entry, the search
    # documents (4 reads, 1 write), the contributor's e-mail into the outbox (1 read, 1 write)
    # (92 before the write service).
    with django_assert_num_queries(51):
        proposal_accept(proposal=proposal, fields=None, editor=editor_client.editor)
    assert pole.changes.count() == 1
