"""The CSV import: the only way real data enters in bulk.

Three steps, each its own function: reading the file (encoding, header, rows), parsing each row
against the data schema (poles/schema/poles.schema.json) and the reference data, and writing the
parsed rows through the model's own validation. The file follows the schema; the older English
format of ../shared/data/ptce_poles.csv is read through LEGACY_COLUMNS (fixtures/README.md).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from poles.db_functions import fold
from poles.exports import csv_unsafe
from poles.models import (
    Answer,
    Approach,
    ApproachAxis,
    Commune,
    Department,
    Epci,
    LocationPrecision,
    Member,
    MemberCategory,
    Membership,
    MembershipRole,
    Pole,
    Region,
    StateCall,
    Theme,
)
from poles.schema import field_for, field_names, schema_fields

MAX_REPORTED_ERRORS = 50
# The territory of action: place kind -> the pole's relation, its model and code field.
ACTION_MANAGERS = {
    "region": "action_regions",
    "departement": "action_departments",
    "epci": "action_epcis",
    "commune": "action_communes",
}
ACTION_MODELS = {"region": Region, "departement": Department, "epci": Epci, "commune": Commune}
ACTION_CODES = {"region": "code", "departement": "code", "epci": "siren", "commune": "code"}
MEMBER_PATTERN = re.compile(r"^(?P<name>.+?)\s*\((?P<category>[^()]+)\)$")

# The English columns of ../shared/data/ptce_poles.csv, and the schema field each one holds.
LEGACY_COLUMNS = {
    "name": "nom", "short_name": "sigle", "carrier": "structure_porteuse",
    "commune": "commune", "commune_insee": "code_insee_commune",
    "department_code": "departement_code", "region_code": "region_code", "region": "region",
    "latitude": "latitude", "longitude": "longitude",
    "location_precision": "precision_localisation", "year_created": "annee_creation",
    "themes": "thematiques", "sector": "secteur", "website": "site_web",
    "impulse": "impulsion", "impulse_note": "precision_impulsion",
    "economic_dynamic": "dynamique_economique",
    "economic_dynamic_note": "precision_dynamique_economique", "common_place": "lieu_commun",
    "members": "membres", "charter_signatory": "charte_labo_ess",
    "recognitions": "reconnaissances", "description_fr": "resume", "sources": "sources",
}  # fmt: skip
LEGACY_MEMBER_CATEGORIES = {
    "ESS enterprise": MemberCategory.ESS_ENTERPRISE,
    "SME": MemberCategory.SME,
    "local authority": MemberCategory.LOCAL_AUTHORITY,
    "research centre": MemberCategory.RESEARCH_CENTRE,
    "training body": MemberCategory.TRAINING_BODY,
    "other": MemberCategory.OTHER,
}
LEGACY_CHARTER = {"unknown": Answer.UNKNOWN}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"ligne {self.line}" if self.line else "fichier"
        if self.column:
            where += f", colonne « {self.column} »"
        return f"{where} : {self.message}"


class PoleImportError(Exception):
    """The file was refused; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass
class ImportReport:
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    members_created: int = 0
    members_updated: int = 0
    memberships_created: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.members_created
            or self.members_updated
            or self.memberships_created
        )


@dataclass
class SourceFile:
    """The rows of a file, keyed by schema field names, with their line numbers."""

    rows: list[tuple[int, dict[str, str]]]
    # Schema field -> the column as the file names it (for error messages).
    columns: dict[str, str]


def poles_import_csv(*, path: str | Path, dry_run: bool = False, reason: str = "") -> ImportReport:
    """Create or update poles, members and their links from a CSV file of the data schema.

    All or nothing: any error refuses the whole file (PoleImportError lists every error with its
    line and column). A blank cell (or "inconnu") means the sources are silent: it never erases
    a known value. Any other cell is the file's statement and replaces the value (for a list, the
    whole list of that kind). Members are added to poles, never removed: the file names members,
    it is not a register. `dry_run` computes the same report and writes nothing.
    """
    source = read_csv(Path(path))
    importer = _Importer(source, reason=reason or f"import {Path(path).name}", dry_run=dry_run)
    try:
        with transaction.atomic():
            importer.run()
            if importer.errors:
                raise PoleImportError(importer.errors[:MAX_REPORTED_ERRORS])
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:  # a concurrent edit or a constraint the checks missed
        raise PoleImportError(
            [RowError(importer.line, None, f"refus de la base de données : {error}")]
        ) from error
    return importer.report


