"""/suivre/?<the directory's parameters>: follow a selection by e-mail (double opt-in), confirm,
stop in one click. The same answer whatever the address."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from poles.alerts import services
from poles.coordination.forms import AddressForm
from poles.outbox import services as outbox
from poles.security import over_address_limit, too_many
from poles.selectors import pole_filter_published


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    filterset = pole_filter_published(data=request.GET)
    selection = filterset.selection()  # validated values only: junk never makes a follow
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if over_address_limit(request, scope="follow", email=email):
            return too_many(request)
        services.follow_request(email=email, selection=selection)
        return render(request, "alerts/sent.html", {"mail_delayed": outbox.mail_delayed()})
    return render(request, "alerts/follow.html", {
        "form": form, "selection": selection, "label": services.selection_label(selection),
        "total": filterset.qs.count(),
    })  # fmt: skip


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_confirm(request: HttpRequest, raw: str) -> HttpResponse:
    """GET shows a button (mail scanners open links), POST confirms."""
    found = services.follow_from_token(raw, "confirm", max_age=services.CONFIRM_DAYS * 86400)
    if found is None:
        return render(request, "alerts/link.html", {"follow": None}, status=410)
    if request.method == "POST":
        services.follow_confirm(found)
        return render(request, "alerts/link.html", {"follow": found, "done": "confirmed"})
    return render(request, "alerts/link.html", {"follow": found, "done": ""})


@never_cache
@csrf_exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click" without a form
@require_http_methods(["GET", "HEAD", "POST"])
def follow_stop(request: HttpRequest, raw: str) -> HttpResponse:
    """One click: the e-mail's link shows one button; a mail client posts directly."""
    found = services.follow_from_token(raw, "stop")
    if request.method == "POST":
        if found is not None:
            services.follow_stop(found)
        return render(request, "alerts/link.html", {"follow": None, "done": "stopped"})
    if found is None:
        return render(request, "alerts/link.html", {"follow": None, "done": "stopped"})
    return render(request, "alerts/link.html", {"follow": found, "done": "", "stop": True})
