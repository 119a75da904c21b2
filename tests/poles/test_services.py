"""poles.services: the one write path of a pole (rules, one entry, caches, no silent undo)."""

import pytest

from poles.caching import directory_version
from poles.models import Approach, ChangeSource, Pole, PoleChange, Principle, StateCall, Theme
from poles.services import (
    RELATIONS,
    MemberEntry,
    PoleConflict,
    pole_create,
    pole_latest_change_id,
    pole_update,
)
from poles.territories.models import Commune, Department, Epci, Region
from tests.factories import CommuneFactory, EpciFactory, PoleFactory, UserFactory, department

pytestmark = pytest.mark.django_db


def edit(pole, **values):
    return pole_update(pole=pole, values=values, source=ChangeSource.EDITOR, reason="essai")


def test_the_region_follows_the_department_and_the_commune_code_gives_both():
    pole = PoleFactory(department=None, region=None)
    edit(pole, department=department("35"))
    pole.refresh_from_db()
    assert pole.region.code == "53"
    CommuneFactory(code="29019", name="Brest", department=department("29"))
    edit(pole, commune_insee="29019", commune="brest ville")
    pole.refresh_from_db()
    assert (pole.commune, pole.department.code, pole.region.code) == ("Brest", "29", "53")


def test_a_region_stated_alone_moves_the_pole_out_of_a_department_elsewhere():
    pole = PoleFactory(located=True)  # Loire-Atlantique, Pays de la Loire
    edit(pole, region=Region.objects.get(code="53"))
    pole.refresh_from_db()
    assert pole.department is None and pole.region.code == "53"


def test_a_refused_value_writes_nothing():
    pole = PoleFactory(year_created=2010)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        edit(pole, year_created=1200, summary="Nouveau résumé")
    pole.refresh_from_db()
    assert pole.year_created == 2010 and pole.summary != "Nouveau résumé"
    assert not PoleChange.objects.exists()


def test_one_call_leaves_one_entry_with_who_why_where_and_each_fact():
    user = UserFactory(editor=True)
    pole = PoleFactory(summary="Avant")
    theme = Theme.objects.get(code="culture")
    pole_update(
        pole=pole,
        values={"summary": "Après"},
        relations={"themes": [theme]},
        members=[MemberEntry(name="Ville d'essai", category="collectivite")],
        source=ChangeSource.POLE,
        source_label="coordination",
        user=user,
        reason="mise à jour annuelle",
    )
    (change,) = PoleChange.objects.all()
    assert (change.user, change.source, change.reason) == (user, "pole", "mise à jour annuelle")
    by_field = {item["field"]: (item["before"], item["after"]) for item in change.changes}
    assert by_field == {
        "summary": ("Avant", "Après"),
        "themes": ([], ["culture"]),
        "members": ([], ["Ville d'essai (collectivite)"]),
    }


def test_a_call_that_changes_nothing_leaves_no_entry_and_keeps_the_date():
    pole = PoleFactory(summary="Même")
    updated_at = pole.updated_at
    assert edit(pole, summary="Même").change is None
    pole.refresh_from_db()
    assert pole.updated_at == updated_at and not PoleChange.objects.exists()


def test_members_are_added_or_replaced_as_the_caller_says():
    result = pole_create(
        values={"name": "Pôle aux membres", "slug": "pole-aux-membres"},
        members=[MemberEntry(name="Un", category="pme"), MemberEntry(name="Deux", category="pme")],
        source=ChangeSource.EDITOR,
    )
    pole = result.pole
    pole_update(pole=pole, members=[MemberEntry(name="Trois", category="autre")],
                source=ChangeSource.IMPORT)  # fmt: skip
    names = lambda: sorted(pole.memberships.values_list("member__name", flat=True))  # noqa: E731
    assert names() == ["Deux", "Trois", "Un"]
    pole_update(pole=pole, members=[MemberEntry(name="un", category="pme")],
                replace_members=True, source=ChangeSource.PROPOSAL)  # fmt: skip
    assert names() == ["Un"]


def _items(name):
    """Two items of the relation's model, created when the reference data has none."""
    model = getattr(Pole, name).rel.model
    if model is Commune:
        return [CommuneFactory(code="35238", department=department("35")),
                CommuneFactory(code="29019", department=department("29"))]  # fmt: skip
    if model is Epci:
        return [EpciFactory(), EpciFactory()]
    for reference in (Approach, Principle, Theme, StateCall, Department, Region):
        if model is reference:
            return list(reference.objects.all()[:2])
    raise AssertionError(name)


@pytest.mark.parametrize("name", RELATIONS)
def test_every_relation_changed_through_the_service_bumps_the_version_once(name, commit):
    pole = PoleFactory()
    items = _items(name)
    before = directory_version().number
    with commit():
        pole_update(pole=pole, relations={name: items}, source=ChangeSource.EDITOR)
    assert directory_version().number == before + 1
    assert sorted(i.pk for i in getattr(pole, name).all()) == sorted(i.pk for i in items)


@pytest.mark.parametrize("name", [n for n in RELATIONS if n.startswith("action_")])
def test_a_territory_of_action_changed_in_a_shell_bumps_the_version_too(name, commit):
    pole = PoleFactory()
    before = directory_version().number
    with commit():
        getattr(pole, name).add(_items(name)[0])
    assert directory_version().number == before + 1


def test_a_territory_of_action_shows_at_once_on_a_cached_place_page(client, commit):
    with commit():
        pole = PoleFactory(name="Pôle lointain", located=True)
    assert client.get("/", {"lieu": "region:27", "portee": "agit"}).context["total"] == 0
    with commit():
        pole_update(pole=pole, relations={"action_regions": [Region.objects.get(code="27")]},
                    source=ChangeSource.EDITOR)  # fmt: skip
    response = client.get("/", {"lieu": "region:27", "portee": "agit"})
    assert response.context["total"] == 1 and "Pôle lointain" in response.content.decode()


def test_a_newer_change_the_caller_did_not_see_is_kept_or_refused():
    pole = PoleFactory(summary="Début", short_name="D", year_created=2000)
    edit(pole, summary="Début.")
    seen = pole_latest_change_id(pole=pole)
    edit(pole, summary="Changé par quelqu'un d'autre")  # after the caller opened its form
    # The caller sends the summary as it saw it, and a year of its own: the summary is kept.
    pole_update(pole=pole, values={"summary": "Début.", "year_created": 2001}, based_on=seen,
                source=ChangeSource.EDITOR)  # fmt: skip
    pole.refresh_from_db()
    assert (pole.summary, pole.year_created) == ("Changé par quelqu'un d'autre", 2001)
    with pytest.raises(PoleConflict) as conflict:
        pole_update(pole=pole, values={"summary": "Ma version"}, based_on=seen,
                    source=ChangeSource.EDITOR)  # fmt: skip
    assert conflict.value.fields == ["summary"]
    pole.refresh_from_db()
    assert pole.summary == "Changé par quelqu'un d'autre"


def test_a_changed_address_is_kept_and_redirects_permanently(client):
    pole = PoleFactory(name="Pôle renommé", slug="ancien-nom")
    edit(pole, slug="nouveau-nom", name="Pôle au nouveau nom")
    for path in ("/poles/ancien-nom/", "/poles/ancien-nom/historique/"):
        response = client.get(path)
        assert response.status_code == 301
        assert response["Location"] == path.replace("ancien-nom", "nouveau-nom")
    assert client.get("/poles/jamais-existe/").status_code == 404
