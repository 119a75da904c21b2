"""A partner's file becomes proposals (never direct writes); a referent's, its regions only."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from poles.contributions.models import Proposal, ProposalKind
from poles.imports import poles_import_csv
from poles.models import Pole
from tests.conftest import SAMPLE_CSV
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sample_rows() -> list[dict]:
    return list(csv.DictReader(io.StringIO(SAMPLE_CSV.read_text(encoding="utf-8"))))


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def send(client, content: bytes):
    document = SimpleUploadedFile("reseau.csv", content, "text/csv")
    return client.post("/admin/poles/proposal/depuis-un-fichier/", {"fichier": document})


def test_each_row_that_says_something_new_becomes_a_proposal(client):
    poles_import_csv(path=SAMPLE_CSV)
    rows = sample_rows()
    rows[0]["resume"] = "Un résumé apporté par le réseau."
    client.force_login(UserFactory(editor=True))
    before = {p.slug: p.summary for p in Pole.objects.all()}
    response = send(client, as_csv(rows))
    result = response.context["result"]
    assert result.created == [2] and len(result.unchanged) == len(rows) - 1
    proposal = Proposal.objects.get()
    assert proposal.kind == ProposalKind.CORRECTION and proposal.pole.slug == rows[0]["identifiant"]
    assert proposal.proposed_values == {"summary": "Un résumé apporté par le réseau."}
    assert "ligne 2" in proposal.message
    # Nothing written to the directory.
    assert {p.slug: p.summary for p in Pole.objects.all()} == before


def test_new_poles_become_missing_ptce_proposals_and_bad_files_are_refused(client):
    client.force_login(UserFactory(editor=True))
    rows = sample_rows()
    response = send(client, as_csv(rows))
    assert len(response.context["result"].created) == len(rows)
    assert {p.kind for p in Proposal.objects.all()} == {ProposalKind.NEW}
    assert not Pole.objects.exists()
    rows[1]["annee_creation"] = "3000"
    response = send(client, as_csv(rows))
    assert [p.line for p in response.context["problems"]] == [3]
    assert Proposal.objects.count() == len(rows)  # nothing more


def test_a_referent_gets_only_the_rows_of_its_regions(client):
    call_command("referent_add", "cress@bretagne.example", "--region", "53")
    from poles.coordination.models import Referent

    client.force_login(Referent.objects.get().user)
    rows = sample_rows()
    response = send(client, as_csv(rows))
    result = response.context["result"]
    in_brittany = [i + 2 for i, row in enumerate(rows) if row["region_code"] == "53"
                   or row["departement_code"] in ("22", "29", "35", "56")]  # fmt: skip
    assert result.created == in_brittany and result.outside
    assert sorted(result.created + result.outside) == list(range(2, len(rows) + 2))


def test_anonymous_visitors_cannot_send_a_file(client):
    response = send(client, SAMPLE_CSV.read_bytes())
    assert response.status_code == 302 and not Proposal.objects.exists()


def test_a_new_pole_of_a_file_like_an_existing_one_is_flagged(client):
    from tests.factories import CommuneFactory, PoleFactory

    CommuneFactory(code="44109", name="Nantes", postcodes="44000")
    existing = PoleFactory(name="PTCE du Pôle d'essai nantais", commune="Nantes", located=True)
    client.force_login(UserFactory(editor=True))
    rows = [row for row in sample_rows() if row["identifiant"] == "pole-essai-nantais"]
    response = send(client, as_csv(rows))
    assert response.context["result"].similar == {2: [existing.name]}
    assert existing.name in Proposal.objects.get().message


def test_too_large_a_file_is_refused_with_a_message(client, monkeypatch):
    from poles import forms

    monkeypatch.setattr(forms, "MAX_CSV_BYTES", 100)
    client.force_login(UserFactory(editor=True))
    response = send(client, SAMPLE_CSV.read_bytes())
    assert "Fichier trop lourd" in response.content.decode()
    assert not Proposal.objects.exists()
