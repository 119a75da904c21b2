"""Dated releases: publish_release freezes the data and says what changed since the last one."""

import csv
import gzip
import io
import json

import feedparser
import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import escape

from poles.imports import poles_import_csv
from poles.models import ChangeSource, Pole
from poles.releases.models import Release
from poles.services import pole_update
from tests.conftest import SAMPLE_CSV
from tests.factories import PoleFactory

pytestmark = pytest.mark.django_db


def publish(capsys) -> Release:
    call_command("publish_release")
    assert "Version " in capsys.readouterr().out
    return Release.objects.order_by("-pk").first()


def test_a_release_lists_the_poles_added_withdrawn_and_changed_since_the_last(client, capsys):
    poles_import_csv(path=SAMPLE_CSV)
    first = publish(capsys)
    today = timezone.localdate().isoformat()
    assert first.slug == today and first.pole_count == Pole.objects.published().count()
    assert "première version" in client.get(first.get_absolute_url()).content.decode()
    # An import adds a pole and changes another; one pole leaves the directory.
    changed = Pole.objects.get(slug="pole-essai-nantais")
    pole_update(pole=changed, values={"summary": "Un résumé tout neuf."},
                source=ChangeSource.EDITOR, reason="essai")  # fmt: skip
    PoleFactory(name="Pôle tout neuf", slug="pole-tout-neuf")
    gone = Pole.objects.get(slug="pole-essai-lillois")
    pole_update(pole=gone, values={"is_published": False}, source=ChangeSource.EDITOR,
                reason="fermé")  # fmt: skip
    second = publish(capsys)
    assert second.slug == f"{today}-2" and second.previous == first
    assert second.added == [["pole-tout-neuf", "Pôle tout neuf"]]
    assert second.stopped == [["pole-essai-lillois", gone.name]]
    assert ["pole-essai-nantais", changed.name, ["resume"]] in second.changed
    page = client.get(second.get_absolute_url()).content.decode()
    assert "Pôle tout neuf" in page and escape(gone.name) in page and "Résumé" in page
    assert "Citer ce jeu de données" in page and f"/donnees/versions/{today}-2/" in page
    # The withdrawn pole keeps its dated page: its last record, in the release before.
    record = client.get(f"/donnees/versions/{first.slug}/poles/pole-essai-lillois/")
    assert record.status_code == 200 and escape(gone.name) in record.content.decode()
    assert client.get(f"/donnees/versions/{second.slug}/poles/pole-essai-lillois/").status_code \
        == 404  # fmt: skip


def test_a_releases_files_stay_as_they_were(client, capsys):
    poles_import_csv(path=SAMPLE_CSV)
    release = publish(capsys)
    frozen = client.get(f"/donnees/versions/{release.slug}/poles.csv").content
    PoleFactory(name="Arrivé après")
    assert client.get(f"/donnees/versions/{release.slug}/poles.csv").content == frozen
    rows = list(csv.DictReader(io.StringIO(frozen.decode("utf-8-sig"))))
    assert {row["identifiant"] for row in rows} == set(
        Pole.objects.published().exclude(name="Arrivé après").values_list("slug", flat=True)
    )
    geojson = json.loads(client.get(f"/donnees/versions/{release.slug}/poles.geojson").content)
    assert len(geojson["features"]) == release.pole_count
    schema = client.get(f"/donnees/versions/{release.slug}/schema.json").json()
    assert schema["fields"][0]["name"] == "identifiant"
    assert json.loads(gzip.decompress(bytes(release.records_gz)))  # the records, for the next


def test_the_list_and_the_feed_show_every_release(client, capsys):
    first, second = publish(capsys), publish(capsys)
    listing = client.get("/donnees/versions/").content.decode()
    assert first.slug in listing and second.slug in listing
    feed = feedparser.parse(client.get("/donnees/versions/flux.atom").content)
    assert [entry.link for entry in feed.entries] == [
        f"http://testserver/donnees/versions/{second.slug}/",
        f"http://testserver/donnees/versions/{first.slug}/",
    ]
    assert client.get("/donnees/versions/1999-01-01/").status_code == 404


def test_after_an_import_that_adds_a_pole_and_changes_another_both_are_listed(capsys, tmp_path):
    poles_import_csv(path=SAMPLE_CSV)
    publish(capsys)
    rows = list(csv.DictReader(io.StringIO(SAMPLE_CSV.read_text(encoding="utf-8"))))
    rows[0]["resume"] = "Un résumé changé par l'import."
    added = {**rows[1], "identifiant": "pole-importe", "nom": "Pôle importé", "sigle": ""}
    changed_file = tmp_path / "poles.csv"
    with changed_file.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([*rows, added])
    poles_import_csv(path=changed_file)
    release = publish(capsys)
    assert ["pole-importe", "Pôle importé"] in release.added
    assert [rows[0]["identifiant"], rows[0]["nom"], ["resume"]] in release.changed
