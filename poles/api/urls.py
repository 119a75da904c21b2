from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from poles.api import views

app_name = "api"

urlpatterns = [
    path("poles", views.PoleListView.as_view(), name="poles"),
    path("poles/<slug:slug>", views.PoleDetailView.as_view(), name="pole"),
    path("approches", views.ApproachListView.as_view(), name="approaches"),
    path("thematiques", views.ThemeListView.as_view(), name="themes"),
    path("territoires", views.TerritoryListView.as_view(), name="territories"),
    path("reconnaissances", views.StateCallListView.as_view(), name="state_calls"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
