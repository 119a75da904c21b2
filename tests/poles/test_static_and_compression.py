"""Static files are fingerprinted and compressed with long cache headers; pages are gzipped."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import PoleFactory

pytestmark = pytest.mark.django_db


def test_pages_and_json_are_gzipped(client):
    PoleFactory(located=True)
    for url in ("/", "/donnees/"):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response["Content-Encoding"] == "gzip", url


def test_production_static_files_are_fingerprinted_compressed_and_cached(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.DEBUG = False
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client()  # a new handler: whitenoise indexes the collected files
    html = client.get("/").content.decode()
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)
    response = client.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    response.close()  # a file response: release the file
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1)) >= 31536000
    assert re.search(r'src="/static/js/directory_filters\.[0-9a-f]{12}\.js"', html)
    # The manifest of fingerprinted names is for the app, not for visitors.
    assert (tmp_path / "staticfiles.json").exists()
    assert client.get("/static/staticfiles.json").status_code == 404
