"""The shared cache down (Redis stopped, REDIS_URL set): the site serves from the database."""

import logging

import pytest

from poles.contributions.models import Proposal
from poles.imports import poles_import_csv
from tests.conftest import SAMPLE_CSV

pytestmark = pytest.mark.django_db

URLS = ["/", "/?region=53", "/poles/pole-essai-nantais/", "/regions/bretagne/", "/charte/",
        "/api/v1/poles", "/carte/poles.geojson", "/donnees/poles.csv", "/jsi18n/",
        "/poles/pole-essai-nantais/historique/", "/animation/", "/lieux/?q=nan",
        "/flux/nouveaux.atom"]  # fmt: skip


@pytest.fixture
def redis_down(settings):
    # A port nothing listens on: every call fails at once (connection refused).
    settings.CACHES = {"default": {"BACKEND": "poles.cache.ResilientRedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0", "KEY_PREFIX": "ptce",
                                   "OPTIONS": {"socket_connect_timeout": 1}}}  # fmt: skip


def test_every_page_is_served_from_the_database_and_the_log_says_why(client, redis_down, caplog):
    poles_import_csv(path=SAMPLE_CSV)
    import poles.cache

    poles.cache._last_logged = 0.0
    with caplog.at_level(logging.ERROR, logger="ptce.cache"):
        for url in URLS:
            response = client.get(url)
            assert response.status_code == 200, url
    assert any("shared cache unavailable" in r.getMessage() for r in caplog.records)


def test_a_proposal_is_stored_and_health_says_degraded(client, redis_down):
    poles_import_csv(path=SAMPLE_CSV)
    data = {"contributor_name": "Camille", "contributor_email": "c@example.org",
            "contributor_relation": "reseau", "name": "Un pôle nouveau", "commune": "Brest",
            "sources": "https://nouveau.example", "has_common_place": "inconnu",
            "charter_status": "inconnu"}  # fmt: skip
    assert client.post("/proposer-un-ptce/", data).status_code == 302
    assert Proposal.objects.count() == 1
    health = client.get("/healthz")
    assert health.status_code == 200 and health["X-Health"] == "degraded"
    assert "dégradé" in health.content.decode()


def test_health_says_ok_with_a_working_cache(client):
    health = client.get("/healthz")
    assert health["X-Health"] == "ok" and health.content == b"ok\n"
