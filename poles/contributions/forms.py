"""The public proposal form. Its rules are the model's (full_clean) and the importer's (members):
a bad value gets the same message wherever it is entered, and nothing is saved until all is valid.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _

from poles.contributions.duplicates import poles_similar
from poles.contributions.fields import FIELDS_BY_NAME, PROPOSED_FIELDS, PoleEdit, Value, pole_values
from poles.contributions.models import ContributorRelation, ProposalKind
from poles.imports import parse_member_entries
from poles.models import CharterStatus, Pole, Stage
from poles.validators import is_web_url

SNAPSHOT_SALT = "poles.contributions.snapshot"
SNAPSHOT_MAX_AGE = 7 * 24 * 3600  # a form left open a week is reloaded
HONEYPOT = "entreprise"
# Plain text only: no markup, and links only in the address fields.
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!]")
LINK = re.compile(r"(https?://|www\.)", re.IGNORECASE)
PLAIN_TEXT_FIELDS = ("name", "short_name", "carrier_name", "commune", "summary")
ONE_LINE_FIELDS = ("name", "short_name", "carrier_name", "commune")
FACTS_BY_KIND = {
    ProposalKind.CORRECTION: [field.name for field in PROPOSED_FIELDS],
    ProposalKind.NEW: [field.name for field in PROPOSED_FIELDS],
    ProposalKind.CLOSED: ["sources"],
    ProposalKind.CONFIRMATION: [],
}


def sign_snapshot(values: dict[str, Value]) -> str:
    return signing.dumps(values, salt=SNAPSHOT_SALT, compress=True)


def _only_unpublished_named(pole: Pole) -> bool:
    """Whether the poles this new one would clash with (name or address) are all unpublished."""
    same = Pole.objects.filter(Q(name__iexact=pole.name) | Q(slug=pole.slug))
    return same.exists() and not same.filter(is_published=True).exists()


def _one_line(value: str) -> None:
    """A name is one line of text: no line break, tab or other control character (a line break
    in a name would also make an invalid e-mail subject)."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(
            _("Une seule ligne de texte, sans retour à la ligne ni caractère de contrôle."),
            code="control",
        )


def _plain_text(value: str, *, links_allowed: bool = False) -> None:
    if MARKUP.search(value):
        raise ValidationError(_("Texte simple seulement : pas de balises HTML."), code="markup")
    if not links_allowed and LINK.search(value):
        raise ValidationError(
            _("Pas d'adresse web ici : indiquez-la dans le champ « Sources »."), code="link"
        )


