"""The API's shapes. A pole is a record of the data schema (poles/schema/poles.schema.json):
the same fields, names and vocabularies as the CSV and GeoJSON exports, typed for JSON."""

from __future__ import annotations

from rest_framework import serializers

from poles.schema import SchemaField, schema_fields

JSON_TYPES = {
    "integer": serializers.IntegerField,
    "number": serializers.FloatField,
    "date": serializers.DateField,
}


def _field(field: SchemaField) -> serializers.Field:
    options = {
        "read_only": True,
        "help_text": f"{field.title}. {field.description}".strip(),
    }
    if field.type in JSON_TYPES:
        return JSON_TYPES[field.type](allow_null=True, **options)
    if field.enum:
        return serializers.ChoiceField(choices=list(field.enum), **options)
    return serializers.CharField(**options)


def typed_record(row: dict[str, str]) -> dict:
    """An export row (text cells) as JSON values: numbers as numbers, a blank number as null."""
    record = dict(row)
    for field in schema_fields():
        value = record.get(field.name)
        if field.type in JSON_TYPES and value in ("", None):
            record[field.name] = None
        elif field.type == "integer":
            record[field.name] = int(value)
        elif field.type == "number":
            record[field.name] = float(value)
    return record


PoleSerializer = type(
    "PoleSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "Un pôle, avec les champs du schéma de données de l'annuaire.",
        **{field.name: _field(field) for field in schema_fields()},
    },
)


class ApproachSerializer(serializers.Serializer):
    code = serializers.CharField()
    axe = serializers.CharField(source="axis")
    libelle = serializers.CharField(source="label")
    nombre_laureats = serializers.IntegerField(source="laureate_count", allow_null=True)
    description = serializers.CharField()


class ThemeSerializer(serializers.Serializer):
    code = serializers.CharField()
    libelle = serializers.CharField(source="label")
    nombre_laureats = serializers.IntegerField(source="laureate_count", allow_null=True)
    description = serializers.CharField()


class DepartmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    nom = serializers.CharField(source="name")


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    nom = serializers.CharField(source="name")
    departements = DepartmentSerializer(many=True, source="departments.all")


class StateCallSerializer(serializers.Serializer):
    code = serializers.CharField()
    programme = serializers.CharField()
    annee = serializers.IntegerField(source="year", allow_null=True)
    phase = serializers.CharField()
    libelle = serializers.CharField(source="label")
    nombre_laureats = serializers.IntegerField(source="laureate_count", allow_null=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Le message d'erreur, en clair.")
