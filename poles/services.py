"""Writes to the directory. The CSV import is the only way real data enters in bulk."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from poles.db_functions import fold
from poles.models import (
    Approach,
    ApproachAxis,
    CharterStatus,
    Department,
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

# The columns of ptce_poles.csv, documented in fixtures/README.md.
CSV_COLUMNS = (
    "name", "short_name", "carrier", "commune", "commune_insee", "department_code",
    "region_code", "region", "latitude", "longitude", "location_precision", "year_created",
    "themes", "sector", "website", "impulse", "impulse_note", "economic_dynamic",
    "economic_dynamic_note", "common_place", "members", "charter_signatory", "recognitions",
    "description_fr", "sources",
)  # fmt: skip

MEMBER_TYPES = {
    "ESS enterprise": MemberCategory.ESS_ENTERPRISE,
    "SME": MemberCategory.SME,
    "local authority": MemberCategory.LOCAL_AUTHORITY,
    "research centre": MemberCategory.RESEARCH_CENTRE,
    "training body": MemberCategory.TRAINING_BODY,
    "other": MemberCategory.OTHER,
}
CHARTER_VALUES = {"oui": CharterStatus.YES, "non": CharterStatus.NO, "unknown": None, "": None}
COMMON_PLACE_VALUES = {"oui": True, "non": False, "": None}
MEMBER_PATTERN = re.compile(r"^(?P<name>.+?)\s*\((?P<type>[^()]+)\)$")

# Model field -> CSV column, to name the column when the model refuses a value.
FIELD_COLUMNS = {
    "name": "name", "slug": "name", "short_name": "short_name", "carrier_name": "carrier",
    "commune": "commune", "commune_insee": "commune_insee", "department": "department_code",
    "region": "region_code", "latitude": "latitude", "longitude": "longitude",
    "location_precision": "location_precision", "year_created": "year_created",
    "sector": "sector", "website": "website", "impulse_note": "impulse_note",
    "economic_dynamic_note": "economic_dynamic_note", "has_common_place": "common_place",
    "charter_status": "charter_signatory", "summary": "description_fr", "sources": "sources",
}  # fmt: skip

MAX_REPORTED_ERRORS = 50


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


class _RowInvalid(Exception):
    pass


@dataclass
class _ParsedRow:
    line: int
    values: dict  # scalar model fields stated by the file (blank cells left out)
    impulse: list[Approach] | None
    dynamic: list[Approach] | None
    themes: list[Theme] | None
    recognitions: list[StateCall] | None
    members: list[tuple[str, str]]


def directory_version_bump() -> None:
    """Mark the directory as changed: cached map data and ETags are renewed at once."""
    from django.db.models import F
    from django.utils import timezone

    from poles.models import DirectoryVersion

    updated = DirectoryVersion.objects.filter(pk=1).update(
        number=F("number") + 1, changed_at=timezone.now()
    )
    if not updated:
        DirectoryVersion.objects.get_or_create(pk=1)


def poles_import_csv(*, path: str | Path, dry_run: bool = False, reason: str = "") -> ImportReport:
    """Create or update poles, members and their links from a file in the ptce_poles.csv format.

    All or nothing: any error refuses the whole file (PoleImportError lists every error with its
    line and column). A blank cell means the sources are silent: it never erases a known value.
    A non-blank cell is the file's statement and replaces the value (for a list, the whole list
    of that kind). Members are added to poles, never removed: the file names members, it is not a
    register. `dry_run` computes the same report and writes nothing.
    """
    rows = _read_rows(Path(path))
    importer = _Importer(reason=reason or f"import {Path(path).name}", dry_run=dry_run)
    try:
        with transaction.atomic():
            importer.run(rows)
            if importer.errors:
                raise PoleImportError(importer.errors[:MAX_REPORTED_ERRORS])
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:  # a concurrent edit or a constraint the checks missed
        raise PoleImportError(
            [RowError(importer.line, None, f"refus de la base de données : {error}")]
        ) from error
    return importer.report


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The file's rows with their line numbers, after checks of encoding and columns."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PoleImportError(
            [RowError(0, None, f"lecture impossible : {error.strerror}")]
        ) from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise PoleImportError(
            [
                RowError(
                    line,
                    None,
                    "le fichier n'est pas encodé en UTF-8 (octet invalide "
                    f"0x{raw[error.start]:02x}) ; enregistrez-le en UTF-8.",
                )
            ]
        ) from error
    if "\x00" in text:
        raise PoleImportError(
            [
                RowError(
                    0,
                    None,
                    "le fichier contient des octets nuls : ce n'est pas un fichier CSV texte.",
                )
            ]
        )
    if not text.strip():
        raise PoleImportError([RowError(0, None, "le fichier est vide.")])

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [column.strip() for column in next(reader)]
        missing = [c for c in CSV_COLUMNS if c not in header]
        unknown = [c for c in header if c not in CSV_COLUMNS]
        duplicated = sorted({c for c in header if header.count(c) > 1})
        problems = []
        if missing:
            problems.append("colonnes manquantes : " + ", ".join(missing))
        if unknown:
            problems.append("colonnes inconnues : " + ", ".join(unknown))
        if duplicated:
            problems.append("colonnes en double : " + ", ".join(duplicated))
        if problems:
            raise PoleImportError(
                [
                    RowError(
                        1,
                        None,
                        "en-tête invalide (" + " ; ".join(problems) + "). "
                        "Colonnes attendues : " + ", ".join(CSV_COLUMNS) + ".",
                    )
                ]
            )
        rows: list[tuple[int, dict[str, str]]] = []
        errors: list[RowError] = []
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(cells) != len(header):
                    errors.append(
                        RowError(
                            start,
                            None,
                            f"{len(cells)} champs au lieu de "
                            f"{len(header)} (virgule ou guillemet mal placé ?).",
                        )
                    )
                else:
                    rows.append((start, {c: v.strip() for c, v in zip(header, cells, strict=True)}))
            start = reader.line_num + 1
    except csv.Error as error:
        raise PoleImportError(
            [RowError(reader.line_num, None, f"CSV mal formé : {error}.")]
        ) from error
    if errors:
        raise PoleImportError(errors[:MAX_REPORTED_ERRORS])
    if not rows:
        raise PoleImportError([RowError(0, None, "le fichier ne contient aucun pôle.")])
    return rows


class _Importer:
    def __init__(self, *, reason: str, dry_run: bool):
        self.reason = reason
        self.report = ImportReport(dry_run=dry_run)
        self.errors: list[RowError] = []
        self.departments = {d.code: d for d in Department.objects.all()}
        self.regions = {r.code: r for r in Region.objects.all()}
        self.regions_by_name = {fold(r.name): r for r in self.regions.values()}
        self.approaches = {a.code: a for a in Approach.objects.all()}
        self.themes = {t.code: t for t in Theme.objects.all()}
        self.calls = {c.code: c for c in StateCall.objects.all()}
        self.url_validator = URLValidator()
        self.seen_slugs: dict[str, int] = {}
        self.member_categories: dict[str, tuple[str, int]] = {}
        self.line = 0

    # -- parsing -------------------------------------------------------------------------------

    def error(self, line: int, column: str | None, message: str) -> None:
        self.errors.append(RowError(line, column, message))

    def run(self, rows: Iterable[tuple[int, dict[str, str]]]) -> None:
        for line, row in rows:
            self.line = line
            try:
                parsed = self.parse(line, row)
            except _RowInvalid:
                continue
            if self.errors:
                # The file is refused already: keep checking the other rows, write nothing more.
                self.validate_only(parsed)
            else:
                self.write(parsed, row)

    def parse(self, line: int, row: dict[str, str]) -> _ParsedRow:
        errors_before = len(self.errors)
        values: dict = {}

        name = row["name"]
        slug = slugify(name)[:200]
        if not name:
            self.error(line, "name", "le nom du pôle est obligatoire.")
        elif not slug:
            self.error(line, "name", f"le nom « {name} » ne donne pas d'identifiant d'URL.")
        elif slug in self.seen_slugs:
            self.error(
                line,
                "name",
                f"pôle en double : « {name} » figure déjà ligne {self.seen_slugs[slug]}.",
            )
        else:
            self.seen_slugs[slug] = line
            values["name"] = name
            values["slug"] = slug

        for column, model_field in (
            ("short_name", "short_name"),
            ("carrier", "carrier_name"),
            ("commune", "commune"),
            ("commune_insee", "commune_insee"),
            ("sector", "sector"),
            ("impulse_note", "impulse_note"),
            ("economic_dynamic_note", "economic_dynamic_note"),
            ("description_fr", "summary"),
            ("website", "website"),
        ):
            if row[column]:
                values[model_field] = row[column]

        self.parse_territory(line, row, values)
        self.parse_location(line, row, values)

        if row["year_created"]:
            if re.fullmatch(r"\d{4}", row["year_created"]):
                values["year_created"] = int(row["year_created"])
            else:
                self.error(
                    line,
                    "year_created",
                    f"« {row['year_created']} » n'est pas une année (4 chiffres attendus).",
                )

        if row["common_place"] not in COMMON_PLACE_VALUES:
            self.error(
                line,
                "common_place",
                f"valeur inconnue « {row['common_place']} » (attendu : oui, non ou vide).",
            )
        elif COMMON_PLACE_VALUES[row["common_place"]] is not None:
            values["has_common_place"] = COMMON_PLACE_VALUES[row["common_place"]]

        if row["charter_signatory"] not in CHARTER_VALUES:
            self.error(
                line,
                "charter_signatory",
                f"valeur inconnue « {row['charter_signatory']} »"
                " (attendu : oui, non, unknown ou vide).",
            )
        elif CHARTER_VALUES[row["charter_signatory"]] is not None:
            values["charter_status"] = CHARTER_VALUES[row["charter_signatory"]]

        if row["sources"]:
            urls = row["sources"].split()
            for url in urls:
                try:
                    self.url_validator(url)
                except ValidationError:
                    self.error(line, "sources", f"« {url} » n'est pas une adresse web valide.")
            values["sources"] = "\n".join(urls)

        impulse = self.parse_codes(line, row, "impulse", self.approaches, ApproachAxis.IMPULSE)
        dynamic = self.parse_codes(
            line, row, "economic_dynamic", self.approaches, ApproachAxis.ECONOMIC_DYNAMIC
        )
        themes = self.parse_codes(line, row, "themes", self.themes)
        recognitions = self.parse_codes(line, row, "recognitions", self.calls)
        members = self.parse_members(line, row)

        if len(self.errors) > errors_before:
            raise _RowInvalid
        return _ParsedRow(line, values, impulse, dynamic, themes, recognitions, members)

    def parse_territory(self, line: int, row: dict[str, str], values: dict) -> None:
        department = region = None
        if row["department_code"]:
            department = self.departments.get(row["department_code"])
            if department is None:
                self.error(
                    line,
                    "department_code",
                    f"code de département inconnu "
                    f"« {row['department_code']} » (codes INSEE : 01 à 95, 2A, 2B, 971 à 976).",
                )
        if row["region_code"]:
            region = self.regions.get(row["region_code"])
            if region is None:
                self.error(line, "region_code", f"code de région inconnu « {row['region_code']} ».")
        if row["region"]:
            named = self.regions_by_name.get(fold(row["region"]))
            if named is None:
                self.error(line, "region", f"région inconnue « {row['region']} ».")
            elif region is not None and named != region:
                self.error(
                    line,
                    "region",
                    f"« {row['region']} » ne correspond pas au code de "
                    f"région {region.code} ({region.name}).",
                )
            region = region or named
        if department is not None:
            if region is not None and department.region_id != region.pk:
                self.error(
                    line,
                    "region_code",
                    f"le département {department.code} "
                    f"({department.name}) n'est pas dans la région {region.code} "
                    f"({region.name}).",
                )
            values["department_id"] = department.pk
            values["region_id"] = department.region_id
        elif region is not None:
            values["region_id"] = region.pk

    def parse_location(self, line: int, row: dict[str, str], values: dict) -> None:
        coordinates = {}
        for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            if not row[column]:
                continue
            try:
                number = Decimal(row[column].replace(",", "."))
            except InvalidOperation:
                self.error(line, column, f"« {row[column]} » n'est pas un nombre.")
                continue
            if not number.is_finite() or not low <= number <= high:
                self.error(line, column, f"{row[column]} est hors de l'intervalle [{low}, {high}].")
                continue
            coordinates[column] = number.quantize(Decimal("0.000001"))
        if bool(row["latitude"]) != bool(row["longitude"]):
            self.error(
                line,
                "longitude" if row["latitude"] else "latitude",
                "latitude et longitude vont ensemble : les deux ou aucune.",
            )
            return
        precision = row["location_precision"]
        if precision not in LocationPrecision.values:
            self.error(
                line,
                "location_precision",
                f"valeur inconnue « {precision} » (attendu : "
                + ", ".join(LocationPrecision.values)
                + ").",
            )
            return
        if len(coordinates) == 2:
            if precision == LocationPrecision.NONE:
                self.error(
                    line,
                    "location_precision",
                    "« aucune » alors que la ligne donne des coordonnées.",
                )
            values.update(coordinates, location_precision=precision)
        elif not row["latitude"] and precision != LocationPrecision.NONE:
            self.error(
                line,
                "location_precision",
                f"« {precision} » sans coordonnées : attendu « aucune ».",
            )

    def parse_codes(self, line, row, column, known, axis=None) -> list | None:
        if not row[column]:
            return None
        found = []
        for code in (part.strip() for part in row[column].split(";")):
            item = known.get(code)
            if item is None or (axis is not None and item.axis != axis):
                allowed = sorted(k for k, v in known.items() if axis is None or v.axis == axis)
                self.error(
                    line,
                    column,
                    f"code inconnu « {code} » (codes possibles : " + ", ".join(allowed) + ").",
                )
            elif item not in found:
                found.append(item)
        return found

    def parse_members(self, line: int, row: dict[str, str]) -> list[tuple[str, str]]:
        members: list[tuple[str, str]] = []
        seen: set[str] = set()
        for entry in (part.strip() for part in row["members"].split(";")):
            if not entry:
                continue
            match = MEMBER_PATTERN.match(entry)
            if match is None or match["type"] not in MEMBER_TYPES:
                self.error(
                    line,
                    "members",
                    f"« {entry} » : attendu « Nom (type) » avec un type "
                    "parmi " + ", ".join(MEMBER_TYPES) + ".",
                )
                continue
            name, category = match["name"].strip(), MEMBER_TYPES[match["type"]]
            key = fold(name)
            if key in seen:
                self.error(line, "members", f"membre en double : « {name} ».")
                continue
            seen.add(key)
            if len(name) > Member._meta.get_field("name").max_length:
                self.error(line, "members", f"nom de membre trop long : « {name[:40]}… ».")
                continue
            previous = self.member_categories.setdefault(key, (category, line))
            if previous[0] != category:
                self.error(
                    line,
                    "members",
                    f"« {name} » est classé "
                    f"« {MemberCategory(category).label} » ici mais "
                    f"« {MemberCategory(previous[0]).label} » ligne {previous[1]}.",
                )
                continue
            members.append((name, category))
        return members

    # -- writing -------------------------------------------------------------------------------

    def find_pole(self, values: dict) -> Pole | None:
        return (
            Pole.objects.filter(name__folded=fold(values["name"])).first()
            or Pole.objects.filter(slug=values["slug"]).first()
        )

    def build(self, parsed: _ParsedRow) -> tuple[Pole, bool, list[str]]:
        pole = self.find_pole(parsed.values)
        is_new = pole is None
        if is_new:
            pole = Pole(is_published=True)
            changed = list(parsed.values)
        else:
            changed = [f for f, v in parsed.values.items() if getattr(pole, f) != v]
        for name, value in parsed.values.items():
            if name == "slug" and not is_new:
                continue  # a slug is a public address: editors may have changed it on purpose
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
                column = FIELD_COLUMNS.get(model_field)
                for message in messages:
                    self.error(parsed.line, column, message)
            raise _RowInvalid from error
        return pole, is_new, changed

    def validate_only(self, parsed: _ParsedRow) -> None:
        with contextlib.suppress(_RowInvalid):
            self.build(parsed)

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
        members_changed = self.write_members(pole, parsed.members, row["carrier"])
        name = pole.name
        if is_new:
            self.report.created.append(name)
        elif changed or m2m_changed or members_changed:
            self.report.updated.append(name)
        else:
            self.report.unchanged.append(name)

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
