"""The one write path of a pole: the import, the admin, accepted proposals and the poles' own
coordinators all change a pole through `pole_create` / `pole_update`.

Each call, in one transaction: applies the territory rules (the commune's code gives its official
name and department; the region follows the department), validates with the model's own rules,
writes the fields, the relations and the members it is given, records former addresses, leaves
one PoleChange (who, why, from where, each public fact before → after) and bumps the directory
version once, after the commit. A caller that says which change its values were based on
(`based_on`) never undoes a newer change it did not see: a fact changed since is kept when the
caller left it as it was, and refused (PoleConflict) when the caller changed it too.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from poles.caching import directory_version_bump
from poles.db_functions import fold
from poles.models import ChangeSource, Member, Membership, Pole, PoleChange, PoleFormerSlug
from poles.search import DOCUMENTS, poles_search_refresh
from poles.territories.models import TERRITORIES, Commune

Fact = Any  # str, int, bool, None or a sorted list of str: what JSON holds

# The pole's own fields whose changes are recorded (all but bookkeeping).
UNTRACKED_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "imported_values", *DOCUMENTS, "search_vector"}
)
# Many-to-many relations, each recorded as the sorted codes of its items.
RELATIONS = (
    "approaches", "principles", "themes", "recognitions",
    *(territory.action for territory in TERRITORIES.values()),
)  # fmt: skip
MEMBERS = "members"


def tracked_fields() -> list[models.Field]:
    return [
        f
        for f in Pole._meta.concrete_fields
        if f.name not in UNTRACKED_FIELDS and not isinstance(f, models.ManyToManyField)
    ]


def _code_field(model: type[models.Model]) -> str:
    """The field that names a related item publicly (a place, an approach, a theme, a call)."""
    territory = next((t for t in TERRITORIES.values() if t.model is model), None)
    if territory is not None:
        return territory.code_field
    return "code" if "code" in {f.name for f in model._meta.fields} else "pk"


def _code(item: models.Model) -> str:
    return str(getattr(item, _code_field(type(item))))


def fact(value: Any) -> Fact:
    """A value as the history and the import's baseline keep it (comparable, JSON)."""
    if isinstance(value, models.Model):
        return _code(value)
    if isinstance(value, Decimal):
        return f"{value:.6f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset, models.QuerySet)):
        return sorted(fact(item) for item in value)
    return value


def member_fact(name: str, category: str) -> str:
    return f"{name} ({category})"


def pole_facts(pole: Pole) -> dict[str, Fact]:
    """Every recorded fact of a saved pole: fields, relations (codes) and members."""
    facts: dict[str, Fact] = {}
    for f in tracked_fields():
        facts[f.name] = fact(getattr(pole, f.name))
    for name in RELATIONS:
        manager = getattr(pole, name)
        facts[name] = sorted(manager.values_list(_code_field(manager.model), flat=True))
    facts[MEMBERS] = sorted(
        member_fact(name, category)
        for name, category in pole.memberships.values_list("member__name", "member__category")
    )
    return facts


@dataclass(frozen=True)
class MemberEntry:
    """A member as a caller names it: an existing Member, or a name and a category."""

    name: str = ""
    category: str = ""
    member: Member | None = None
    role: str | None = None  # None: as it is (a new link: not stated)
    since_year: int | None = None


class PoleConflict(Exception):
    """The caller changed facts that someone else changed since the caller's version."""

    def __init__(self, fields: list[str]):
        self.fields = fields
        super().__init__(
            "Modifié entre-temps par ailleurs : " + ", ".join(fields) + ". Rechargez la fiche."
        )


@dataclass
class WriteResult:
    pole: Pole
    change: PoleChange | None
    members_created: int = 0
    memberships_created: int = 0


def pole_create(
    *,
    values: dict[str, Any],
    relations: dict[str, Iterable] | None = None,
    members: list[MemberEntry] | None = None,
    source: ChangeSource,
    source_label: str = "",
    user=None,
    reason: str = "",
    imported: dict[str, Fact] | None = None,
) -> WriteResult:
    """A new pole (unpublished unless `values` says otherwise)."""
    return _pole_write(
        pole=Pole(),
        values=values,
        relations=relations or {},
        members=members,
        replace_members=False,
        source=source,
        source_label=source_label,
        user=user,
        reason=reason,
        based_on=None,
        imported=imported,
    )


def pole_update(
    *,
    pole: Pole,
    values: dict[str, Any] | None = None,
    relations: dict[str, Iterable] | None = None,
    members: list[MemberEntry] | None = None,
    replace_members: bool = False,
    source: ChangeSource,
    source_label: str = "",
    user=None,
    reason: str = "",
    based_on: int | None = None,
    imported: dict[str, Fact] | None = None,
) -> WriteResult:
    """Change the given fields, relations (each a whole set) and members (added, or the whole
    list with `replace_members`) of a pole. `based_on`: the id of the latest PoleChange the
    caller saw (0 for none), to keep newer changes it did not see. `imported`: the import's new
    baseline for the facts it stated."""
    return _pole_write(
        pole=pole,
        values=values or {},
        relations=relations or {},
        members=members,
        replace_members=replace_members,
        source=source,
        source_label=source_label,
        user=user,
        reason=reason,
        based_on=based_on,
        imported=imported,
    )


