"""The data schema of the directory: one Table Schema (frictionless) for import, export and docs.

`poles.schema.json` beside this file is the single description of the dataset's fields: their
names, French titles and descriptions, types, vocabularies and constraints. The importer reads
its rules, the CSV and GeoJSON exports write its fields in its order, the open-data page documents
them and `/donnees/schema.json` publishes it as it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).with_name("poles.schema.json")


@dataclass(frozen=True)
class SchemaField:
    name: str
    title: str
    description: str
    type: str
    # The model field (or "approaches:<axis>", "themes", "members"...) the column holds.
    target: str = ""
    derived: bool = False  # written by exports, ignored by the import
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: str = ""
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    example: str = ""
    constraints: dict = field(default_factory=dict, compare=False)

    def check(self, value: str) -> str | None:
        """The French message for a cell that breaks this field's rules (None: the cell is fine).

        A blank cell is "the sources are silent": only a required field refuses it.
        """
        if value == "":
            return "valeur obligatoire." if self.required else None
        if self.max_length is not None and len(value) > self.max_length:
            return f"{len(value)} caractères, {self.max_length} au plus."
        if self.enum and value not in self.enum:
            return f"valeur inconnue « {value} » (attendu : " + ", ".join(self.enum) + ")."
        if self.pattern and not re.fullmatch(self.pattern, value):
            return f"« {value[:80]} » n'a pas la forme attendue" + (
                f" (exemple : {self.example})." if self.example else "."
            )
        if self.type in ("integer", "number"):
            return self._check_number(value)
        if self.type == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return f"« {value} » n'est pas une date AAAA-MM-JJ."
        return None

    def _check_number(self, value: str) -> str | None:
        if self.type == "integer" and not re.fullmatch(r"-?\d+", value):
            return f"« {value} » n'est pas un nombre entier."
        try:
            number = float(value)
        except ValueError:
            return f"« {value} » n'est pas un nombre."
        if number != number or number in (float("inf"), float("-inf")):
            return f"« {value} » n'est pas un nombre."
        low, high = self.minimum, self.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            return f"{value} est hors de l'intervalle [{_num(low)}, {_num(high)}]."
        return None


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@cache
def schema_descriptor() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def schema_fields() -> tuple[SchemaField, ...]:
    fields = []
    for item in schema_descriptor()["fields"]:
        constraints = item.get("constraints", {})
        fields.append(
            SchemaField(
                name=item["name"],
                title=item.get("title", item["name"]),
                description=item.get("description", ""),
                type=item.get("type", "string"),
                target=item.get("x-field", ""),
                derived=bool(item.get("x-derived")),
                required=bool(constraints.get("required")),
                enum=tuple(constraints.get("enum", ())),
                pattern=constraints.get("pattern", ""),
                minimum=constraints.get("minimum"),
                maximum=constraints.get("maximum"),
                max_length=constraints.get("maxLength"),
                example=str(item.get("example", "")),
                constraints=constraints,
            )
        )
    return tuple(fields)


def field_names() -> list[str]:
    return [f.name for f in schema_fields()]


def field_for(target: str) -> SchemaField:
    """The schema field that holds a model field (to name a column in an error message)."""
    for item in schema_fields():
        if item.target == target:
            return item
    raise KeyError(target)
