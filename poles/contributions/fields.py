"""The public facts of a pole that visitors may propose, each described once.

A field knows how to read its value from a pole (as plain JSON, for the snapshot kept with a
proposal and for the moderation diff), how to show it, what it asks of the pole's write service
when an editor accepts it (`collect`, into a PoleEdit), and which form field asks for it.
Validation and the territory rules are the service's (poles.services) and the importer's member
rules: no second copy of the rules here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from poles.imports import parse_member_entries
from poles.models import (
    COMMON_PLACE_ANSWERS,
    Answer,
    Approach,
    ApproachAxis,
    CharterStatus,
    Pole,
    Stage,
    Theme,
)
from poles.reference_labels import reference_choices
from poles.services import MemberEntry
from poles.territories.models import Department

Value = Any  # str, int, None or a list of str: what JSON holds


@dataclass
class PoleEdit:
    """What accepted fields ask of poles.services.pole_update."""

    values: dict[str, Any] = dataclass_field(default_factory=dict)
    relations: dict[str, list] = dataclass_field(default_factory=dict)
    members: list[MemberEntry] | None = None


@dataclass(frozen=True)
class ProposedField:
    name: str
    label: str
    read: Callable[[Pole], Value]
    # Adds the accepted value to the edit of the pole (None: nothing to write).
    collect: Callable[[PoleEdit, Pole, Value], None] | None = None
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

    def collect(edit: PoleEdit, pole: Pole, value: Value) -> None:
        edit.values[name] = value if value is not None else _empty(name)

    return read, collect


def _empty(name: str):
    return None if Pole._meta.get_field(name).null else ""


def _text(name: str, label: str, widget=None) -> ProposedField:
    read, collect = _attribute(name)
    model_field = Pole._meta.get_field(name)
    return ProposedField(
        name, label, read, collect,
        form_field=lambda: forms.CharField(
            label=label, required=False, max_length=model_field.max_length or 2000,
            widget=widget, help_text=model_field.help_text,
        ),
    )  # fmt: skip


def _choice(name: str, label: str, choices, blank_label: str | None = None) -> ProposedField:
    read, collect = _attribute(name)
    options = ([("", blank_label)] if blank_label else []) + list(choices)
    return ProposedField(
        name, label, read, collect,
        display=lambda value: dict(options).get(value, value) or "—",
        form_field=lambda: forms.ChoiceField(label=label, choices=options, required=False),
    )  # fmt: skip


def _year(name: str, label: str) -> ProposedField:
    read, collect = _attribute(name)
    return ProposedField(
        name, label, read, collect,
        form_field=lambda: forms.IntegerField(label=label, required=False),
    )  # fmt: skip


def _approaches(axis: str, label: str) -> ProposedField:
    def read(pole: Pole) -> Value:
        return sorted(a.code for a in pole.approaches.all() if a.axis == axis) if pole.pk else []

    def collect(edit: PoleEdit, pole: Pole, codes: Value) -> None:
        current = edit.relations.get("approaches")
        if current is None:
            current = list(pole.approaches.all()) if pole.pk else []
        others = [a for a in current if a.axis != axis]
        chosen = list(Approach.objects.filter(axis=axis, code__in=codes))
        edit.relations["approaches"] = others + chosen

    return ProposedField(
        f"approches_{axis}", label, read, collect,
        form_field=lambda: forms.MultipleChoiceField(
            label=label, required=False, widget=forms.CheckboxSelectMultiple,
            choices=lambda: reference_choices(Approach.objects.filter(axis=axis)),
        ),
    )  # fmt: skip


def _read_themes(pole: Pole) -> Value:
    return sorted(t.code for t in pole.themes.all()) if pole.pk else []


def _collect_themes(edit: PoleEdit, pole: Pole, codes: Value) -> None:
    edit.relations["themes"] = list(Theme.objects.filter(code__in=codes))


def _read_common_place(pole: Pole) -> Value:
    return COMMON_PLACE_ANSWERS[pole.has_common_place].value


def _collect_common_place(edit: PoleEdit, pole: Pole, value: Value) -> None:
    answers = {answer.value: boolean for boolean, answer in COMMON_PLACE_ANSWERS.items()}
    edit.values["has_common_place"] = answers.get(value)


def _read_department(pole: Pole) -> Value:
    return pole.department.code if pole.department_id else ""


def _collect_department(edit: PoleEdit, pole: Pole, code: Value) -> None:
    # The region follows the department: the service's rule.
    edit.values["department"] = Department.objects.filter(code=code).first() if code else None


def _read_members(pole: Pole) -> Value:
    if not pole.pk:
        return []
    return sorted(
        f"{m.member.name} ({m.member.category})" for m in pole.memberships.select_related("member")
    )


def _collect_members(edit: PoleEdit, pole: Pole, entries: Value) -> None:
    """The proposed list is the pole's list: members added, members no longer named removed."""
    edit.members = [
        MemberEntry(name=name, category=category)
        for name, category in parse_member_entries(entries).members
    ]


def _read_sources(pole: Pole) -> Value:
    return pole.source_urls


def _collect_sources(edit: PoleEdit, pole: Pole, urls: Value) -> None:
    edit.values["sources"] = "\n".join(urls or [])


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
        "department", _("Département"), _read_department, _collect_department,
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
        _collect_common_place,
        display=lambda value: dict(Answer.choices).get(value, value),
        form_field=lambda: forms.ChoiceField(
            label=_("Les membres partagent-ils des locaux (lieu commun) ?"), choices=Answer.choices,
            required=False,
        ),
    ),
    ProposedField(
        "themes", _("Thématiques"), _read_themes, _collect_themes,
        form_field=lambda: forms.MultipleChoiceField(
            label=_("Thématiques"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=lambda: reference_choices(Theme.objects.all()),
        ),
    ),
    _choice("stage", _("Stade"), Stage.choices, blank_label=_("inconnu")),
    _year("year_created", _("Année de création")),
    ProposedField(
        "members", _("Membres (un par ligne : « Nom (catégorie) »)"), _read_members,
        _collect_members,
        form_field=lambda: LinesField(
            label=_("Membres"), required=False,
            help_text=_("Un membre par ligne, sous la forme « Nom (catégorie) », catégorie parmi "
                        "entreprise-ess, pme, collectivite, recherche, formation, autre. Retirez "
                        "la ligne d'un membre qui n'en fait plus partie."),
        ),
    ),
    ProposedField(
        "sources", _("Sources"), _read_sources, _collect_sources,
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
