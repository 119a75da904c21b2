"""The OpenAPI schema: generated from the code, valid OpenAPI 3, documenting the filters."""

import pytest
from openapi_spec_validator import validate

from poles.filters import PoleFilter
from poles.schema import field_names

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_is_valid_and_documents_filters_and_records(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert set(schema["paths"]) >= {
        "/api/v1/poles", "/api/v1/poles/{slug}", "/api/v1/approches", "/api/v1/thematiques",
        "/api/v1/territoires", "/api/v1/reconnaissances",
    }  # fmt: skip
    listing = schema["paths"]["/api/v1/poles"]["get"]
    parameters = {p["name"] for p in listing["parameters"]}
    assert set(PoleFilter.base_filters) <= parameters
    assert {"page", "par_page"} <= parameters
    assert {"400", "429"} <= set(listing["responses"])
    record = schema["components"]["schemas"]["Pole"]
    assert list(record["properties"]) == field_names()
