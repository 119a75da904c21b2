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
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from poles.db_functions import fold
from poles.exports import csv_unsafe
from poles.models import (
    Answer,
    Approach,
    ApproachAxis,
    ChangeSource,
    LocationPrecision,
    Member,
    MemberCategory,
    MembershipRole,
    Pole,
    StateCall,
    Theme,
)
from poles.schema import field_for, field_names, schema_fields
from poles.services import (
    MEMBERS,
    Fact,
    MemberEntry,
    fact,
    pole_create,
    pole_facts,
    pole_update,
)
from poles.territories.models import TERRITORIES, Commune, Department, Region

MAX_REPORTED_ERRORS = 50
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
    # Facts an editor (or the pole) changed that the file changed too: the editor's value kept.
    conflicts: list[str] = field(default_factory=list)
    # Facts changed since the last import that the file did not change: kept, not counted.
    kept: int = 0

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


def poles_import_csv(
    *, path: str | Path, dry_run: bool = False, reason: str = "", force: bool = False
) -> ImportReport:
    """Create or update poles, members and their links from a CSV file of the data schema.

    All or nothing: any error refuses the whole file (PoleImportError lists every error with its
    line and column). A blank cell (or "inconnu") means the sources are silent: it never erases
    a known value. Any other cell is the file's statement (for a list, the whole list of that
    kind). Members are added to poles, never removed: the file names members, it is not a
    register. Every write goes through poles.services (one history entry per pole).

    Editorial work is kept: each pole remembers the file's values at its last import. A fact the
    file did not change since is left as it is now (an editor or the pole may have changed it);
    a fact the file changed is written, unless it was changed since the last import too: then
    the current value is kept and the conflict listed in the report. `force` writes the file's
    value in every case. `dry_run` computes the same report and writes nothing.
    """
    source = read_csv(Path(path))
    importer = _Importer(
        source,
        file_name=Path(path).name,
        reason=reason or f"import {Path(path).name}",
        dry_run=dry_run,
        force=force,
    )
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


