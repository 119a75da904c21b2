from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from poles.models import Pole
from poles.territories.models import Department, Region


class _BothLanguages(Sitemap):
    """Each address in French and in English, each with its hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True

    # The site's public address (PTCE_SITE_URL), not the Host the request came with.
    def get_domain(self, site=None) -> str:
        return urlsplit(settings.PTCE_SITE_URL).netloc

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.PTCE_SITE_URL).scheme


class PoleSitemap(_BothLanguages):
    changefreq = "monthly"

    def items(self):
        return Pole.objects.published().order_by("slug").only("slug", "updated_at")

    def lastmod(self, pole: Pole):
        return pole.updated_at


class TerritorySitemap(_BothLanguages):
    changefreq = "monthly"

    def items(self):
        return [*Region.objects.order_by("code"), *Department.objects.order_by("code")]

    def location(self, territory) -> str:
        name = "poles:region_detail" if isinstance(territory, Region) else "poles:department_detail"
        return reverse(name, kwargs={"slug": territory.slug})


class PageSitemap(_BothLanguages):
    changefreq = "weekly"

    def items(self):
        return [
            "poles:list",
            "poles:region_list",
            "poles:about",
            "poles:charter",
            "poles:open_data",
            "poles:figures",
            "poles:release_list",
        ]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"poles": PoleSitemap, "territoires": TerritorySitemap, "pages": PageSitemap}
