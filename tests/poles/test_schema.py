"""The data schema: a valid Table Schema, in step with the models, describing the real data."""

import json

import pytest
from frictionless import Resource, Schema, validate

from poles.models import (
    Answer,
    CharterStatus,
    LocationPrecision,
    MemberCategory,
    Stage,
)
from poles.schema import SCHEMA_PATH, schema_descriptor, schema_fields
from tests.conftest import REAL_CSV


def frictionless_schema(**changes) -> Schema:
    descriptor = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Schema.from_descriptor({**descriptor, **changes})


def test_schema_is_a_valid_table_schema():
    report = Schema.validate_descriptor(schema_descriptor())
    assert report.valid, report.flatten(["type", "note"])


def test_every_field_has_a_french_title_and_description():
    for field in schema_fields():
        assert field.title and field.description, field.name
        assert field.derived or field.target, f"{field.name} says neither what it holds nor derived"


def by_name(name: str):
    return next(f for f in schema_fields() if f.name == name)


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("precision_localisation", LocationPrecision.values),
        ("stade", [*Stage.values, Answer.UNKNOWN]),
        ("lieu_commun", Answer.values),
        ("charte_labo_ess", CharterStatus.values),
    ],
)
def test_vocabularies_are_the_models_choices(name, values):
    assert sorted(by_name(name).enum) == sorted(values)


def test_member_categories_are_the_models_choices():
    description = by_name("membres").description
    assert all(code in description for code in MemberCategory.values)


def test_the_real_data_follows_the_schema(tmp_path):
    path = tmp_path / REAL_CSV.name
    path.write_bytes(REAL_CSV.read_bytes())
    # The file leaves out the derived fields (the exports write them): match columns by name.
    resource = Resource(
        path=path.name,
        basepath=str(tmp_path),
        schema=frictionless_schema(fieldsMatch="superset"),
    )
    report = validate(resource)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize(
    ("value", "problem"),
    [("", "obligatoire"), ("x" * 201, "201 caractères"), ("Nom", None)],
)
def test_a_field_checks_its_own_constraints(value, problem):
    message = by_name("nom").check(value)
    assert (message is None) if problem is None else (problem in message)


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("latitude", "91", "hors de l'intervalle [-90, 90]"),
        ("latitude", "nan", "n'est pas un nombre"),
        ("annee_creation", "20x2", "nombre entier"),
        ("annee_charte", "2013", "intervalle [2014, 2100]"),
        ("stade", "fini", "valeur inconnue"),
        ("code_insee_commune", "4410", "forme attendue"),
        ("derniere_verification", "15/03/2026", "AAAA-MM-JJ"),
        ("longitude", "-1.55377", None),
    ],
)
def test_typed_fields_refuse_what_their_type_refuses(name, value, problem):
    message = by_name(name).check(value)
    assert (message is None) if problem is None else (problem in message)