@contextlib.contextmanager
def upload_as_path(upload) -> Iterator[Path]:
    """A file sent through a form, as the path the import reads; gone afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fichier.csv"
        with path.open("wb") as written:
            for chunk in upload.chunks():
                written.write(chunk)
        yield path


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
    def __init__(self, source: SourceFile, *, file_name: str, reason: str, dry_run: bool,
                 force: bool):  # fmt: skip
        self.source = source
        self.file_name = file_name
        self.reason = reason
        self.force = force
        self.report = ImportReport(dry_run=dry_run)
        self.errors: list[RowError] = []
        self.departments = {d.code: d for d in Department.objects.all()}
        self.departments_by_id = {d.pk: d for d in self.departments.values()}
        self.regions = {r.code: r for r in Region.objects.all()}
        self.regions_by_id = {r.pk: r for r in self.regions.values()}
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
        found: dict[str, list] = {kind: [] for kind in TERRITORIES}
        for key in row["territoire_action"].split(";"):
            kind, _, code = key.strip().partition(":")
            item = TERRITORIES[kind].get(code) if kind in TERRITORIES else None
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
            values["department"] = department
            values["region"] = self.regions_by_id[department.region_id]
        elif region is not None:
            values["region"] = region

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

    def build(self, parsed: _ParsedRow) -> Pole | None:
        """The pole the row describes (None: a new one), after checking the row against the
        model's rules on an unsaved copy (the file is refused before anything is written)."""
        pole = self.find_pole(parsed.values)
        probe = Pole(is_published=True) if pole is None else Pole.objects.get(pk=pole.pk)
        for name, value in parsed.values.items():
            if name != "slug" or pole is None:
                setattr(probe, name, value)
        try:
            probe.full_clean(validate_unique=True, validate_constraints=True)
        except ValidationError as error:
            for model_field, messages in error.message_dict.items():
                for message in messages:
                    self.error(parsed.line, _column_of(model_field), message)
            raise _RowInvalid from error
        return pole

    def stated(self, parsed: _ParsedRow) -> dict[str, tuple[Fact, object]]:
        """What the file says of each fact it is not silent on: key -> (fact, value to write)."""
        stated: dict[str, tuple[Fact, object]] = {
            name: (fact(value), value) for name, value in parsed.values.items() if name != "slug"
        }
        for axis, items in ((ApproachAxis.IMPULSE, parsed.impulse),
                            (ApproachAxis.ECONOMIC_DYNAMIC, parsed.dynamic)):  # fmt: skip
            if items is not None:
                stated[f"approaches:{axis}"] = (fact(items), items)
        for name, items in (("themes", parsed.themes), ("recognitions", parsed.recognitions)):
            if items is not None:
                stated[name] = (fact(items), items)
        if parsed.action is not None:
            keys = sorted(f"{kind}:{fact(item)}" for kind, items in parsed.action.items()
                          for item in items)  # fmt: skip
            stated["action"] = (keys, parsed.action)
        if parsed.members:
            stated[MEMBERS] = (sorted(fold(name) for name, _ in parsed.members), parsed.members)
        return stated

    def current(self, pole: Pole) -> dict[str, Fact]:
        """The pole's facts under the keys of `stated`."""
        facts = pole_facts(pole)
        axes = {a.code: a.axis for a in self.approaches.values()}
        for axis in (ApproachAxis.IMPULSE, ApproachAxis.ECONOMIC_DYNAMIC):
            facts[f"approaches:{axis}"] = [c for c in facts["approaches"] if axes[c] == axis]
        facts["action"] = sorted(
            f"{kind}:{code}" for kind, place in TERRITORIES.items() for code in facts[place.action]
        )
        facts[MEMBERS] = sorted(fold(entry.rsplit(" (", 1)[0]) for entry in facts[MEMBERS])
        return facts

    def merge(self, pole: Pole, stated: dict) -> dict[str, object]:
        """The stated facts to write: those the file changed since the last import, unless the
        pole changed them too (then kept, and reported) — or all that differ, with --force."""
        baseline, now = pole.imported_values, self.current(pole)
        wanted = {}
        for key, (file_fact, value) in stated.items():
            if key == MEMBERS:
                # Members are added, never removed: each one named anew is added, one that
                # was named before and is not there any more was removed on purpose.
                before = set(baseline.get(key, []))
                new = [(n, c) for n, c in value if fold(n) not in now[key]
                       and (self.force or fold(n) not in before)]  # fmt: skip
                if new:
                    wanted[key] = new
                continue
            current = now.get(key)
            if file_fact == current:
                continue
            if self.force:
                wanted[key] = value
            elif key in baseline and baseline[key] == file_fact:
                self.report.kept += 1  # the file did not change it: someone else did
            elif current == baseline.get(key) or current in _blank(key):
                wanted[key] = value
            else:
                self.report.conflicts.append(
                    f"{pole.name} — {key} : gardé la valeur de l'éditeur « {_short(current)} » "
                    f"(fichier : « {_short(file_fact)} »)"
                )
        return wanted

    def write(self, parsed: _ParsedRow, row: dict[str, str]) -> None:
        try:
            pole = self.build(parsed)
        except _RowInvalid:
            return
        stated = self.stated(parsed)
        baseline = {key: file_fact for key, (file_fact, _) in stated.items()}
        wanted = (
            {key: value for key, (_, value) in stated.items()} | {"slug": parsed.values["slug"]}
            if pole is None
            else self.merge(pole, stated)
        )
        values = {k: v for k, v in wanted.items() if k in parsed.values}
        relations: dict[str, list] = {}
        for axis in (ApproachAxis.IMPULSE, ApproachAxis.ECONOMIC_DYNAMIC):
            if f"approaches:{axis}" in wanted:
                kept = relations.get("approaches") or (
                    [a for a in pole.approaches.all() if a.axis != axis] if pole else []
                )
                relations["approaches"] = [a for a in kept if a.axis != axis] + list(
                    wanted[f"approaches:{axis}"]
                )
        for name in ("themes", "recognitions"):
            if name in wanted:
                relations[name] = wanted[name]
        if "action" in wanted:
            for kind, items in wanted["action"].items():
                relations[TERRITORIES[kind].action] = items
        carrier = fold(row["structure_porteuse"])
        members = [
            # The only role the file tells: the member that is the carrier itself.
            MemberEntry(name=name, category=category,
                        role=MembershipRole.CARRIER if fold(name) == carrier else None)
            for name, category in wanted.get(MEMBERS, [])
        ]  # fmt: skip
        # Categories are the file's to say, for members already linked too.
        self.update_categories(parsed.members)
        common = dict(source=ChangeSource.IMPORT, source_label=self.file_name,
                      reason=self.reason, imported=baseline)  # fmt: skip
        if pole is None:
            result = pole_create(values=values | {"is_published": True}, relations=relations,
                                 members=members, **common)  # fmt: skip
        else:
            result = pole_update(pole=pole, values=values, relations=relations,
                                 members=members or None, **common)  # fmt: skip
        self.report.members_created += result.members_created
        self.report.memberships_created += result.memberships_created
        if pole is None:
            self.report.created.append(result.pole.name)
        elif result.change is not None:
            self.report.updated.append(result.pole.name)
        else:
            self.report.unchanged.append(result.pole.name)

    def update_categories(self, members: list[tuple[str, str]]) -> None:
        """Members are shared by poles: one save each (the member's history, the caches)."""
        for name, category in members:
            for member in Member.objects.filter(name__folded=fold(name)).exclude(category=category):
                member.category = category
                member._change_reason = self.reason
                member.save(update_fields=["category", "updated_at"])
                self.report.members_updated += 1


def _blank(key: str) -> list[Fact]:
    """The values of a fact nobody stated: empty, or the field's default ("inconnu")."""
    blank: list[Fact] = [None, "", []]
    with contextlib.suppress(FieldDoesNotExist):
        blank.append(fact(Pole._meta.get_field(key).get_default()))
    return blank


def _short(value: Fact) -> str:
    text = " ; ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


# Fields copied as they are into a text field of the pole.
PLAIN_TEXT_FIELDS = frozenset(
    {
        "sigle", "structure_porteuse", "commune", "code_insee_commune", "secteur",
        "precision_impulsion", "precision_dynamique_economique", "resume", "site_web",
        "preuve_charte",
    }
)  # fmt: skip


def _column_of(model_field: str) -> str | None:
    with contextlib.suppress(KeyError):
        return field_for(model_field).name
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
