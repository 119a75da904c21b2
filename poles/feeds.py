"""Atom feeds of new and updated poles, for the whole directory or any selection (the same
parameters as the directory: /flux/nouveaux.atom?region=53)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from poles.filters import PoleFilter, parameter_errors_text
from poles.models import Pole
from poles.selectors import pole_filter_published

FEED_LENGTH = 50


class InvalidSelection(Exception):
    """A selection PoleFilter refuses: its message says which parameters and why."""


@dataclass(frozen=True)
class Selection:
    filterset: PoleFilter
    address: str


class _PoleFeed(Feed):
    feed_type = Atom1Feed
    order_field = ""  # the date the feed follows, newest first
    heading = gettext_lazy("Pôles")

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidSelection as error:
            return HttpResponse(f"{error}\n", status=400, content_type="text/plain; charset=utf-8")

    # The feed object is shared by every request: what a request selects travels as `obj`.
    def get_object(self, request: HttpRequest, *args, **kwargs) -> Selection:
        filterset = pole_filter_published(data=request.GET)
        if filterset.is_bound and not filterset.is_valid():
            raise InvalidSelection(parameter_errors_text(filterset.form.errors))
        return Selection(filterset, request.build_absolute_uri())

    def title(self, obj: Selection) -> str:
        return _("%(heading)s — Annuaire des PTCE") % {"heading": self.heading}

    def subtitle(self, obj: Selection) -> str:
        return _("Les pôles territoriaux de coopération économique de l'annuaire.")

    def link(self, obj: Selection) -> str:
        selection = obj.filterset.selection()
        return reverse("poles:list") + (f"?{selection}" if selection else "")

    def feed_url(self, obj: Selection) -> str:
        return obj.address

    def feed_guid(self, obj: Selection) -> str:
        return obj.address  # each feed its own identity, though both link to the selection

    def items(self, obj: Selection):
        return (
            obj.filterset.qs.select_related(None)
            .only("name", "slug", "summary", "commune", "created_at", "updated_at")
            .order_by(f"-{self.order_field}", "pk")[:FEED_LENGTH]
        )

    def item_title(self, pole: Pole) -> str:
        return pole.name

    def item_description(self, pole: Pole) -> str:
        return pole.summary or pole.name

    def item_link(self, pole: Pole) -> str:
        return pole.get_absolute_url()

    def item_pubdate(self, pole: Pole):
        return pole.created_at

    def item_updateddate(self, pole: Pole):
        return pole.updated_at


class NewPolesFeed(_PoleFeed):
    order_field = "created_at"
    heading = gettext_lazy("Nouveaux pôles")


class UpdatedPolesFeed(_PoleFeed):
    order_field = "updated_at"
    heading = gettext_lazy("Pôles mis à jour")
