"""Property-based tests: whatever the query string or path, never a server error."""

import re

import pytest
from django.utils.http import urlencode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploy.fuzz import queries
from poles.filters import SORT_ORDER
from poles.models import Pole, Theme
from poles.territories.models import Region
from tests.factories import PoleFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/", "/carte/poles.geojson", "/donnees/", "/donnees/poles.csv",
             "/donnees/poles.geojson", "/regions/bretagne/", "/api/v1/poles",
             "/flux/nouveaux.atom"]  # fmt: skip
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def some_poles():
    PoleFactory(located=True).themes.add(Theme.objects.get(code="alimentation"))
    PoleFactory(approximate=True)
    PoleFactory()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@FUZZ
@given(query=queries)
def test_any_query_string_never_gives_a_server_error(client, some_poles, endpoint, query):
    response = client.get(f"{endpoint}?{urlencode(query)}")
    assert response.status_code < 500, (endpoint, query)
    if endpoint == "/" and response.status_code == 200:
        _check_the_listing(response, query)


def _check_the_listing(response, query) -> None:
    """Invalid values are ignored visibly, valid ones applied."""
    content = response.content.decode()  # a page from the cache has no context: read it
    total = int(re.search(r'id="resultats-titre">(\d+) pôle', content).group(1))
    listed = Pole.objects.filter(slug__in=re.findall(r'data-pole="([^"]+)"', content))
    assert len(listed) == min(total, 20)
    submitted: dict[str, set[str]] = {}
    for name, value in query:
        if value:  # an empty value is a blank field: no criterion
            submitted.setdefault(name, set()).add(value)
    valid = {
        "region": set(Region.objects.values_list("code", flat=True)),
        "thematique": set(Theme.objects.values_list("code", flat=True)),
        "tri": set(SORT_ORDER),
    }
    for name, choices in valid.items():
        values = submitted.get(name)
        if not values:
            continue
        if not values <= choices:
            assert "Ce critère a été ignoré" in content, (name, values)
        elif name == "region":
            assert all(pole.region and pole.region.code in values for pole in listed)
        elif name == "thematique":
            assert all(set(pole.themes.values_list("code", flat=True)) & values
                       for pole in listed)  # fmt: skip


@FUZZ
@given(path=st.text(max_size=200))
def test_any_path_never_gives_a_server_error(client, some_poles, path):
    for prefix in ("/poles/", "/regions/", "/departements/", "/api/v1/poles/", "/"):
        response = client.get(prefix + path)
        assert response.status_code < 500, prefix + path


@FUZZ
@given(
    encoding=st.sampled_from(["gzip", "br", "identity", "*", "gzip;q=0", "x" * 500]),
    etag=st.text(max_size=100),
    since=st.text(max_size=60),
)
def test_any_conditional_headers_never_give_a_server_error(client, some_poles, encoding, etag,
                                                           since):  # fmt: skip
    response = client.get(
        "/carte/poles.geojson",
        headers={"Accept-Encoding": encoding, "If-None-Match": etag, "If-Modified-Since": since},
    )
    assert response.status_code in (200, 304)
