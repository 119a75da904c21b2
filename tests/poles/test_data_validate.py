"""/donnees/valider/: a partner's file checked line by line, never stored."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poles.models import Pole, RateCount
from tests.conftest import SAMPLE_CSV

pytestmark = pytest.mark.django_db


def upload(client, text: str, name="poles.csv"):
    document = SimpleUploadedFile(name, text.encode(), "text/csv")
    return client.post("/donnees/valider/", {"fichier": document})


def with_bad_lines(text: str) -> str:
    rows = list(csv.DictReader(io.StringIO(text)))
    rows[0]["annee_creation"] = "3000"
    rows[2]["latitude"] = "91"
    rows[3]["thematiques"] = "inexistante"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_a_file_with_three_bad_lines_gets_those_three_lines_named(client):
    text = with_bad_lines(SAMPLE_CSV.read_text(encoding="utf-8"))
    response = upload(client, text)
    problems = response.context["problems"]
    lines = sorted({p.line for p in problems})
    assert lines == [2, 4, 5]  # the header is line 1
    listed = response.content.decode()
    assert "ligne 2, colonne « annee_creation »" in listed
    assert "ligne 4, colonne « latitude »" in listed
    assert "ligne 5, colonne « thematiques »" in listed
    assert not Pole.objects.exists()  # nothing stored


def test_a_valid_file_says_what_it_would_bring_and_stores_nothing(client):
    response = upload(client, SAMPLE_CSV.read_text(encoding="utf-8"))
    assert response.context["report"].created and not Pole.objects.exists()
    assert "Le fichier est valide" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\xff\xfe\x00n", "UTF-8"), (b"", "vide"), (b"a,b\n1,2\n", "colonne")],
)
def test_a_file_that_is_no_poles_file_gets_a_clear_message(client, content, message):
    response = client.post("/donnees/valider/", {
        "fichier": SimpleUploadedFile("x.csv", content, "text/csv")})  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html


def test_too_large_a_file_is_refused_with_a_message(client, monkeypatch):
    from poles import forms

    monkeypatch.setattr(forms, "MAX_CSV_BYTES", 100)
    response = upload(client, SAMPLE_CSV.read_text(encoding="utf-8"))
    assert "Fichier trop lourd" in response.content.decode() and not Pole.objects.exists()


HEADER = SAMPLE_CSV.read_text(encoding="utf-8").splitlines()[0]
files = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.lists(st.text(max_size=40), max_size=30), max_size=5).map(
        lambda rows: "\n".join([HEADER, *(",".join(row) for row in rows)]).encode(
            "utf-8", "replace"
        )
    ),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(content=files)
def test_any_file_gets_an_answer_never_a_server_error_nor_a_stored_pole(client, content):
    RateCount.objects.all().delete()  # the hourly limit would answer 429 after a few
    response = client.post("/donnees/valider/", {
        "fichier": SimpleUploadedFile("x.csv", content, "text/csv")})  # fmt: skip
    assert response.status_code == 200
    assert not Pole.objects.exists()
