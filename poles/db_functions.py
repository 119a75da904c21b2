"""Accent- and case-insensitive matching that works on both PostgreSQL and SQLite.

PostgreSQL uses its `unaccent` extension (created by a migration). SQLite has no such function,
so we register a Python one with the same name on every new SQLite connection.
"""

import unicodedata
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func, Q, TextField, Transform
from django.db.models.functions import Lower

# Ligatures that NFKD does not split but PostgreSQL's unaccent does.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def fold(text: str | None) -> str:
    """Lower-case, accent-free form of a text, as Unaccent(Lower(...)) computes it in SQL."""
    if text is None:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def folded_contains(text: str, fields: Iterable[str]) -> Q | None:
    """Rows where one of `fields` contains `text`, accents and case ignored (None: blank text)."""
    term = fold(text.strip())
    if not term:
        return None
    return reduce(or_, (Q(**{f"{field}__folded__contains": term}) for field in fields))


class Unaccent(Func):
    function = "UNACCENT"
    output_field = TextField()


class Folded(Transform):
    """`field__folded`: the SQL counterpart of `fold`, e.g. `name__folded__contains`."""

    lookup_name = "folded"
    output_field = TextField()

    def as_sql(self, compiler, connection):
        return Unaccent(Lower(self.lhs)).as_sql(compiler, connection)


def _register_sqlite_unaccent(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("unaccent", 1, fold, deterministic=True)


def register() -> None:
    CharField.register_lookup(Folded)
    TextField.register_lookup(Folded)
    connection_created.connect(_register_sqlite_unaccent, dispatch_uid="poles_sqlite_unaccent")
