"""A partner's file (a network, a CRESS) becomes proposals, one per row: a file never writes
the directory itself; each proposal is decided as usual, with its field-by-field diff."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from poles.contributions.duplicates import poles_similar
from poles.contributions.fields import pole_values
from poles.contributions.models import ContributorRelation, Proposal, ProposalKind
from poles.coordination.services import referent_regions
from poles.imports import poles_import_csv, read_csv
from poles.models import Pole
from poles.territories.models import Department, Region

# The file's columns (schema names) and the proposal's fields they fill.
TEXTS = {"nom": "name", "sigle": "short_name", "structure_porteuse": "carrier_name",
         "commune": "commune", "site_web": "website", "resume": "summary",
         "preuve_charte": "charter_proof", "departement_code": "department"}  # fmt: skip
CODES = {"impulsion": "approches_impulsion", "dynamique_economique": "approches_dynamique",
         "thematiques": "themes"}  # fmt: skip
ANSWERS = {"lieu_commun": "has_common_place", "charte_labo_ess": "charter_status",
           "stade": "stage"}  # fmt: skip
YEARS = {"annee_creation": "year_created", "annee_charte": "charter_year"}
SILENT = {"", "inconnu"}


def row_values(row: dict[str, str]) -> dict:
    """The facts a row states, as the proposal form holds them (a blank cell says nothing)."""
    values: dict = {}
    for column, name in TEXTS.items():
        if row.get(column, "").strip():
            values[name] = row[column].strip()
    for column, name in CODES.items():
        codes = [c.strip() for c in row.get(column, "").split(";") if c.strip()]
        if codes:
            values[name] = sorted(codes)
    for column, name in ANSWERS.items():
        if row.get(column, "").strip() not in SILENT:
            values[name] = row[column].strip()
    for column, name in YEARS.items():
        if row.get(column, "").strip():
            values[name] = int(row[column])
    members = [m.strip() for m in row.get("membres", "").split(";") if m.strip()]
    if members:
        values["members"] = sorted(members)
    sources = [s for s in re.split(r"[\s;]+", row.get("sources", "")) if s]
    if sources:
        values["sources"] = sources
    return values


def _region_of(row: dict[str, str]):
    """A new pole's region: its department's, else the one the row names."""
    department = row.get("departement_code", "").strip()
    if department:
        return (
            Department.objects.filter(code=department).values_list("region_id", flat=True).first()
        )
    return (
        Region.objects.filter(code=row.get("region_code", "").strip())
        .values_list("pk", flat=True)
        .first()
    )


@dataclass
class FileProposals:
    created: list[int] = field(default_factory=list)  # lines
    unchanged: list[int] = field(default_factory=list)
    outside: list[int] = field(default_factory=list)  # another region than the referent's
    # New poles that look like poles of the directory: line -> their names (to check).
    similar: dict[int, list[str]] = field(default_factory=dict)


def proposals_from_file(*, path: Path, file_name: str, user) -> FileProposals:
    """One proposal per row that says something new, after the whole file passed the import's
    checks (PoleImportError otherwise, nothing stored). A referent's rows outside its regions
    are left out, named by line."""
    poles_import_csv(path=path, dry_run=True)
    source = read_csv(path)
    regions = referent_regions(user)
    result = FileProposals()
    label = f"{user.get_full_name() or user.get_username()}"
    with transaction.atomic():
        for line, row in source.rows:
            pole = (
                Pole.objects.filter(slug=row.get("identifiant", "")).first()
                if row.get("identifiant")
                else None
            ) or Pole.objects.filter(name__iexact=row["nom"].strip()).first()
            values = row_values(row)
            region_id = pole.region_id if pole else _region_of(row)
            if regions is not None and region_id not in regions:
                result.outside.append(line)
                continue
            snapshot = pole_values(pole) if pole else {}
            proposed = {k: v for k, v in values.items() if v != snapshot.get(k)}
            if not proposed:
                result.unchanged.append(line)
                continue
            message = f"Fichier « {file_name[:100]} », ligne {line}."
            if pole is None:
                alike = poles_similar(name=values.get("name", ""),
                                      commune=values.get("commune", ""),
                                      department_code=values.get("department", ""))  # fmt: skip
                if alike:
                    result.similar[line] = [other.name for other in alike]
                    message += " Ressemble à : " + " ; ".join(result.similar[line]) + "."
            Proposal.objects.create(
                kind=ProposalKind.CORRECTION if pole else ProposalKind.NEW,
                pole=pole,
                proposed_values=proposed,
                snapshot=snapshot,
                contributor_name=label[:150],
                contributor_relation=ContributorRelation.NETWORK,
                message=message,
            )
            result.created.append(line)
    return result
