"""Regional referents, claims decided by editors, invitations, the /animation/ page."""

import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from poles.contributions.models import Proposal, ProposalKind
from poles.coordination.models import ClaimRequest, ClaimStatus, PoleCoordinator, Referent
from tests.factories import PoleFactory, UserFactory, department, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def breton_and_nantes():
    breton = PoleFactory(name="Pôle breton", department=department("29"), region=region("53"))
    nantais = PoleFactory(name="Pôle nantais", located=True)  # Pays de la Loire (52)
    return breton, nantais


def proposal_about(pole) -> Proposal:
    return Proposal.objects.create(kind=ProposalKind.CORRECTION, pole=pole,
                                   proposed_values={"short_name": "X"}, snapshot={},
                                   contributor_email="c@example.org")  # fmt: skip


def link_in(message) -> str:
    return re.search(r"https?://\S+/connexion/(\S+)/", message.body).group(1)


def test_referent_add_makes_a_passwordless_staff_account_for_its_regions(capsys):
    call_command("referent_add", "Cress@Bretagne.example", "--region", "53",
                 "--organisation", "CRESS Bretagne")  # fmt: skip
    referent = Referent.objects.get()
    assert referent.user.email == "cress@bretagne.example" and referent.user.is_staff
    assert not referent.user.has_usable_password() and not referent.user.is_superuser
    assert [r.code for r in referent.regions.all()] == ["53"]
    assert "CRESS Bretagne" in capsys.readouterr().out
    with pytest.raises(CommandError, match="inconnue"):
        call_command("referent_add", "x@y.example", "--region", "99")
    with pytest.raises(CommandError, match="invalide"):
        call_command("referent_add", "pas-une-adresse", "--region", "53")


def test_a_referent_signs_in_by_email_and_moderates_only_its_regions(
    client, breton_and_nantes, django_capture_on_commit_callbacks
):
    breton, nantais = breton_and_nantes
    call_command("referent_add", "cress@bretagne.example", "--region", "53")
    here, elsewhere = proposal_about(breton), proposal_about(nantais)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/connexion/", {"email": "cress@bretagne.example"})
    response = client.post(f"/connexion/{link_in(mail.outbox[-1])}/")
    assert response["Location"] == "/admin/"
    listed = client.get("/admin/poles/proposal/?status__exact=en-attente")
    assert list(listed.context["cl"].result_list) == [here]
    assert client.get(f"/admin/poles/proposal/{elsewhere.pk}/change/").status_code == 403
    assert client.get(f"/admin/poles/proposal/{here.pk}/change/").status_code == 200
    poles = client.get("/admin/poles/pole/")
    assert list(poles.context["cl"].result_list) == [breton]
    assert client.get(f"/admin/poles/pole/{nantais.pk}/change/").status_code == 403
    # Deciding another region's proposal by a crafted POST changes nothing.
    response = client.post(f"/admin/poles/proposal/{elsewhere.pk}/change/",
                           {"decision": "accepter", "fields": ["short_name"]})  # fmt: skip
    assert response.status_code == 403
    elsewhere.refresh_from_db()
    assert elsewhere.status == "en-attente"
    # A referent manages no accounts.
    assert client.get("/admin/auth/user/").status_code == 403


def test_editors_approve_or_refuse_claims_and_the_person_is_told(
    client, breton_and_nantes, django_capture_on_commit_callbacks
):
    breton, nantais = breton_and_nantes
    first = ClaimRequest.objects.create(pole=breton, email="a@gmail.example")
    second = ClaimRequest.objects.create(pole=nantais, email="b@gmail.example")
    client.force_login(UserFactory(editor=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/poles/claimrequest/", {"action": "approve",
                                                   "_selected_action": [first.pk]})  # fmt: skip
        client.post("/admin/poles/claimrequest/", {"action": "refuse",
                                                   "_selected_action": [second.pk]})  # fmt: skip
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (ClaimStatus.APPROVED, ClaimStatus.REFUSED)
    approved, refused = mail.outbox
    assert approved.to == ["a@gmail.example"] and "acceptée" in approved.subject
    assert refused.to == ["b@gmail.example"] and "/connexion/" not in refused.body
    client.logout()
    client.post(f"/connexion/{link_in(approved)}/")
    assert PoleCoordinator.objects.get().pole == breton


def test_an_editor_invites_a_coordinator_with_a_seven_day_link(
    client, breton_and_nantes, django_capture_on_commit_callbacks
):
    breton, _ = breton_and_nantes
    client.force_login(UserFactory(editor=True))
    page = client.get(f"/admin/poles/pole/{breton.pk}/change/").content.decode()
    assert f"/admin/poles/pole/{breton.pk}/inviter/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/poles/pole/{breton.pk}/inviter/",
                               {"email": "coord@pole.example"})  # fmt: skip
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["coord@pole.example"] and "7 jours" in message.body
    client.logout()
    response = client.post(f"/connexion/{link_in(message)}/")
    assert response["Location"] == f"/espace-pole/{breton.slug}/"
    assert PoleCoordinator.objects.get().source == "invite"


