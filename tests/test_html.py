"""Every page type passes the Nu HTML Checker (vnu-jar from npm, on the machine's Java)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from poles.imports import poles_import_csv
from poles.models import Pole, Proposal
from tests.e2e.test_accessibility import add_places
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

PAGES = [
    "/",
    "/?region=53&impulsion=citoyenne&thematique=alimentation",
    "/?page=2&tri=-annee",
    "/?region=99&tri=hasard",
    "/regions/",
    "/regions/bretagne/",
    "/departements/loire-atlantique/",
    "/qu-est-ce-qu-un-ptce/",
    "/donnees/",
    "/donnees/?region=53",
    "/donnees/api/",
    "/donnees/valider/",
    "/integrer/?region=53&hauteur=400",
    "/carte/integree/?region=53",
    "/mentions-legales/",
    "/accessibilite/",
    "/poles/n-existe-pas/",
    "/charte/",
    "/poles/pole-essai-nantais/historique/",
    "/poles/pole-essai-nantais/proposer/",
    "/poles/pole-essai-nantais/n-existe-plus/",
    "/proposer-un-ptce/",
    "/propositions/merci/",
    "/poles/pole-essai-nantais/coordonner/",
    "/connexion/",
    "/connexion/un-lien-perime/",
    "/animation/",
    "/admin/login/",
]
# The same pages in English (the admin is for the French-speaking editors only).
ENGLISH_PAGES = ["/en" + url for url in PAGES if not url.startswith("/admin/")]


def html_errors(directory: Path) -> list[dict]:
    """The Nu HTML Checker's errors for every file in `directory`, in one JVM run."""
    java = shutil.which("java")
    assert java, "Java manque pour le validateur HTML : apt-get install default-jre-headless"
    assert VNU.exists(), "vnu-jar manque : lancez npm ci"
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            *map(str, directory.iterdir()),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [m for m in messages if m["type"] == "error"]


def test_the_checker_catches_invalid_html(tmp_path):
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="fr"><head><title>t</title></head>'
        '<body><span id="a"></span><span id="a"></span></body></html>',
        encoding="utf-8",
    )
    assert [e["message"] for e in html_errors(tmp_path)] == ["Duplicate ID “a”."]


def test_every_page_type_is_valid_html(client, sample_csv, tmp_path):
    poles_import_csv(path=sample_csv)
    add_places()
    pages = [
        "/?lieu=commune:44109",
        "/?ou=saint-denis",
        "/?lieu=point:47.2,-1.5",
        *PAGES,
        *ENGLISH_PAGES,
        *(pole.get_absolute_url() for pole in Pole.objects.order_by("pk")),
    ]
    unlocated = Pole.objects.unlocated().first()
    pages.append(unlocated.get_absolute_url())

    files = {}
    for index, url in enumerate(pages):
        response = client.get(url)
        assert response.status_code in (200, 404, 410), url
        path = tmp_path / f"page-{index}.html"
        path.write_bytes(response.content)
        files[path.name] = url
    # A proposal form sent with errors: messages next to their fields.
    invalid = tmp_path / "proposal-errors.html"
    invalid.write_bytes(
        client.post(
            "/proposer-un-ptce/",
            {"name": "<b>x</b>", "sources": "pas une adresse", "contributor_email": "non"},
        ).content
    )
    files[invalid.name] = "proposal form with errors"
    client.post("/poles/pole-essai-nantais/a-jour/", {
        "contributor_name": "Camille", "contributor_email": "c@example.org",
        "contributor_relation": "pole"})  # fmt: skip
    client.force_login(UserFactory(editor=True))
    moderation = tmp_path / "admin-moderation.html"
    proposal = Proposal.objects.get()
    moderation.write_bytes(client.get(f"/admin/poles/proposal/{proposal.pk}/change/").content)
    files[moderation.name] = "admin moderation page"
    admin_page = tmp_path / "admin-pole.html"
    pole = Pole.objects.get(slug="pole-essai-nantais")
    admin_page.write_bytes(client.get(f"/admin/poles/pole/{pole.pk}/change/").content)
    files[admin_page.name] = "admin pole form (ours: widget and fieldsets)"

    errors = [
        f"{files[Path(e['url']).name]} l.{e.get('lastLine')}: {e['message']}"
        for e in html_errors(tmp_path)
    ]
    assert len(files) == len(pages) + 3
    assert not errors, "\n".join(errors)
