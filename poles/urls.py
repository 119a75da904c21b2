from django.urls import path
from django.views.decorators.http import etag

from poles import feeds
from poles.alerts import views as alerts
from poles.caching import address_etag
from poles.contributions import views as contributions
from poles.contributions.models import ProposalKind
from poles.coordination import views as coordination
from poles.security import read_only
from poles.views import directory, figures, open_data, pages, releases

app_name = "poles"

urlpatterns = [
    path("", directory.pole_list, name="list"),
    path("carte/poles.geojson", directory.pole_map_data, name="map_data"),
    path("lieux/", directory.place_suggestions, name="place_suggestions"),
    path("carte/integree/", directory.map_embed, name="map_embed"),
    path("integrer/", directory.embed_builder, name="embed_builder"),
    path("poles/<slug:slug>/", pages.pole_detail, name="detail"),
    path("poles/<slug:slug>/historique/", pages.pole_history, name="history"),
    path(
        "poles/<slug:slug>/proposer/",
        contributions.proposal_form,
        {"kind": ProposalKind.CORRECTION},
        name="propose",
    ),
    path(
        "poles/<slug:slug>/n-existe-plus/",
        contributions.proposal_form,
        {"kind": ProposalKind.CLOSED},
        name="report_closed",
    ),
    path(
        "poles/<slug:slug>/a-jour/",
        contributions.proposal_form,
        {"kind": ProposalKind.CONFIRMATION},
        name="confirm",
    ),
    path(
        "proposer-un-ptce/",
        contributions.proposal_form,
        {"kind": ProposalKind.NEW},
        name="proposal_new",
    ),
    path("propositions/merci/", contributions.proposal_thanks, name="proposal_thanks"),
    # The poles' coordinators and the regional referents: claim, sign in by e-mail, own space.
    path("poles/<slug:slug>/coordonner/", coordination.pole_claim, name="claim"),
    path("connexion/", coordination.sign_in, name="sign_in"),
    path("connexion/<str:raw>/", coordination.sign_in_link, name="sign_in_link"),
    path("deconnexion/", coordination.sign_out, name="sign_out"),
    path("espace-pole/", coordination.space, name="space"),
    path("animation/", coordination.animation, name="animation"),
    # Following a selection by e-mail.
    path("suivre/", alerts.follow, name="follow"),
    path("suivre/confirmer/<str:raw>/", alerts.follow_confirm, name="follow_confirm"),
    path("suivre/arreter/<str:raw>/", alerts.follow_stop, name="follow_stop"),
    path("espace-pole/<slug:slug>/", coordination.space_pole, name="space_pole"),
    path("espace-pole/<slug:slug>/a-jour/", coordination.space_verify, name="space_verify"),
    path(
        "espace-pole/<slug:slug>/propositions/<int:proposal_id>/",
        coordination.space_decide,
        name="space_decide",
    ),
    # ETag/304 as for the API: the address at this version of the directory.
    path(
        "flux/nouveaux.atom", read_only(etag(address_etag)(feeds.NewPolesFeed())), name="feed_new"
    ),
    path(
        "flux/mis-a-jour.atom",
        read_only(etag(address_etag)(feeds.UpdatedPolesFeed())),
        name="feed_updated",
    ),
    path("charte/", directory.charter, name="charter"),
    path("regions/", directory.region_list, name="region_list"),
    path("regions/<slug:slug>/", directory.region_detail, name="region_detail"),
    path("departements/<slug:slug>/", directory.department_detail, name="department_detail"),
    path("chiffres/", figures.figures, name="figures"),
    path("chiffres/<slug:name>.csv", figures.figure_csv, name="figure_csv"),
    path("qu-est-ce-qu-un-ptce/", pages.about, name="about"),
    path("donnees/", open_data.open_data, name="open_data"),
    path("donnees/api/", open_data.api_documentation, name="api_documentation"),
    path("donnees/schema.json", open_data.data_schema, name="data_schema"),
    path("donnees/valider/", open_data.data_validate, name="data_validate"),
    path("donnees/poles.csv", open_data.export_csv, name="export_csv"),
    path("donnees/poles.geojson", open_data.export_geojson, name="export_geojson"),
    # Dated releases of the open data (manage.py publish_release).
    path("donnees/versions/", releases.release_list, name="release_list"),
    path("donnees/versions/flux.atom", read_only(releases.ReleasesFeed()), name="release_feed"),
    path("donnees/versions/<slug:slug>/", releases.release_detail, name="release_detail"),
    path("donnees/versions/<slug:slug>/poles.csv", releases.release_csv, name="release_csv"),
    path(
        "donnees/versions/<slug:slug>/poles.geojson",
        releases.release_geojson,
        name="release_geojson",
    ),
    path(
        "donnees/versions/<slug:slug>/schema.json", releases.release_schema, name="release_schema"
    ),
    path(
        "donnees/versions/<slug:slug>/poles/<slug:identifier>/",
        releases.release_record,
        name="release_record",
    ),
    path("mentions-legales/", pages.legal_notice, name="legal_notice"),
    path("accessibilite/", pages.accessibility, name="accessibility"),
]