def test_animation_shows_each_regions_referent_freshness_and_waiting_proposals(
    client, breton_and_nantes
):
    breton = breton_and_nantes[0]
    call_command("referent_add", "cress@bretagne.example", "--region", "53",
                 "--organisation", "CRESS Bretagne")  # fmt: skip
    proposal_about(breton)
    from django.utils import timezone

    type(breton).objects.filter(pk=breton.pk).update(last_verified=timezone.localdate())
    html = client.get("/animation/").content.decode()
    row = re.search(r"Bretagne</a></th>(.*?)</tr>", html, re.S).group(1)
    cells = [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells == ["CRESS Bretagne", "100 % (1 / 1)", "1", "0 jour"]
    row = re.search(r"Pays de la Loire</a></th>(.*?)</tr>", html, re.S).group(1)
    assert "aucun pour le moment" in row and "0 % (0 / 1)" in row
    assert "cress@bretagne.example" not in html


def test_reminders_bring_a_one_click_link_and_editors_get_the_poles_without_coordinator(
    client, breton_and_nantes, settings, capsys, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from poles.coordination.services import coordinator_add, user_for

    settings.PTCE_MODERATION_EMAILS = ["equipe@annuaire.example"]
    breton, nantais = breton_and_nantes
    coordinator_add(pole=breton, user=user_for(email="coord@breton.example"), source="invite")
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        call_command("send_reminders")
    assert "Rappels envoyé(s) : 1. Pôles sans coordinateur : 1." in capsys.readouterr().out
    reminder, orphans = mail.outbox
    assert reminder.to == ["coord@breton.example"] and breton.name in reminder.subject
    assert orphans.to == ["equipe@annuaire.example"] and nantais.name in orphans.body
    assert breton.name not in orphans.body
    # One click: checked today, by the pole, and signed in.
    response = client.post(f"/connexion/{link_in(reminder)}/")
    assert response["Location"] == f"/espace-pole/{breton.slug}/?verifie=1"
    breton.refresh_from_db()
    assert breton.last_verified == timezone.localdate()
    assert breton.changes.latest("pk").source == "pole"
    # Checked now, and reminded already: nothing more this month.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert [m.to for m in mail.outbox] == [["equipe@annuaire.example"]]


def test_the_purge_erases_ended_links_decided_claims_and_idle_coordinators(
    breton_and_nantes, capsys
):
    import datetime

    from django.utils import timezone

    from poles.coordination.models import SignInToken
    from poles.coordination.services import coordinator_add, token_issue, user_for

    breton, nantais = breton_and_nantes
    long_ago = timezone.now() - datetime.timedelta(days=800)
    token_issue(email="a@x.example", purpose="connexion")
    SignInToken.objects.update(expires_at=long_ago)
    fresh_token = token_issue(email="b@x.example", purpose="connexion")
    decided = ClaimRequest.objects.create(
        pole=breton, email="c@x.example", status=ClaimStatus.REFUSED, decided_at=long_ago
    )
    waiting = ClaimRequest.objects.create(pole=breton, email="d@x.example")
    idle = user_for(email="idle@x.example")
    active = user_for(email="active@x.example")
    coordinator_add(pole=breton, user=idle, source="invite")
    coordinator_add(pole=nantais, user=active, source="invite")
    type(idle).objects.filter(pk=idle.pk).update(last_login=long_ago, date_joined=long_ago)
    type(active).objects.filter(pk=active.pk).update(last_login=timezone.now())
    editor = UserFactory(editor=True)
    type(editor).objects.filter(pk=editor.pk).update(last_login=long_ago)
    call_command("purge_contributor_data")
    out = capsys.readouterr().out
    assert "Liens de connexion : 1 ; demandes de coordination : 1 ; comptes de coordinateurs " \
           "inactifs : 1 ;" in out  # fmt: skip
    assert SignInToken.objects.count() == 1 and fresh_token
    assert list(ClaimRequest.objects.all()) == [waiting] and decided.pk
    assert not type(idle).objects.filter(pk=idle.pk).exists()
    assert [c.user for c in PoleCoordinator.objects.all()] == [active]
    assert type(editor).objects.filter(pk=editor.pk).exists()


def test_the_legal_notice_says_what_coordination_keeps_and_how_long(client):
    html = client.get("/mentions-legales/").content.decode()
    assert "Coordinateurs des pôles et référents régionaux" in html
    assert "inutilisé pendant 24 mois est effacé" in html


def test_a_referent_invites_coordinators_of_its_regions_only(
    client, breton_and_nantes, django_capture_on_commit_callbacks
):
    breton, nantais = breton_and_nantes
    call_command("referent_add", "cress@bretagne.example", "--region", "53")
    client.force_login(Referent.objects.get().user)
    with django_capture_on_commit_callbacks(execute=True):
        mine = client.post(f"/admin/poles/pole/{breton.pk}/inviter/", {"email": "a@b.example"})
        other = client.post(f"/admin/poles/pole/{nantais.pk}/inviter/", {"email": "c@d.example"})
    assert mine.status_code == 302 and other.status_code == 403
    assert [m.to for m in mail.outbox] == [["a@b.example"]]
