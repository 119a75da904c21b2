"""The API's documentation page: in French, its parameters read from the PoleFilter."""

import re

import pytest

from poles.filters import PoleFilter
from tests.factories import PoleFactory

pytestmark = pytest.mark.django_db


def test_the_documentation_lists_every_filter_and_links_working_examples(client, settings):
    settings.PTCE_API_RATE = "30/hour"
    PoleFactory(slug="pole-exemple")
    response = client.get("/donnees/api/")
    html = response.content.decode()
    assert response.status_code == 200
    parameters = re.findall(r'<th scope="row"><code>([a-z_]+)</code>', html)
    assert parameters == list(PoleFilter.base_filters)
    assert "30 requêtes par heure" in html
    links = re.findall(r'href="(/api/v1/[^"]*)"', html)
    assert "/api/v1/poles/pole-exemple" in links and "/api/v1/openapi.json" in links
    for link in links:
        assert client.get(link).status_code == 200, link
