"""The words search: each pole's search documents, kept by the write service, and the query.

Three documents per pole, from the most to the least telling: its names (name, short name,
carrier), its topics and places (themes, sector, commune, department, region), its text
(summary, description, members). On PostgreSQL they make one weighted full-text vector (French
stemming, accents ignored, a GIN index; migration 0022); on SQLite every word must appear in one
of them. Either way the pole whose name is exactly the words comes first, then the others by
where the words were found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from poles.db_functions import fold

# A copy of PostgreSQL's French configuration that ignores accents (migration 0022).
CONFIG = "french_unaccent"
DOCUMENTS = ("search_names", "search_topics", "search_text")
# Beyond this many words a search says nothing more precise.
MAX_WORDS = 10
_STEMMER = snowballstemmer.stemmer("french")
# Up to this many poles are refreshed one UPDATE each; more, in batches.
FEW = 10


def _document(parts: Iterable[str | None]) -> str:
    return fold(" ".join(part for part in parts if part))


def pole_search_documents(pole) -> dict[str, str]:
    """The pole's documents, from its saved fields and relations (works on the historical
    models of a migration too)."""
    places = [pole.commune]
    places += [pole.department.name] if pole.department_id else []
    places += [pole.region.name] if pole.region_id else []
    return {
        "search_names": _document([pole.name, pole.short_name, pole.carrier_name]),
        "search_topics": _document(
            [*(theme.label for theme in pole.themes.all()), pole.sector, *places]
        ),
        "search_text": _document(
            [
                pole.summary,
                pole.description,
                *(membership.member.name for membership in pole.memberships.all()),
            ]
        ),
    }


def search_vector(documents: dict[str, str] | None = None) -> SearchVector:
    """The weighted vector of the stored documents, or of `documents` about to be stored."""

    def part(name: str):
        return Value(documents[name]) if documents is not None else name

    return (
        SearchVector(part("search_names"), weight="A", config=CONFIG)
        + SearchVector(part("search_topics"), weight="B", config=CONFIG)
        + SearchVector(part("search_text"), weight="C", config=CONFIG)
    )


CHUNK = 100


def poles_search_refresh(*, model, pole_ids: Iterable[int]) -> None:
    """Write the search documents of these poles again (after a write, a theme renamed, a
    member renamed). `model`: Pole, or its historical model in a migration."""
    pole_ids = list(pole_ids)
    # By chunks: on SQLite, prefetching the members of thousands of poles makes an OR of one
    # term per member, deeper than the 1,000 it allows.
    if len(pole_ids) > CHUNK:
        for start in range(0, len(pole_ids), CHUNK):
            poles_search_refresh(model=model, pole_ids=pole_ids[start : start + CHUNK])
        return
    poles = list(
        model.objects.filter(pk__in=pole_ids)
        .select_related("department", "region")
        .prefetch_related("themes", "memberships__member")
    )
    postgresql = connections[model.objects.db].vendor == "postgresql"
    if len(poles) > FEW:
        for pole in poles:
            for name, value in pole_search_documents(pole).items():
                setattr(pole, name, value)
        # SQLite refuses a CASE deeper than 1,000 terms: batches of 100 suit both databases.
        model.objects.bulk_update(poles, DOCUMENTS, batch_size=100)
        if postgresql:
            model.objects.filter(pk__in=pole_ids).update(search_vector=search_vector())
        return
    for pole in poles:  # one UPDATE each, the same number on either database
        documents = pole_search_documents(pole)
        if postgresql:
            documents["search_vector"] = search_vector(documents)
        model.objects.filter(pk=pole.pk).update(**documents)


def search_words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))[:MAX_WORDS]


def _stems(words: list[str]) -> list[str]:
    """The words' French stems, as PostgreSQL's configuration makes them (the same Snowball
    stemmer): "alimentation" finds "alimentaire" on SQLite too."""
    stems = _STEMMER.stemWords(words)
    # Only a suffix taken off: a stem that changed letters ("ecopya" -> "ecopi") would not be
    # found in the documents, which SQLite does not stem.
    return [stem if stem and word.startswith(stem) else word
            for word, stem in zip(words, stems, strict=True)]  # fmt: skip


def poles_search(poles: QuerySet, text: str) -> QuerySet:
    """The poles whose documents hold every word (a word's beginning is enough), the most
    relevant first."""
    words = search_words(text)
    if not words:
        return poles
    exact_name = Case(
        When(name__folded=fold(text.strip()), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    if connections[poles.db].vendor == "postgresql":

        def query(weights: str = "") -> SearchQuery:
            # Each word's beginning, in the documents of these weights (A names, B topics).
            raw = " & ".join(f"{word}:*{weights}" for word in words)
            return SearchQuery(raw, search_type="raw", config=CONFIG)

        tier = _tier(Q(search_vector=query("A")), Q(search_vector=query("AB")))
        # Within a tier, by name, as on SQLite: the same first results on either database.
        return (
            poles.filter(search_vector=query())
            .annotate(exact_name=exact_name, tier=tier)
            .order_by("exact_name", "tier", "name")
        )
    anywhere, in_names, in_names_or_topics = Q(), Q(), Q()
    for word in _stems(words):
        names = Q(search_names__contains=word)
        topics = names | Q(search_topics__contains=word)
        anywhere &= topics | Q(search_text__contains=word)
        in_names &= names
        in_names_or_topics &= topics
    return (
        poles.filter(anywhere)
        .annotate(exact_name=exact_name, tier=_tier(in_names, in_names_or_topics))
        .order_by("exact_name", "tier", "name")
    )


def _tier(in_names: Q, in_names_or_topics: Q) -> Case:
    """1: every word in the names; 2: in the names or topics; 3: anywhere."""
    return Case(
        When(in_names, then=Value(1)),
        When(in_names_or_topics, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