def pole_latest_change_id(*, pole: Pole) -> int:
    """What a form opened now is based on (see `based_on`)."""
    if pole.pk is None:
        return 0
    return pole.changes.order_by("-pk").values_list("pk", flat=True).first() or 0


def pole_conflicts(
    *,
    pole: Pole,
    based_on: int | None,
    proposed: dict[str, Fact],
    current: dict[str, Fact] | None = None,
) -> tuple[list[str], set[str]]:
    """(facts the caller changed that someone else changed since `based_on`, facts changed
    since that the caller left as they were and must not write). `current`: the pole's facts,
    when the caller has them already."""
    if based_on is None or pole.pk is None:
        return [], set()
    opened: dict[str, Fact] = {}
    for change in pole.changes.filter(pk__gt=based_on).order_by("pk"):
        for item in change.changes:
            opened.setdefault(item["field"], item["before"])
    if not opened:
        return [], set()
    current = pole_facts(pole) if current is None else current
    conflicts, untouched = [], set()
    for name, value in proposed.items():
        if name not in opened:
            continue
        if value == opened[name]:
            untouched.add(name)
        elif value != current.get(name):
            conflicts.append(name)
    return conflicts, untouched


def _apply_territory(pole: Pole, values: dict[str, Any]) -> None:
    """The commune's official code gives its name and department (a department stated with it
    must agree: the model's validation says so); the region follows the department, except that
    a region stated alone moves the pole out of a department of another region."""
    if pole.commune_insee:
        official = Commune.objects.filter(code=pole.commune_insee).first()
        if official is not None:
            pole.commune = official.name
            if "department" not in values or pole.department_id is None:
                pole.department_id = official.department_id
    if pole.department_id is None:
        return
    region_id = pole.department.region_id
    moved = "region" in values and "department" not in values and pole.region_id is not None
    if moved and pole.region_id != region_id:
        pole.department = None
    else:
        pole.region_id = region_id


def proposed_facts(
    values: dict[str, Any],
    relations: dict[str, Iterable] | None = None,
    members: list[MemberEntry] | None = None,
) -> dict[str, Fact]:
    """Values as facts, to compare with a pole's (fields and relations may be mixed in
    `values`: a relation's items become their sorted codes)."""
    proposed = {name: fact(value) for name, value in values.items()}
    proposed.update({name: fact(list(items)) for name, items in (relations or {}).items()})
    if members is not None:
        proposed[MEMBERS] = sorted(
            member_fact(e.member.name if e.member else e.name,
                        e.member.category if e.member else e.category)
            for e in members
        )  # fmt: skip
    return proposed


def _pole_write(
    *,
    pole: Pole,
    values: dict[str, Any],
    relations: dict[str, Iterable],
    members: list[MemberEntry] | None,
    replace_members: bool,
    source: ChangeSource,
    source_label: str,
    user,
    reason: str,
    based_on: int | None,
    imported: dict[str, Fact] | None,
) -> WriteResult:
    unknown = set(relations) - set(RELATIONS)
    if unknown:
        raise ValueError(f"relations inconnues : {unknown}")
    is_new = pole.pk is None
    with transaction.atomic():
        if not is_new:
            pole = Pole.objects.select_for_update().get(pk=pole.pk)
        before = {} if is_new else pole_facts(pole)
        if based_on is not None:
            proposed = proposed_facts(values, relations, members)
            conflicts, untouched = pole_conflicts(
                pole=pole, based_on=based_on, proposed=proposed, current=before
            )
            if conflicts:
                raise PoleConflict(conflicts)
            values = {k: v for k, v in values.items() if k not in untouched}
            relations = {k: v for k, v in relations.items() if k not in untouched}
            if MEMBERS in untouched:
                members = None
        old_slug = pole.slug
        for name, value in values.items():
            setattr(pole, name, value)
        _apply_territory(pole, values)
        _validate(pole)
        baseline = pole.imported_values
        if imported is not None:
            pole.imported_values = {**baseline, **imported}
        if is_new or any(fact(getattr(pole, f.name)) != before[f.name] for f in tracked_fields()):
            pole.save()
        elif pole.imported_values != baseline:
            # Only the import's memory changed: not a change of the pole (updated_at kept).
            Pole.objects.filter(pk=pole.pk).update(imported_values=pole.imported_values)
        if not is_new and old_slug != pole.slug:
            PoleFormerSlug.objects.filter(slug=pole.slug).delete()
            PoleFormerSlug.objects.update_or_create(slug=old_slug, defaults={"pole": pole})
        for name, items in relations.items():
            items = list(items)
            if is_new or fact(items) != before[name]:
                getattr(pole, name).set(items)
        result = WriteResult(pole=pole, change=None)
        if members is not None:
            _write_members(pole, members, replace=replace_members, result=result)
        after = pole_facts(pole)
        changes = [
            {"field": name, "before": before.get(name), "after": value}
            for name, value in after.items()
            if (before.get(name) != value) and not (is_new and value in (None, "", [], False))
        ]
        if is_new or changes:
            result.change = PoleChange.objects.create(
                pole=pole,
                user=user if getattr(user, "pk", None) else None,
                source=source,
                source_label=source_label[:200],
                reason=reason[:500],
                is_creation=is_new,
                changes=changes,
            )
            poles_search_refresh(model=Pole, pole_ids=[pole.pk])
            directory_version_bump()
    return result


