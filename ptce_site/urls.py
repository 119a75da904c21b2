from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Annuaire des PTCE — administration"
admin.site.site_title = "Annuaire des PTCE"
admin.site.index_title = "Gestion de l'annuaire"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("poles.urls")),
]
