"""The public facts of a pole that visitors may propose, each described once.

A field knows how to read its value from a pole (as plain JSON, for the snapshot kept with a
proposal and for the moderation diff), how to show it, how to write it to the pole when an editor
accepts it, and which form field asks for it. Validation is the model's own (full_clean) and the
importer's member rules: no second copy of the rules here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from poles.db_functions import fold
from poles.imports import parse_member_entries
from poles.models import (
    COMMON_PLACE_ANSWERS,
    Answer,
    Approach,
    ApproachAxis,
    CharterStatus,
    Department,
    Member,
    Membership,
    Pole,
    Stage,
    Theme,
)
from poles.reference_labels import reference_choices

Value = Any  # str, int, None or a list of str: what JSON holds


@dataclass(frozen=True)
class ProposedField:
    name: str
    label: str
    read: Callable[[Pole], Value]
    # Sets the value on an unsaved pole (scalar fields) ...
    assign: Callable[[Pole, Value], None] | None = None
    # ... or writes it once the pole is saved (relations).
    write: Callable[[Pole, Value, str], None] | None = None
    display: Callable[[Value], str] = lambda value: _display(value)
    form_field: Callable[[], forms.Field] | None = None


def _display(value: Value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return " ; ".join(str(item) for item in value)
    return str(value)


def _attribute(name: str):
    def read(pole: Pole) -> Value:
        return getattr(pole, name)

    def assign(pole: Pole, value: Value) -> None:
        setattr(pole, name, value if value is not None else _empty(name))

    return read, assign


def _empty(name: str):
    return None if Pole._meta.get_field(name).null else ""


def _text(name: str, label: str, widget=None) -> ProposedField:
    read, assign = _attribute(name)
    model_field = Pole._meta.get_field(name)
    return ProposedField(
        name, label, read, assign,
        form_field=lambda: forms.CharField(
            label=label, required=False, max_length=model_field.max_length or 2000,
            widget=widget, help_text=model_field.help_text,
        ),
    )  # fmt: skip


def _choice(name: str, label: str, choices, blank_label: str | None = None) -> ProposedField:
    read, assign = _attribute(name)
    options = ([("", blank_label)] if blank_label else []) + list(choices)
    return ProposedField(
        name, label, read, assign,
        display=lambda value: dict(options).get(value, value) or "—",
        form_field=lambda: forms.ChoiceField(label=label, choices=options, required=False),
    )  # fmt: skip


def _year(name: str, label: str) -> ProposedField:
    read, assign = _attribute(name)
    return ProposedField(
        name, label, read, assign,
        form_field=lambda: forms.IntegerField(label=label, required=False),
    )  # fmt: skip


def _approaches(axis: str, label: str) -> ProposedField:
    def read(pole: Pole) -> Value:
        return sorted(a.code for a in pole.approaches.all() if a.axis == axis) if pole.pk else []

    def write(pole: Pole, codes: Value, reason: str) -> None:
        others = [a for a in pole.approaches.all() if a.axis != axis]
        pole.approaches.set(others + list(Approach.objects.filter(axis=axis, code__in=codes)))

    return ProposedField(
        f"approches_{axis}", label, read, write=write,
        form_field=lambda: forms.MultipleChoiceField(
            label=label, required=False, widget=forms.CheckboxSelectMultiple,
            choices=lambda: reference_choices(Approach.objects.filter(axis=axis)),
        ),
    )  # fmt: skip


def _read_themes(pole: Pole) -> Value:
    return sorted(t.code for t in pole.themes.all()) if pole.pk else []


def _write_themes(pole: Pole, codes: Value, reason: str) -> None:
    pole.themes.set(Theme.objects.filter(code__in=codes))


def _read_common_place(pole: Pole) -> Value:
    return COMMON_PLACE_ANSWERS[pole.has_common_place].value


def _assign_common_place(pole: Pole, value: Value) -> None:
    answers = {answer.value: boolean for boolean, answer in COMMON_PLACE_ANSWERS.items()}
    pole.has_common_place = answers.get(value)


def _read_department(pole: Pole) -> Value:
    return pole.department.code if pole.department_id else ""


def _assign_department(pole: Pole, code: Value) -> None:
    department = Department.objects.filter(code=code).first() if code else None
    pole.department = department
    if department is not None:
        pole.region_id = department.region_id


def _read_members(pole: Pole) -> Value:
    if not pole.pk:
        return []
    return sorted(
        f"{m.member.name} ({m.member.category})" for m in pole.memberships.select_related("member")
    )


def _write_members(pole: Pole, entries: Value, reason: str) -> None:
    """The proposed list is the pole's list: members added, members no longer named removed."""
    wanted = dict(parse_member_entries(entries).members)
    wanted_keys = {fold(name): (name, category) for name, category in wanted.items()}
    for membership in pole.memberships.select_related("member"):
        if fold(membership.member.name) not in wanted_keys:
            membership._change_reason = reason
            membership.delete()
    present = {fold(m.member.name) for m in pole.memberships.select_related("member")}
    for key, (name, category) in wanted_keys.items():
        if key in present:
            continue
        member = Member.objects.filter(name__folded=key).first()
        if member is None:
            member = Member(name=name, category=category)
            member._change_reason = reason
            member.save()
        membership = Membership(pole=pole, member=member)
        membership._change_reason = reason
        membership.save()


