from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog

from poles.forms import AdminLoginForm
from poles.security import read_only
from poles.sitemaps import SITEMAPS
from poles.views.pages import favicon, robots_txt, web_manifest

admin.site.site_header = "Annuaire des PTCE — administration"
admin.site.site_title = "Annuaire des PTCE"
admin.site.index_title = "Gestion de l'annuaire"

admin.site.login_form = AdminLoginForm

handler500 = "poles.errors.server_error"

# The few texts our scripts write themselves, in the page's language (gettext() in JS).
# Cached: it only changes with a release.
JAVASCRIPT_CATALOG = read_only(cache_page(60 * 60)(JavaScriptCatalog.as_view(packages=["poles"])))

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", read_only(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon, name="favicon"),
    path("site.webmanifest", web_manifest, name="manifest"),
    path("api/v1/", include("poles.api.urls")),
    *i18n_patterns(
        path("jsi18n/", JAVASCRIPT_CATALOG, name="javascript-catalog"),
        path("", include("poles.urls")),
        prefix_default_language=False,
    ),
]
