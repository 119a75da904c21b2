"""The forms of coordinators and referents: an address to sign in or claim with, and the
pole's own record (the proposal form's fields, checked the same way, written at once)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from poles.contributions.forms import ProposalForm
from poles.contributions.models import ProposalKind


class AddressForm(forms.Form):
    email = forms.EmailField(label=_("Votre courriel"), max_length=254)


class CoordinatorForm(ProposalForm):
    """The proposal form's facts without the contributor's part: a coordinator writes the pole
    directly (poles.services, source "le pôle")."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, pole, **kwargs):
        super().__init__(*args, kind=ProposalKind.CORRECTION, pole=pole, **kwargs)
        for name in ("contributor_name", "contributor_email", "contributor_relation",
                     "message", "entreprise"):  # fmt: skip
            del self.fields[name]

    @property
    def is_bot(self) -> bool:
        return False