# --- 1. reading ------------------------------------------------------------------------------


def read_csv(path: Path) -> SourceFile:
    """The file's rows after checks of encoding and header; refuses what is not a poles file."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PoleImportError(
            [RowError(0, None, f"lecture impossible : {error.strerror}")]
        ) from error
    return read_csv_text(_decode(raw))


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        message = (
            f"le fichier n'est pas encodé en UTF-8 (octet invalide 0x{raw[error.start]:02x}) ; "
            "enregistrez-le en UTF-8."
        )
        raise PoleImportError([RowError(line, None, message)]) from error
    if "\x00" in text:
        message = "le fichier contient des octets nuls : ce n'est pas un fichier CSV texte."
        raise PoleImportError([RowError(0, None, message)])
    if not text.strip():
        raise PoleImportError([RowError(0, None, "le fichier est vide.")])
    return text


def read_csv_text(text: str) -> SourceFile:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [column.strip() for column in next(reader)]
        columns = _check_header(header)
        renamed = [columns.get(column, column) for column in header]
        legacy = header != renamed
        rows: list[tuple[int, dict[str, str]]] = []
        errors: list[RowError] = []
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(cells) != len(header):
                    message = (
                        f"{len(cells)} champs au lieu de {len(header)} "
                        "(virgule ou guillemet mal placé ?)."
                    )
                    errors.append(RowError(start, None, message))
                else:
                    values = dict.fromkeys(field_names(), "")  # columns a file may leave out
                    values.update(
                        (name, csv_unsafe(cell.strip()))
                        for name, cell in zip(renamed, cells, strict=True)
                    )
                    rows.append((start, _from_legacy(values) if legacy else values))
            start = reader.line_num + 1
    except csv.Error as error:
        raise PoleImportError(
            [RowError(reader.line_num, None, f"CSV mal formé : {error}.")]
        ) from error
    if errors:
        raise PoleImportError(errors[:MAX_REPORTED_ERRORS])
    if not rows:
        raise PoleImportError([RowError(0, None, "le fichier ne contient aucun pôle.")])
    shown = {name: column for column, name in zip(header, renamed, strict=True)}
    return SourceFile(rows=rows, columns=shown)


def _check_header(header: list[str]) -> dict[str, str]:
    """Column -> schema field; refuses a header that is neither the schema's nor the legacy one."""
    is_legacy = "name" in header and "nom" not in header
    expected = list(LEGACY_COLUMNS) if is_legacy else [f.name for f in schema_fields()]
    needed = expected if is_legacy else [f.name for f in schema_fields() if not f.derived]
    missing = [c for c in needed if c not in header]
    unknown = [c for c in header if c not in expected]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    problems = []
    if missing:
        problems.append("colonnes manquantes : " + ", ".join(missing))
    if unknown:
        problems.append("colonnes inconnues : " + ", ".join(unknown))
    if duplicated:
        problems.append("colonnes en double : " + ", ".join(duplicated))
    if problems:
        message = (
            "en-tête invalide (" + " ; ".join(problems) + "). "
            "Colonnes attendues (schéma des données, /donnees/schema.json) : "
            + ", ".join(needed)
            + "."
        )
        raise PoleImportError([RowError(1, None, message)])
    return dict(LEGACY_COLUMNS) if is_legacy else {c: c for c in header}


