import re

import pytest
from django.urls import reverse

from poles.models import Member, MemberCategory, Membership, Pole, Theme
from poles.territories.models import Region
from tests.factories import MemberFactory, MembershipFactory, PoleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = UserFactory(editor=True)
    client.force_login(user)
    return user


def pole_form_data(**changes) -> dict:
    data = {
        "name": "Pôle créé dans l'admin",
        "slug": "pole-cree-dans-l-admin",
        "short_name": "",
        "is_published": "on",
        "summary": "Un pôle saisi par une éditrice.",
        "description": "",
        "sector": "",
        "carrier_name": "Association porteuse",
        "carrier_siren": "",
        "commune": "Rennes",
        "commune_insee": "35238",
        "department": "",
        "region": "",
        "latitude": "48.111500",
        "longitude": "-1.680000",
        "location_precision": "commune",
        "impulse_note": "",
        "economic_dynamic_note": "",
        "has_common_place": "unknown",
        "year_created": "2020",
        "stage": "emergent",
        "charter_status": "inconnu",
        "charter_year": "",
        "website": "example.org",
        "contact_email": "",
        "sources": "https://example.org/source",
        "last_verified": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def with_members(data: dict, *members) -> dict:
    data = dict(data)
    data["memberships-TOTAL_FORMS"] = str(len(members))
    for index, (member, role) in enumerate(members):
        data[f"memberships-{index}-member"] = str(member.pk)
        data[f"memberships-{index}-role"] = role
        data[f"memberships-{index}-since_year"] = ""
    return data


@pytest.mark.parametrize("url", ["/admin/", "/admin/poles/pole/", "/admin/poles/pole/add/"])
def test_anonymous_users_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_non_staff_users_cannot_reach_the_admin(client):
    client.force_login(UserFactory())
    response = client.get("/admin/poles/pole/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_editor_cannot_manage_users_or_groups(client, editor):
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get("/admin/poles/pole/").status_code == 200
    assert client.get("/admin/poles/member/").status_code == 200


def test_editor_can_add_themes_but_not_reference_data(client, editor):
    response = client.post(
        "/admin/poles/theme/add/", {"label": "santé", "code": "sante", "description": ""}
    )
    assert response.status_code == 302
    assert Theme.objects.filter(code="sante").exists()
    assert client.get("/admin/poles/approach/add/").status_code == 403
    assert client.get("/admin/poles/region/add/").status_code == 403


def test_add_form_has_the_map_widget_and_fieldsets(client, editor):
    response = client.get("/admin/poles/pole/add/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-point-map" in html
    assert "data-point-latitude" in html and "data-point-longitude" in html
    assert "js/admin_point_map.js" in html and "leaflet/leaflet.js" in html
    for legend in ("Identité", "Territoire", "Localisation sur la carte", "Approches et principes"):
        assert legend in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script: {tag}"


def test_editor_creates_a_pole_with_members_placed_on_the_map(client, editor):
    existing = MemberFactory(name="Rennes Métropole", category=MemberCategory.LOCAL_AUTHORITY)
    carrier = MemberFactory(name="Association porteuse")
    data = with_members(
        pole_form_data(department="", region=""), (existing, "membre"), (carrier, "porteuse")
    )
    from tests.factories import department

    data["department"] = str(department("35").pk)
    response = client.post("/admin/poles/pole/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    pole = Pole.objects.get(slug="pole-cree-dans-l-admin")
    assert (float(pole.latitude), float(pole.longitude)) == (48.1115, -1.68)
    assert pole.region.code == "53", "the region follows the department"
    assert pole.website == "https://example.org"
    roles = dict(pole.memberships.values_list("member__name", "role"))
    assert roles == {"Rennes Métropole": "membre", "Association porteuse": "porteuse"}
    (record,) = pole.changes.all()
    assert record.user == editor and record.is_creation and record.source == "editeur"
    history = client.get(reverse("admin:poles_pole_history", args=[pole.pk])).content.decode()
    assert editor.username in history
    assert "Rennes Métropole" in history  # membership changes are shown with the pole's history


def test_history_shows_what_changed(client, editor):
    pole = PoleFactory(year_created=2010)
    data = pole_form_data(name=pole.name, slug=pole.slug, year_created="2012")
    response = client.post(reverse("admin:poles_pole_change", args=[pole.pk]), data)
    assert response.status_code == 302
    history = client.get(reverse("admin:poles_pole_history", args=[pole.pk])).content.decode()
    assert "2010" in history and "2012" in history
    assert editor.username in history


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"latitude": "40.4168", "longitude": "-3.7038"}, "latitude", "hors de France"),
        ({"longitude": ""}, "longitude", "les deux ou aucune"),
        ({"latitude": "", "longitude": ""}, "location_precision", "non localisé"),
        ({"charter_year": "2015"}, "charter_year", "signataire"),
        ({"carrier_siren": "123456789"}, "carrier_siren", "clé de contrôle"),
        ({"sources": "https://ok.example\npas-une-url"}, "sources", "pas-une-url"),
        ({"latitude": "1e400"}, "latitude", ""),
    ],
)
def test_bad_input_gets_a_clear_message(client, editor, changes, field, message):
    response = client.post("/admin/poles/pole/add/", pole_form_data(**changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not Pole.objects.exists()


def test_duplicate_membership_gets_a_message(client, editor):
    member = MemberFactory()
    data = with_members(pole_form_data(), (member, "membre"), (member, "partenaire"))
    response = client.post("/admin/poles/pole/add/", data)
    assert response.status_code == 200
    assert not Pole.objects.exists()
    assert not Membership.objects.exists()


def test_member_autocomplete_finds_members_without_accents(client, editor):
    MemberFactory(name="Études et Chantiers")
    MemberFactory(name="Autre structure")
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "poles",
            "model_name": "membership",
            "field_name": "member",
            "term": "etudes",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Études et Chantiers"]


def test_pole_search_ignores_accents(client, editor):
    PoleFactory(name="Écopôle alimentaire")
    PoleFactory(name="Les Ecossolies")
    response = client.get("/admin/poles/pole/", {"q": "ECOPOLE"})
    assert [p.name for p in response.context["cl"].result_list] == ["Écopôle alimentaire"]


def test_pole_list_filters(client, editor):
    PoleFactory(located=True, name="À Nantes")
    PoleFactory(approximate=True, name="Dans le Nord")
    response = client.get(
        "/admin/poles/pole/", {"region__id__exact": Pole.objects.get(name="À Nantes").region_id}
    )
    assert [p.name for p in response.context["cl"].result_list] == ["À Nantes"]
    html = client.get("/admin/poles/pole/").content.decode()
    for title in ("région", "département", "approches", "thématiques", "stade", "publié"):
        assert f"Par {title}" in html


def test_publish_and_unpublish_actions(client, editor):
    poles = [PoleFactory(unpublished=True), PoleFactory(unpublished=True)]
    ids = [str(p.pk) for p in poles]
    client.post("/admin/poles/pole/", {"action": "publish", "_selected_action": ids})
    assert Pole.objects.published().count() == 2
    client.post("/admin/poles/pole/", {"action": "unpublish", "_selected_action": ids[:1]})
    assert list(Pole.objects.published()) == [poles[1]]
    latest = poles[0].changes.first()
    assert (latest.reason, latest.user, latest.source) == ("dépublication", editor, "editeur")
    assert latest.changed_fields == ["is_published"]


def test_member_admin_lists_and_filters_by_category(client, editor):
    MembershipFactory(member=MemberFactory(name="Une PME", category=MemberCategory.SME))
    MemberFactory(name="Une collectivité", category=MemberCategory.LOCAL_AUTHORITY)
    response = client.get("/admin/poles/member/", {"category__exact": "pme"})
    assert [m.name for m in response.context["cl"].result_list] == ["Une PME"]
    assert Member.objects.count() == 2


def test_an_admin_change_shows_at_once_in_the_cached_map_data(client, editor, commit):
    with commit():
        pole = PoleFactory(located=True, name="Nom d'avant")
    etag = client.get("/carte/poles.geojson")["ETag"]
    data = pole_form_data(name="Nom d'après", slug=pole.slug, commune="Nantes",
                          latitude="47.218630", longitude="-1.553770")  # fmt: skip
    with commit():
        response = client.post(reverse("admin:poles_pole_change", args=[pole.pk]), data)
    assert response.status_code == 302
    response = client.get("/carte/poles.geojson", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert [f["properties"]["name"] for f in response.json()["features"]] == ["Nom d'après"]


def test_the_admin_lists_the_records_to_verify_and_marks_them_verified(client, editor):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    never = PoleFactory(name="Jamais vérifiée")
    old = PoleFactory(
        name="Vérifiée il y a longtemps", last_verified=today.replace(year=today.year - 2)
    )
    fresh = PoleFactory(
        name="Vérifiée récemment", last_verified=today - datetime.timedelta(days=30)
    )
    listed = client.get("/admin/poles/pole/", {"verification": "a-verifier"}).context["cl"]
    assert set(listed.result_list) == {never, old}
    assert (
        fresh
        not in client.get("/admin/poles/pole/", {"verification": "jamais"})
        .context["cl"]
        .result_list
    )
    client.post(
        "/admin/poles/pole/",
        {"action": "mark_verified", "_selected_action": [never.pk, old.pk]},
    )
    for pole in (never, old):
        pole.refresh_from_db()
        assert pole.last_verified == today
        assert pole.changes.first().reason == "vérification"
    assert not Pole.objects.to_verify().exists()


def test_the_admin_checks_the_commune_against_the_official_list(client, editor):
    from tests.factories import CommuneFactory, department

    CommuneFactory(code="35238", name="Rennes", department=department("35"))
    unknown = client.post("/admin/poles/pole/add/", pole_form_data(commune_insee="35999"))
    assert "liste officielle des communes" in unknown.content.decode()
    assert not Pole.objects.exists()
    known = client.post("/admin/poles/pole/add/",
                        pole_form_data(commune="rennes", commune_insee="35238"))  # fmt: skip
    assert known.status_code == 302
    pole = Pole.objects.get()
    assert pole.commune == "Rennes" and pole.department.code == "35"


# --- saving through the service: re-imports, newer work, history ------------------------------


def change_form_data(response, **changes) -> dict:
    """What the browser would post back from an admin change form, with `changes`."""
    data: dict = {}

    def add(form, prefix=""):
        for name in form.fields:
            value = form[name].value()
            key = f"{prefix}{name}"
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = "on" if value is True else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.initial_form_count())
        for index, form in enumerate(formset.initial_forms):
            add(form, f"{formset.prefix}-{index}-")
    data.update(changes)
    return data


def test_an_admin_change_survives_a_reimport_and_shows_on_the_public_history(
    client, editor, sample_csv
):
    from poles.imports import poles_import_csv

    poles_import_csv(path=sample_csv)
    pole = Pole.objects.located().first()
    url = reverse("admin:poles_pole_change", args=[pole.pk])
    data = change_form_data(client.get(url), latitude="47.100000", summary="Vu sur place.")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not poles_import_csv(path=sample_csv).has_changes
    pole.refresh_from_db()
    assert (str(pole.latitude), pole.summary) == ("47.100000", "Vu sur place.")
    client.logout()  # as a visitor reads it
    history = client.get(reverse("poles:history", args=[pole.slug])).content.decode()
    assert "Vu sur place." in history and "47.100000" in history
    assert "l&#x27;équipe de l&#x27;annuaire" in history
    assert f"import du fichier {sample_csv.name}" in history
    assert editor.username not in history


def test_a_save_keeps_a_change_made_since_the_form_was_opened(client, editor):
    from poles.models import ChangeSource
    from poles.services import pole_update

    pole = PoleFactory(summary="Résumé initial", year_created=2010)
    url = reverse("admin:poles_pole_change", args=[pole.pk])
    opened = client.get(url)
    pole_update(pole=pole, values={"summary": "Résumé d'un collègue"}, source=ChangeSource.POLE)
    response = client.post(url, change_form_data(opened, year_created="2011"))
    assert response.status_code == 302
    pole.refresh_from_db()
    assert (pole.summary, pole.year_created) == ("Résumé d'un collègue", 2011)
    refused = client.post(url, change_form_data(opened, summary="Mon résumé"))
    assert refused.status_code == 200
    assert "modifié par ailleurs" in str(refused.context["adminform"].form.errors["summary"])
    pole.refresh_from_db()
    assert pole.summary == "Résumé d'un collègue"


def test_a_territory_of_action_changed_in_the_admin_shows_at_once(client, editor, commit):
    with commit():
        pole = PoleFactory(name="Pole agissant", located=True)
    assert client.get("/", {"lieu": "region:27", "portee": "agit"}).context["total"] == 0
    url = reverse("admin:poles_pole_change", args=[pole.pk])
    burgundy = Region.objects.get(code="27")
    with commit():
        data = change_form_data(client.get(url), action_regions=[str(burgundy.pk)])
        response = client.post(url, data)
    assert response.status_code == 302
    assert client.get("/", {"lieu": "region:27", "portee": "agit"}).context["total"] == 1


def test_members_changed_since_the_form_opened_are_not_overwritten(client, editor):
    from poles.models import ChangeSource
    from poles.services import MemberEntry, pole_update

    pole = PoleFactory(summary="Avant")
    MembershipFactory(pole=pole, member__name="Membre d'origine")
    url = reverse("admin:poles_pole_change", args=[pole.pk])
    opened = client.get(url)
    pole_update(pole=pole, members=[MemberEntry(name="Ajout d'un collègue", category="pme")],
                source=ChangeSource.POLE)  # fmt: skip
    data = change_form_data(opened, summary="Après")
    data["memberships-0-DELETE"] = "on"  # the editor removes the member they saw
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "vos changements de membres n&#x27;ont pas été enregistrés" in response.content.decode()
    pole.refresh_from_db()
    assert pole.summary == "Après"
    assert sorted(pole.memberships.values_list("member__name", flat=True)) == [
        "Ajout d'un collègue",
        "Membre d'origine",
    ]
