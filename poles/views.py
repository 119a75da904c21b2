from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from poles.selectors import pole_get_published, pole_list_published


@require_GET
def pole_list(request: HttpRequest) -> HttpResponse:
    poles = pole_list_published()
    page = Paginator(poles, 50).get_page(request.GET.get("page"))
    return render(request, "poles/pole_list.html", {"page": page, "total": page.paginator.count})


@require_GET
def pole_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pole = pole_get_published(slug=slug)
    if pole is None:
        raise Http404("Aucun pôle publié ne porte cette adresse.")
    return render(request, "poles/pole_detail.html", {"pole": pole})