def _from_legacy(values: dict[str, str]) -> dict[str, str]:
    """Legacy values in the schema's vocabulary (member types, "unknown" charter)."""
    charter = values["charte_labo_ess"]
    values["charte_labo_ess"] = LEGACY_CHARTER.get(charter, charter)
    members = []
    for entry in (part.strip() for part in values["membres"].split(";")):
        match = MEMBER_PATTERN.match(entry)
        if match and match["category"] in LEGACY_MEMBER_CATEGORIES:
            entry = f"{match['name'].strip()} ({LEGACY_MEMBER_CATEGORIES[match['category']]})"
        if entry:
            members.append(entry)
    values["membres"] = "; ".join(members)
    return values


# --- 2. parsing ------------------------------------------------------------------------------


class _RowInvalid(Exception):
    pass


@dataclass
class MemberEntries:
    members: list[tuple[str, str]]  # (name, category code)
    errors: list[str]


def parse_member_entries(entries: list[str]) -> MemberEntries:
    """Members written « Nom (catégorie) », the rules of the import and of the proposals alike."""
    members: list[tuple[str, str]] = []
    errors: list[str] = []
    seen: set[str] = set()
    max_length = Member._meta.get_field("name").max_length
    for entry in (part.strip() for part in entries):
        if not entry:
            continue
        match = MEMBER_PATTERN.match(entry)
        if match is None or match["category"] not in MemberCategory.values:
            errors.append(
                f"« {entry[:80]} » : attendu « Nom (catégorie) » avec une catégorie parmi "
                + ", ".join(MemberCategory.values)
                + "."
            )
            continue
        name, category = match["name"].strip(), match["category"]
        if fold(name) in seen:
            errors.append(f"membre en double : « {name} ».")
            continue
        seen.add(fold(name))
        if len(name) > max_length:
            errors.append(f"nom de membre trop long : « {name[:40]}… ».")
            continue
        members.append((name, category))
    return MemberEntries(members, errors)


@dataclass
class _ParsedRow:
    line: int
    values: dict  # scalar model fields stated by the file (blank cells left out)
    impulse: list[Approach] | None
    dynamic: list[Approach] | None
    themes: list[Theme] | None
    recognitions: list[StateCall] | None
    members: list[tuple[str, str]]
    action: dict[str, list] | None = None  # the territory of action, by kind


