"""Claiming a pole, signing in by e-mail, and the coordinator's space. Thin views: the forms
check, poles.coordination.services writes."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from poles.contributions.fields import pole_values
from poles.contributions.forms import sign_snapshot
from poles.contributions.models import Proposal
from poles.contributions.services import ProposalAlreadyDecided, proposal_accept, proposal_reject
from poles.contributions.views import GROUPS
from poles.coordination import services
from poles.coordination.forms import AddressForm, CoordinatorForm
from poles.coordination.models import TokenPurpose
from poles.models import Pole
from poles.outbox import services as outbox
from poles.security import over_address_limit, too_many
from poles.services import PoleConflict, pole_latest_change_id

BACKEND = "django.contrib.auth.backends.ModelBackend"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def pole_claim(request: HttpRequest, slug: str) -> HttpResponse:
    pole = get_object_or_404(Pole.objects.published(), slug=slug)
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if over_address_limit(request, scope="claim", email=email):
            return too_many(request)
        services.pole_claim(pole=pole, email=email)
        return _sent(request, pole)
    return render(request, "coordination/claim.html", {"pole": pole, "form": form})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if over_address_limit(request, scope="sign-in", email=email):
            return too_many(request)
        services.sign_in_request(email=email)
        return _sent(request, None)
    return render(request, "coordination/sign_in.html", {"form": form})


def _sent(request: HttpRequest, pole: Pole | None) -> HttpResponse:
    """ "Demande reçue", the same for every address; it says when the site's e-mails are late
    (the mail server failing: about everybody's messages, never this address's alone)."""
    return render(request, "coordination/sent.html",
                  {"pole": pole, "mail_delayed": outbox.mail_delayed()})  # fmt: skip


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_link(request: HttpRequest, raw: str) -> HttpResponse:
    """GET only shows a button (mail scanners open links); the POST uses the link, once."""
    if request.method != "POST":
        token = services.token_find(raw=raw)
        status = 200 if token else 410
        return render(request, "coordination/link.html", {"token": token}, status=status)
    redeemed = services.token_redeem(raw=raw)
    if redeemed is None:
        return render(request, "coordination/link.html", {"token": None}, status=410)
    login(request, redeemed.user, backend=BACKEND)
    if redeemed.pole is not None:
        done = "?verifie=1" if redeemed.purpose == TokenPurpose.VERIFY else ""
        return redirect(reverse("poles:space_pole", args=[redeemed.pole.slug]) + done)
    if hasattr(redeemed.user, "referent"):
        return redirect("admin:index")
    return redirect("poles:space")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("poles:list")


# The coordinator's pages: signed out, to the sign-in page (no "next": the link says where).
signed_in = login_required(login_url="poles:sign_in", redirect_field_name=None)


@never_cache
@signed_in
@require_http_methods(["GET", "HEAD"])
def space(request: HttpRequest) -> HttpResponse:
    poles = services.coordinator_poles(user=request.user)
    return render(request, "coordination/space.html", {"poles": poles})


def _coordinated(request: HttpRequest, slug: str) -> Pole:
    """The pole, for one of its coordinators only: any other person gets a 404."""
    pole = Pole.objects.filter(slug=slug).first()
    if pole is None or not services.is_coordinator(user=request.user, pole=pole):
        raise Http404("Aucun pôle que vous coordonnez ne porte cette adresse.")
    return pole


@never_cache
@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def space_pole(request: HttpRequest, slug: str) -> HttpResponse:
    pole = _coordinated(request, slug)
    saved = False
    if request.method == "POST":
        form = CoordinatorForm(request.POST, pole=pole)
        if form.is_valid():
            try:
                services.pole_edit_by_coordinator(
                    pole=pole, user=request.user, values=form.cleaned_data["proposed_values"],
                    based_on=form.cleaned_data.get("based_on"),
                )  # fmt: skip
            except PoleConflict as conflict:
                form.add_error(None, str(conflict))
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return redirect(f"{reverse('poles:space_pole', args=[pole.slug])}?enregistre=1")
    else:
        snapshot = pole_values(pole)
        form = CoordinatorForm(
            initial={**snapshot, "snapshot_token": sign_snapshot(snapshot),
                     "based_on": pole_latest_change_id(pole=pole)},
            pole=pole,
        )  # fmt: skip
        saved = request.GET.get("enregistre") == "1"
    return render(request, "coordination/space_pole.html", {
        "pole": pole,
        "form": form,
        "saved": saved,
        "groups": [(title, [form[name] for name in names if name in form.fields])
                   for title, names in GROUPS],
        "proposals": Proposal.objects.pending().filter(pole=pole).order_by("created_at"),
    })  # fmt: skip


@signed_in
@require_POST
def space_verify(request: HttpRequest, slug: str) -> HttpResponse:
    pole = _coordinated(request, slug)
    services.pole_verify_by_coordinator(pole=pole, user=request.user)
    return redirect(f"{reverse('poles:space_pole', args=[pole.slug])}?verifie=1")


@signed_in
@require_POST
def space_decide(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    """A coordinator decides a proposal about their pole, as an editor would."""
    pole = _coordinated(request, slug)
    proposal = get_object_or_404(Proposal, pk=proposal_id, pole=pole)
    reason = request.POST.get("reason", "").strip()[:2000]
    try:
        if request.POST.get("decision") == "accepter":
            proposal_accept(proposal=proposal, fields=None, editor=request.user, reason=reason)
        elif request.POST.get("decision") == "refuser" and reason:
            proposal_reject(proposal=proposal, reason=reason, editor=request.user)
        else:
            return redirect(f"{reverse('poles:space_pole', args=[pole.slug])}?motif=1")
    except ProposalAlreadyDecided:
        return redirect(f"{reverse('poles:space_pole', args=[pole.slug])}?deja=1#propositions")
    except ValidationError:
        # The record refuses the proposed values: the proposal stays pending, and we say so.
        return redirect(f"{reverse('poles:space_pole', args=[pole.slug])}?refus=1#propositions")
    return redirect(f"{reverse('poles:space_pole', args=[pole.slug])}#propositions")


@require_http_methods(["GET", "HEAD"])
def animation(request: HttpRequest) -> HttpResponse:
    """Who animates each region, how fresh its poles are, what waits for a decision."""
    return render(request, "coordination/animation.html",
                  {"regions": services.regions_activity()})  # fmt: skip
