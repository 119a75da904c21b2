"""The public side of contributions: the proposal forms and their confirmation page."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from poles.contributions.fields import pole_values
from poles.contributions.forms import ProposalForm, sign_snapshot
from poles.contributions.models import ProposalKind
from poles.contributions.services import proposal_create
from poles.models import Pole
from poles.security import client_ip, rate_add, rate_count, too_many

RATE_WINDOW = 3600  # seconds
# The form's facts, in groups (fields a kind of proposal does not ask are left out).
GROUPS = [
    (_("Identité"), ["name", "short_name", "carrier_name", "commune", "department", "website",
                  "summary"]),
    (_("Approches et activité"), ["approches_impulsion", "approches_dynamique", "has_common_place",
                               "themes", "stage", "year_created"]),
    (_("Membres"), ["members"]),
    (_("Charte des PTCE du Labo de l'ESS"), ["charter_status", "charter_year", "charter_proof"]),
    (_("Sources"), ["sources"]),
]  # fmt: skip
THANKS_SESSION_KEY = "ptce_proposal_kind"


def _over_the_limit(request: HttpRequest) -> bool:
    """This address's proposals in the current hour (a failed form does not count), counted
    in the database: every worker and server sees the same number."""
    count = rate_count(scope="proposals", key=client_ip(request), window=RATE_WINDOW)
    return count >= settings.PTCE_PROPOSALS_PER_HOUR


def _count(request: HttpRequest) -> None:
    rate_add(scope="proposals", key=client_ip(request), window=RATE_WINDOW)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def proposal_form(request: HttpRequest, kind: str, slug: str | None = None) -> HttpResponse:
    pole = None
    if slug is not None:
        pole = Pole.objects.published().filter(slug=slug).first()
        if pole is None:
            raise Http404("Aucun pôle publié ne porte cette adresse.")
    if request.method == "POST":
        if _over_the_limit(request):
            return too_many(request, window=RATE_WINDOW)
        form = ProposalForm(request.POST, kind=kind, pole=pole)
        if form.is_bot:
            # Answer as if all went well: a bot learns nothing, nothing is stored.
            request.session[THANKS_SESSION_KEY] = kind
            return redirect("poles:proposal_thanks")
        if form.is_valid():
            _count(request)
            data = form.cleaned_data
            proposal_create(
                kind=kind,
                pole=pole,
                proposed_values=data["proposed_values"],
                snapshot=data["snapshot"],
                contributor_name=data["contributor_name"],
                contributor_email=data["contributor_email"],
                contributor_relation=data["contributor_relation"],
                message=data["message"],
                language=request.LANGUAGE_CODE,
            )
            request.session[THANKS_SESSION_KEY] = kind
            return redirect("poles:proposal_thanks")
    else:
        snapshot = pole_values(pole) if pole else {}
        # A missing PTCE starts from what a blank record says: every unknown "inconnu" (the
        # charter, the common place, the stage), nothing chosen for the visitor.
        initial = snapshot if pole else pole_values(Pole())
        form = ProposalForm(
            initial={**initial, "snapshot_token": sign_snapshot(snapshot) if pole else ""},
            kind=kind,
            pole=pole,
        )
    return render(
        request,
        "contributions/proposal_form.html",
        {
            "form": form,
            "pole": pole,
            "kind": kind,
            "kinds": ProposalKind,
            "groups": [
                (title, [form[name] for name in names if name in form.fields])
                for title, names in GROUPS
                if any(name in form.fields for name in names)
            ],
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def proposal_thanks(request: HttpRequest) -> HttpResponse:
    kind = request.session.get(THANKS_SESSION_KEY)
    return render(
        request,
        "contributions/proposal_thanks.html",
        {"kind": kind, "kinds": ProposalKind, "months": settings.PTCE_CONTRIBUTOR_DATA_MONTHS},
    )