class _Importer:
    def __init__(self, source: SourceFile, *, reason: str, dry_run: bool):
        self.source = source
        self.reason = reason
        self.report = ImportReport(dry_run=dry_run)
        self.errors: list[RowError] = []
        self.departments = {d.code: d for d in Department.objects.all()}
        self.departments_by_id = {d.pk: d for d in self.departments.values()}
        self.regions = {r.code: r for r in Region.objects.all()}
        self.approaches = {a.code: a for a in Approach.objects.all()}
        self.themes = {t.code: t for t in Theme.objects.all()}
        self.calls = {c.code: c for c in StateCall.objects.all()}
        # The official communes, when loaded (manage.py load_communes): code -> (name, dept id).
        self.communes = {
            code: (name, department_id)
            for code, name, department_id in Commune.objects.values_list(
                "code", "name", "department_id"
            )
        }
        self.fields = {f.name: f for f in schema_fields()}
        self.seen_slugs: dict[str, int] = {}
        self.seen_names: dict[str, int] = {}
        self.member_categories: dict[str, tuple[str, int]] = {}
        self.line = 0

    def error(self, line: int, name: str | None, message: str) -> None:
        column = self.source.columns.get(name, name) if name else None
        self.errors.append(RowError(line, column, message))

    def run(self) -> None:
        for line, row in self.source.rows:
            self.line = line
            try:
                parsed = self.parse(line, row)
            except _RowInvalid:
                continue
            if self.errors:
                # The file is refused already: keep checking the other rows, write nothing more.
                with contextlib.suppress(_RowInvalid):
                    self.build(parsed)
            else:
                self.write(parsed, row)

    def parse(self, line: int, row: dict[str, str]) -> _ParsedRow:
        errors_before = len(self.errors)
        for item in self.fields.values():
            if item.name in row and not item.derived:
                message = item.check(row[item.name])
                if message:
                    self.error(line, item.name, message)
                    row[item.name] = ""  # checked once: the specific parsers skip it
        values: dict = {}
        self.parse_identity(line, row, values)
        for item in self.fields.values():
            if item.name in PLAIN_TEXT_FIELDS and row.get(item.name):
                values[item.target] = row[item.name]
        self.parse_territory(line, row, values)
        self.parse_location(line, row, values)
        for name in ("annee_creation", "annee_charte"):
            if row[name]:
                values[self.fields[name].target] = int(row[name])
        if row["derniere_verification"]:
            try:
                values["last_verified"] = datetime.date.fromisoformat(row["derniere_verification"])
            except ValueError:
                self.error(line, "derniere_verification", "cette date n'existe pas.")
        if row["stade"] and row["stade"] != Answer.UNKNOWN:
            values["stage"] = row["stade"]
        if row["lieu_commun"] and row["lieu_commun"] != Answer.UNKNOWN:
            values["has_common_place"] = row["lieu_commun"] == Answer.YES
        if row["charte_labo_ess"] and row["charte_labo_ess"] != Answer.UNKNOWN:
            values["charter_status"] = row["charte_labo_ess"]
        if row["sources"]:
            values["sources"] = "\n".join(row["sources"].split())

        impulse = self.parse_codes(line, row, "impulsion", self.approaches, ApproachAxis.IMPULSE)
        dynamic = self.parse_codes(
            line, row, "dynamique_economique", self.approaches, ApproachAxis.ECONOMIC_DYNAMIC
        )
        themes = self.parse_codes(line, row, "thematiques", self.themes)
        recognitions = self.parse_codes(line, row, "reconnaissances", self.calls)
        members = self.parse_members(line, row)
        action = self.parse_action(line, row)

        if len(self.errors) > errors_before:
            raise _RowInvalid
        return _ParsedRow(line, values, impulse, dynamic, themes, recognitions, members, action)

    def parse_action(self, line: int, row: dict[str, str]) -> dict[str, list] | None:
        """The territory of action: official places by their codes (commune:29232, ...)."""
        if not row["territoire_action"]:
            return None
        found: dict[str, list] = {kind: [] for kind in ACTION_MANAGERS}
        for key in row["territoire_action"].split(";"):
            kind, _, code = key.strip().partition(":")
            model = ACTION_MODELS[kind]
            item = model.objects.filter(**{ACTION_CODES[kind]: code}).first()
            if item is None:
                self.error(line, "territoire_action", f"lieu inconnu « {key.strip()} ».")
            elif item not in found[kind]:
                found[kind].append(item)
        return found

    def parse_identity(self, line: int, row: dict[str, str], values: dict) -> None:
        name = row["nom"]
        if not name:
            return  # reported by the schema check (required)
        slug = row.get("identifiant") or slugify(name)[:200]
        key = fold(name)
        if not slug:
            self.error(line, "nom", f"le nom « {name} » ne donne pas d'identifiant d'URL.")
        elif slug in self.seen_slugs or key in self.seen_names:
            first = self.seen_slugs.get(slug) or self.seen_names[key]
            self.error(line, "nom", f"pôle en double : « {name} » figure déjà ligne {first}.")
        else:
            self.seen_slugs[slug] = self.seen_names[key] = line
            values["name"] = name
            values["slug"] = slug

    def parse_territory(self, line: int, row: dict[str, str], values: dict) -> None:
        department = region = None
        code = row["code_insee_commune"]
        if code and self.communes:
            official = self.communes.get(code)
            if official is None:
                self.error(
                    line,
                    "code_insee_commune",
                    f"code INSEE « {code} » absent de la liste officielle des communes.",
                )
            else:
                # The official name; the department follows from the commune.
                values["commune"] = official[0]
                commune_department = self.departments_by_id[official[1]]
                if row["departement_code"] and row["departement_code"] != commune_department.code:
                    self.error(
                        line,
                        "departement_code",
                        f"la commune {code} ({official[0]}) est dans le département "
                        f"{commune_department.code}, pas {row['departement_code']}.",
                    )
                else:
                    row["departement_code"] = commune_department.code
        if row["departement_code"]:
            department = self.departments.get(row["departement_code"])
            if department is None:
                self.error(
                    line,
                    "departement_code",
                    f"code de département inconnu « {row['departement_code']} » "
                    "(codes INSEE : 01 à 95, 2A, 2B, 971 à 976).",
                )
        if row["region_code"]:
            region = self.regions.get(row["region_code"])
            if region is None:
                self.error(line, "region_code", f"code de région inconnu « {row['region_code']} ».")
        if department is not None:
            if region is not None and department.region_id != region.pk:
                self.error(
                    line,
                    "region_code",
                    f"le département {department.code} ({department.name}) n'est pas dans la "
                    f"région {region.code} ({region.name}).",
                )
            values["department_id"] = department.pk
            values["region_id"] = department.region_id
        elif region is not None:
            values["region_id"] = region.pk

    def parse_location(self, line: int, row: dict[str, str], values: dict) -> None:
        latitude, longitude = row["latitude"], row["longitude"]
        if bool(latitude) != bool(longitude):
            self.error(
                line,
                "longitude" if latitude else "latitude",
                "latitude et longitude vont ensemble : les deux ou aucune.",
            )
            return
        precision = row["precision_localisation"]
        if latitude:
            if precision in ("", LocationPrecision.NONE):
                self.error(
                    line,
                    "precision_localisation",
                    f"« {precision or 'vide'} » alors que la ligne donne des coordonnées "
                    "(attendu : " + ", ".join(LocationPrecision.values[:-1]) + ").",
                )
                return
            quantum = Decimal("0.000001")
            values["latitude"] = Decimal(latitude).quantize(quantum)
            values["longitude"] = Decimal(longitude).quantize(quantum)
            values["location_precision"] = precision
        elif precision not in ("", LocationPrecision.NONE):
            self.error(
                line,
                "precision_localisation",
                f"« {precision} » sans coordonnées : attendu « aucune » ou vide.",
            )

    def parse_codes(self, line, row, name, known, axis=None) -> list | None:
        if not row[name]:
            return None
        found = []
        for code in (part.strip() for part in row[name].split(";")):
            item = known.get(code)
            if item is None or (axis is not None and item.axis != axis):
                allowed = sorted(k for k, v in known.items() if axis is None or v.axis == axis)
                self.error(
                    line, name, f"code inconnu « {code} » (codes possibles : {', '.join(allowed)})."
                )
            elif item not in found:
                found.append(item)
        return found

    def parse_members(self, line: int, row: dict[str, str]) -> list[tuple[str, str]]:
        parsed = parse_member_entries(row["membres"].split(";"))
        for message in parsed.errors:
            self.error(line, "membres", message)
        members: list[tuple[str, str]] = []
        for name, category in parsed.members:
            key = fold(name)
            previous = self.member_categories.setdefault(key, (category, line))
            if previous[0] != category:
                self.error(
                    line,
                    "membres",
                    f"« {name} » est classé « {MemberCategory(category).label} » ici mais "
                    f"« {MemberCategory(previous[0]).label} » ligne {previous[1]}.",
                )
                continue
            members.append((name, category))
        return members

    # --- 3. writing --------------------------------------------------------------------------

    def find_pole(self, values: dict) -> Pole | None:
        return (
            Pole.objects.filter(slug=values["slug"]).first()
            or Pole.objects.filter(name__folded=fold(values["name"])).first()
        )

    def build(self, parsed: _ParsedRow) -> tuple[Pole, bool, list[str]]:
        pole = self.find_pole(parsed.values)
        is_new = pole is None
        if is_new:
            pole = Pole(is_published=True)
            changed = list(parsed.values)
        else:
            # A slug is a public address: editors may have changed it on purpose.
            changed = [f for f, v in parsed.values.items() if f != "slug" and getattr(pole, f) != v]
        for name, value in parsed.values.items():
            if name == "slug" and not is_new:
                continue
            setattr(pole, name, value)
        if (
            "department_id" not in parsed.values
            and "region_id" in parsed.values
            and (pole.department_id and pole.department.region_id != pole.region_id)
        ):
            pole.department = None  # the file moves the pole to another region
            changed.append("department_id")
        try:
            pole.full_clean(validate_unique=True, validate_constraints=True)
        except ValidationError as error:
            for model_field, messages in error.message_dict.items():
                column = _column_of(model_field)
                for message in messages:
                    self.error(parsed.line, column, message)
            raise _RowInvalid from error
        return pole, is_new, changed

    def write(self, parsed: _ParsedRow, row: dict[str, str]) -> None:
        try:
            pole, is_new, changed = self.build(parsed)
        except _RowInvalid:
            return
        pole._change_reason = self.reason
        if changed:
            pole.save()
        m2m_changed = False
        for manager_name, items, axis in (
            ("approaches", parsed.impulse, ApproachAxis.IMPULSE),
            ("approaches", parsed.dynamic, ApproachAxis.ECONOMIC_DYNAMIC),
            ("themes", parsed.themes, None),
            ("recognitions", parsed.recognitions, None),
        ):
            if items is None:
                continue
            manager = getattr(pole, manager_name)
            current = set(manager.all())
            kept = {item for item in current if axis is not None and item.axis != axis}
            wanted = kept | set(items)
            if wanted != current:
                manager.set(wanted)
                m2m_changed = True
        if parsed.action is not None:
            for kind, items in parsed.action.items():
                manager = getattr(pole, ACTION_MANAGERS[kind])
                if set(manager.all()) != set(items):
                    manager.set(items)
                    m2m_changed = True
        members_changed = self.write_members(pole, parsed.members, row["structure_porteuse"])
        if is_new:
            self.report.created.append(pole.name)
        elif changed or m2m_changed or members_changed:
            self.report.updated.append(pole.name)
        else:
            self.report.unchanged.append(pole.name)

    def write_members(self, pole: Pole, members: list[tuple[str, str]], carrier: str) -> bool:
        changed = False
        for name, category in members:
            member = Member.objects.filter(name__folded=fold(name)).first()
            if member is None:
                member = Member(name=name, category=category)
                member._change_reason = self.reason
                member.save()
                self.report.members_created += 1
            elif member.category != category:
                member.category = category
                member._change_reason = self.reason
                member.save()
                self.report.members_updated += 1
            if not Membership.objects.filter(pole=pole, member=member).exists():
                # The only role the file tells: the member that is the carrier itself.
                role = MembershipRole.CARRIER if fold(name) == fold(carrier) else ""
                membership = Membership(pole=pole, member=member, role=role)
                membership._change_reason = self.reason
                membership.save()
                self.report.memberships_created += 1
                changed = True
        return changed