def _read_sources(pole: Pole) -> Value:
    return pole.source_urls


def _assign_sources(pole: Pole, urls: Value) -> None:
    pole.sources = "\n".join(urls or [])


class LinesField(forms.CharField):
    """One entry per line, as a list (empty lines left out)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value


PROPOSED_FIELDS: tuple[ProposedField, ...] = (
    _text("name", _("Nom du pôle")),
    _text("short_name", _("Nom court ou sigle")),
    _text("carrier_name", _("Structure porteuse")),
    _text("commune", _("Commune")),
    ProposedField(
        "department", _("Département"), _read_department, _assign_department,
        form_field=lambda: forms.ChoiceField(
            label=_("Département"), required=False,
            choices=lambda: [("", _("inconnu"))] + [
                (code, f"{name} ({code})")
                for code, name in Department.objects.values_list("code", "name")
            ],
        ),
    ),
    _text("website", _("Site web")),
    _text("summary", _("Présentation"), widget=forms.Textarea(attrs={"rows": 4})),
    _approaches(ApproachAxis.IMPULSE, _("Approche par l'impulsion")),
    _approaches(ApproachAxis.ECONOMIC_DYNAMIC, _("Approche par la dynamique économique")),
    ProposedField(
        "has_common_place", _("Inscription dans un lieu commun"), _read_common_place,
        _assign_common_place,
        display=lambda value: dict(Answer.choices).get(value, value),
        form_field=lambda: forms.ChoiceField(
            label=_("Les membres partagent-ils des locaux (lieu commun) ?"), choices=Answer.choices,
            required=False,
        ),
    ),
    ProposedField(
        "themes", _("Thématiques"), _read_themes, write=_write_themes,
        form_field=lambda: forms.MultipleChoiceField(
            label=_("Thématiques"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=lambda: reference_choices(Theme.objects.all()),
        ),
    ),
    _choice("stage", _("Stade"), Stage.choices, blank_label=_("inconnu")),
    _year("year_created", _("Année de création")),
    ProposedField(
        "members", _("Membres (un par ligne : « Nom (catégorie) »)"), _read_members,
        write=_write_members,
        form_field=lambda: LinesField(
            label=_("Membres"), required=False,
            help_text=_("Un membre par ligne, sous la forme « Nom (catégorie) », catégorie parmi "
                        "entreprise-ess, pme, collectivite, recherche, formation, autre. Retirez "
                        "la ligne d'un membre qui n'en fait plus partie."),
        ),
    ),
    ProposedField(
        "sources", _("Sources"), _read_sources, _assign_sources,
        form_field=lambda: LinesField(
            label=_("Sources"), required=False,
            help_text=_("Adresses web (http ou https) qui attestent ces informations, une par "
                        "ligne."),
        ),
    ),
    _choice("charter_status", _("Signataire de la charte des PTCE du Labo de l'ESS"),
            CharterStatus.choices),
    _year("charter_year", _("Année de signature de la charte")),
    _text("charter_proof", _("Preuve de la signature")),
)  # fmt: skip
FIELDS_BY_NAME = {field.name: field for field in PROPOSED_FIELDS}


def pole_values(pole: Pole) -> dict[str, Value]:
    """The pole's proposable facts, as JSON (the snapshot a proposal keeps)."""
    return {field.name: field.read(pole) for field in PROPOSED_FIELDS}