class ProposalForm(forms.Form):
    contributor_name = forms.CharField(label=_("Votre nom"), max_length=150)
    contributor_email = forms.EmailField(
        label=_("Votre courriel"),
        max_length=254,  # the column's length (Django's form field would take 320)
        help_text=_("Pour vous dire ce que l'équipe a décidé ; jamais affiché ni publié."),
    )
    contributor_relation = forms.ChoiceField(
        label=_("Votre lien avec le pôle"),
        choices=ContributorRelation.choices,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message à l'équipe (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    snapshot_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Shown when a missing PTCE looks like a pole of the directory.
    not_duplicate = forms.BooleanField(
        label=_("Ce n'est pas le même pôle"), required=False, widget=forms.HiddenInput
    )
    # Left empty by people; bots fill every field (the template hides it from people).
    entreprise = forms.CharField(label=_("Laissez ce champ vide"), required=False, max_length=200)

    def __init__(self, *args, kind: str, pole: Pole | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.pole = pole
        self.similar: list[Pole] = []
        self.fact_names = FACTS_BY_KIND[kind]
        for name in self.fact_names:
            self.fields[name] = FIELDS_BY_NAME[name].form_field()
        if kind == ProposalKind.NEW:
            self.fields["name"].required = True
            self.fields["sources"].required = True
            self.fields["sources"].help_text = format_lazy(
                "{} {}",
                self.fields["sources"].help_text,
                _("Au moins une, qui atteste l'existence du pôle."),
            )
        if kind == ProposalKind.CLOSED:
            self.fields["message"].required = True
            self.fields["message"].label = _("Comment savez-vous que le pôle a cessé ?")
        self.order_fields(
            [*self.fact_names, "message", "contributor_name", "contributor_email",
             "contributor_relation"]
        )  # fmt: skip

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    # -- fields ----------------------------------------------------------------------------------

    def clean_message(self) -> str:
        message = self.cleaned_data["message"]
        _plain_text(message, links_allowed=True)
        return message

    def clean_contributor_name(self) -> str:
        name = self.cleaned_data["contributor_name"].strip()
        _plain_text(name)
        _one_line(name)
        return name

    def clean_members(self) -> list[str]:
        parsed = parse_member_entries(self.cleaned_data["members"])
        if parsed.errors:
            raise ValidationError(parsed.errors)
        return sorted(f"{name} ({category})" for name, category in parsed.members)

    def clean_charter_proof(self) -> str:
        proof = self.cleaned_data["charter_proof"].strip()
        if not is_web_url(proof):
            _plain_text(proof)
        return proof

    def _clean_fields(self) -> None:
        super()._clean_fields()
        for name in PLAIN_TEXT_FIELDS:
            value = self.cleaned_data.get(name)
            if name in self.fact_names and isinstance(value, str):
                try:
                    _plain_text(value)
                    if name in ONE_LINE_FIELDS:
                        _one_line(value)
                except ValidationError as error:
                    self.add_error(name, error)

    # -- the whole ---------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Value]:
        """The pole's values when the form was opened (signed, so the visitor cannot alter it)."""
        if self.pole is None:
            return {}
        if not self.fact_names or self.kind == ProposalKind.CLOSED:
            return pole_values(self.pole)  # nothing to compare: the pole as it is now
        token = self.cleaned_data.get("snapshot_token") or ""
        try:
            return signing.loads(token, salt=SNAPSHOT_SALT, max_age=SNAPSHOT_MAX_AGE)
        except signing.BadSignature as error:
            raise ValidationError(
                _("Ce formulaire a expiré : rechargez la page pour repartir de la fiche actuelle."),
                code="expired",
            ) from error

    def proposed_values(self, snapshot: dict[str, Value]) -> dict[str, Value]:
        values = {name: self._json(name) for name in self.fact_names}
        if self.kind == ProposalKind.CLOSED:
            values["stage"] = Stage.STOPPED.value
            if not values["sources"]:
                del values["sources"]
        if self.kind == ProposalKind.CORRECTION:
            # Only what the contributor changed: what the pole became since is not theirs.
            values = {k: v for k, v in values.items() if v != snapshot.get(k)}
        return values

    def _json(self, name: str) -> Value:
        value = self.cleaned_data.get(name)
        if isinstance(value, list):
            return value if name in ("members", "sources") else sorted(value)
        if isinstance(value, str):
            return value.strip()
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
        # The checks of the whole run even when a field is wrong: every error in one round
        # (the facts already refused are left out of them).
        snapshot = self.snapshot()
        values = self.proposed_values(snapshot)
        values = {k: v for k, v in values.items() if k not in self.errors}
        if self.kind == ProposalKind.CORRECTION and not values and not self.errors:
            raise ValidationError(
                _(
                    "Vous n'avez rien modifié. Pour dire que la fiche est juste, choisissez plutôt "
                    "« La fiche est à jour »."
                ),
                code="unchanged",
            )
        declared = values.get("charter_status", snapshot.get("charter_status"))
        proof = values.get("charter_proof", snapshot.get("charter_proof"))
        if "charter_status" in values and declared == CharterStatus.YES and not proof:
            self.add_error(
                "charter_proof",
                _(
                    "Indiquez d'où vient l'information : l'adresse d'une page ou une courte "
                    "mention."
                ),
            )
        self._check_with_the_model(values)
        if self.kind == ProposalKind.NEW and not self.errors:
            self._check_duplicates(values)
        if self.errors:
            return cleaned
        self.cleaned_data["snapshot"] = snapshot
        self.cleaned_data["proposed_values"] = values
        return self.cleaned_data

    def _check_duplicates(self, values: dict[str, Value]) -> None:
        """A missing PTCE that looks like one of the directory: shown, to confirm."""
        self.similar = poles_similar(name=str(values.get("name", "")),
                                     commune=str(values.get("commune", "")),
                                     department_code=str(values.get("department", "")))  # fmt: skip
        if self.similar and not self.cleaned_data.get("not_duplicate"):
            self.fields["not_duplicate"].widget = forms.CheckboxInput()
            self.add_error("not_duplicate", _(
                "Ce pôle ressemble à un pôle déjà dans l'annuaire (voir ci-dessus). Si c'est "
                "le même, proposez plutôt une modification de sa fiche ; sinon, cochez cette "
                "case et envoyez à nouveau."
            ))  # fmt: skip

    def _check_with_the_model(self, values: dict[str, Value]) -> None:
        """Applies the proposal to a copy of the pole and runs the model's own validation."""
        if self.pole is not None:
            pole = Pole.objects.get(pk=self.pole.pk)
        else:
            pole = Pole(slug=slugify(str(values.get("name", "")))[:200] or "sans-nom")
        edit = PoleEdit()
        for name, value in values.items():
            field = FIELDS_BY_NAME[name]
            if field.collect is not None:
                field.collect(edit, pole, value)
        for name, value in edit.values.items():
            setattr(pole, name, value)
        # A missing PTCE named like an unpublished pole answers like any other name: the
        # unpublished pole's existence is not told (the editors meet the clash when deciding).
        hidden = self.kind == ProposalKind.NEW and _only_unpublished_named(pole)
        try:
            pole.full_clean(validate_unique=not hidden, validate_constraints=not hidden)
        except ValidationError as error:
            for model_field, messages in error.message_dict.items():
                target = model_field if model_field in self.fields else None
                if model_field == "slug" and self.kind == ProposalKind.NEW:
                    target = "name"
                if target in self.errors and target is not None:
                    continue  # already said about that field
                for message in messages:
                    self.add_error(target, message)