# Fields copied as they are into a text field of the pole.
PLAIN_TEXT_FIELDS = frozenset(
    {
        "sigle", "structure_porteuse", "commune", "code_insee_commune", "secteur",
        "precision_impulsion", "precision_dynamique_economique", "resume", "site_web",
        "preuve_charte",
    }
)  # fmt: skip


def _column_of(model_field: str) -> str | None:
    target = {"department_id": "department", "region_id": "region"}.get(model_field, model_field)
    with contextlib.suppress(KeyError):
        return field_for(target).name
    return None


def source_to_schema_rows(
    source: SourceFile, *, identifiers: dict[str, str] | None = None
) -> list[dict[str, str]]:
    """The rows of a file (either format) as the data schema writes them, derived fields left out.

    This is how fixtures/ptce_poles.csv is made from ../shared/data/ptce_poles.csv; `identifiers`
    (name -> identifier) keeps the former identifier of a renamed pole.
    """
    names = [f.name for f in schema_fields() if not f.derived]
    identifiers = identifiers or {}
    rows = []
    for _line, values in source.rows:
        row = {name: values.get(name, "") for name in names}
        row["identifiant"] = (
            row["identifiant"] or identifiers.get(row["nom"]) or slugify(row["nom"])[:200]
        )
        rows.append(row)
    return rows
