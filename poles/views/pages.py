"""The pages read one by one: a pole and its history, what a PTCE is, the legal and
accessibility notices, and the files browsers ask for (icon, manifest, robots.txt)."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from poles.caching import cached_page, page_key
from poles.exports import (
    pole_json_ld,
)
from poles.models import (
    Approach,
    ApproachAxis,
    MemberCategory,
    Pole,
    Principle,
    Theme,
)
from poles.security import read_only
from poles.selectors import (
    pole_charter_declared_by_pole,
    pole_former_address,
    pole_get_published,
    pole_nearby,
    pole_public_history,
    pole_record_checks,
)
from poles.site import absolute_url


@read_only
def pole_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return cached_page(
        request,
        namespace="pole",
        key=page_key(request, slug),
        render=lambda: _pole_detail_page(request, slug),
    )


def _published_or_moved(slug: str, *, view: str) -> HttpResponse:
    """A 301 to the pole's current address when `slug` is a former one, else a 404."""
    moved = pole_former_address(slug=slug)
    if moved is None:
        raise Http404(_("Aucun pôle publié ne porte cette adresse."))
    return redirect(view, slug=moved, permanent=True)


def _pole_detail_page(request: HttpRequest, slug: str) -> HttpResponse:
    pole = pole_get_published(slug=slug)
    if pole is None:
        return _published_or_moved(slug, view="poles:detail")
    memberships_by_category: dict[str, list] = {}
    for membership in pole.memberships.all():
        label = membership.member.get_category_display()
        memberships_by_category.setdefault(label, []).append(membership)
    context = {
        "pole": pole,
        "memberships_by_category": memberships_by_category,
        "nearby": pole_nearby(pole=pole),
        "charter_by_pole": pole_charter_declared_by_pole(pole=pole),
        "record_checks": pole_record_checks(pole=pole),
        "common_place": Approach.objects.filter(axis=ApproachAxis.COMMON_PLACE).first(),
        "json_ld": pole_json_ld(pole, url=absolute_url(pole.get_absolute_url())),
    }
    return render(request, "poles/pole_detail.html", context)


@read_only
def pole_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Where each public fact of a pole comes from: its dated changes and their sources."""
    return cached_page(
        request,
        namespace="pole-history",
        key=page_key(request, slug),
        render=lambda: _pole_history_page(request, slug),
    )


def _pole_history_page(request: HttpRequest, slug: str) -> HttpResponse:
    pole = Pole.objects.published().filter(slug=slug).first()
    if pole is None:
        return _published_or_moved(slug, view="poles:history")
    context = {"pole": pole, "entries": pole_public_history(pole=pole)}
    return render(request, "poles/pole_history.html", context)


@read_only
def about(request: HttpRequest) -> HttpResponse:
    approaches = {axis: [] for axis in ApproachAxis}
    for approach in Approach.objects.all():
        approaches[ApproachAxis(approach.axis)].append(approach)
    context = {
        "approaches": [(axis.label, items) for axis, items in approaches.items()],
        "principles": Principle.objects.all(),
        "member_categories": MemberCategory.choices,
        "themes": Theme.objects.all(),
    }
    return render(request, "poles/about.html", context)


@read_only
def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/legal_notice.html",
        {
            "contributor_data_months": settings.PTCE_CONTRIBUTOR_DATA_MONTHS,
            "coordinator_inactive_months": settings.PTCE_COORDINATOR_INACTIVE_MONTHS,
        },
    )


@read_only
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@read_only
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers that ask /favicon.ico get the site's icon."""
    return redirect(static("icons/favicon.svg"), permanent=True)


@read_only
def web_manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: name and icons when the site is added to a home screen."""
    response = JsonResponse(
        {
            "name": "Annuaire des PTCE",
            "short_name": "PTCE",
            "lang": "fr",
            "start_url": "/",
            "display": "browser",
            "background_color": "#ffffff",
            "theme_color": "#0b5e3f",
            "icons": [
                {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("icons/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


@read_only
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {absolute_url('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
