from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from poles.forms import AdminLoginForm
from poles.security import read_only
from poles.sitemaps import SITEMAPS
from poles.views import favicon, robots_txt, web_manifest

admin.site.site_header = "Annuaire des PTCE — administration"
admin.site.site_title = "Annuaire des PTCE"
admin.site.index_title = "Gestion de l'annuaire"

admin.site.login_form = AdminLoginForm

handler500 = "poles.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", read_only(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon, name="favicon"),
    path("site.webmanifest", web_manifest, name="manifest"),
    path("api/v1/", include("poles.api.urls")),
    path("", include("poles.urls")),
]