def _validate(pole: Pole) -> None:
    """The model's rules. Its check constraints are the database's guard for what clean()
    already says in words; only the unique ones need a query (a name taken by another pole)."""
    pole.full_clean(validate_unique=True, validate_constraints=False)
    errors: dict[str, list] = {}
    for constraint in Pole._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            try:
                constraint.validate(Pole, pole)
            except ValidationError as error:
                errors.setdefault("name", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)


def _write_members(
    pole: Pole, entries: list[MemberEntry], *, replace: bool, result: WriteResult
) -> None:
    current = {fold(m.member.name): m for m in pole.memberships.select_related("member")}
    wanted: dict[str, MemberEntry] = {}
    for entry in entries:
        key = fold(entry.member.name if entry.member else entry.name)
        wanted.setdefault(key, entry)
    if replace:
        for key, membership in current.items():
            if key not in wanted:
                membership.delete()
    for key, entry in wanted.items():
        member = entry.member or Member.objects.filter(name__folded=key).first()
        if member is None:
            member = Member(name=entry.name, category=entry.category)
            member.full_clean()
            member.save()
            result.members_created += 1
        membership = current.get(key)
        if membership is None:
            Membership.objects.create(
                pole=pole, member=member, role=entry.role or "", since_year=entry.since_year
            )
            result.memberships_created += 1
        elif entry.role is not None and (
            membership.role != entry.role or membership.since_year != entry.since_year
        ):
            membership.role, membership.since_year = entry.role, entry.since_year
            membership.save(update_fields=["role", "since_year"])


def poles_set_published(*, poles: Iterable[Pole], published: bool, user) -> int:
    """Publish or unpublish, one history entry per pole."""
    count = 0
    for pole in poles:
        if pole.is_published != published:
            pole_update(
                pole=pole,
                values={"is_published": published},
                source=ChangeSource.EDITOR,
                user=user,
                reason="publication" if published else "dépublication",
            )
            count += 1
    return count


def poles_mark_verified(
    *, poles: Iterable[Pole], user, on: datetime.date, source: ChangeSource = ChangeSource.EDITOR
) -> int:
    count = 0
    for pole in poles:
        pole_update(
            pole=pole,
            values={"last_verified": on},
            source=source,
            user=user,
            reason="vérification",
        )
        count += 1
    return count


def _value_of(name: str, value: Fact):
    """A recorded fact back as what the model takes (the inverse of `fact`)."""
    if name == MEMBERS:
        entries = []
        for entry in value or []:
            member_name, _, category = entry.rpartition(" (")
            entries.append(MemberEntry(name=member_name, category=category.rstrip(")")))
        return entries
    if name in RELATIONS:
        model = Pole._meta.get_field(name).related_model
        return list(model.objects.filter(**{f"{_code_field(model)}__in": value or []}))
    field = Pole._meta.get_field(name)
    if value is None:
        return None
    if isinstance(field, models.ForeignKey):
        model = field.related_model
        return model.objects.filter(**{_code_field(model): value}).first()
    if isinstance(field, models.DecimalField):
        return Decimal(value)
    if isinstance(field, models.DateField):
        return datetime.date.fromisoformat(value)
    return value


def pole_revert(*, pole: Pole, change: PoleChange, user) -> list[str]:
    """Puts back what `change` replaced, through the same write path (one new history entry).
    A fact changed again since is left as it is now (never undo newer work): its name is
    returned."""
    current = pole_facts(pole)
    values, relations, members, kept = {}, {}, None, []
    for item in change.changes:
        name = item["field"]
        if name not in current:
            continue
        if current[name] != item["after"]:
            kept.append(name)
            continue
        if name == MEMBERS:
            members = _value_of(name, item["before"])
        elif name in RELATIONS:
            relations[name] = _value_of(name, item["before"])
        else:
            values[name] = _value_of(name, item["before"])
    if values or relations or members is not None:
        pole_update(pole=pole, values=values, relations=relations, members=members,
                    replace_members=members is not None, source=ChangeSource.EDITOR, user=user,
                    reason=f"retour avant la modification n°{change.pk}")  # fmt: skip
    return kept
