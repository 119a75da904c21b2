from django.urls import path

from poles import views

app_name = "poles"

urlpatterns = [
    path("", views.pole_list, name="list"),
    path("poles/<slug:slug>/", views.pole_detail, name="detail"),
]
