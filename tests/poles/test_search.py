"""The words search (poles/search.py): what it covers, how it ranks, and that its documents
follow every write."""

import csv

import pytest

from poles.imports import poles_import_csv
from poles.models import ChangeSource, Member, Pole, Theme
from poles.services import MemberEntry, pole_update
from tests.conftest import REAL_CSV
from tests.factories import MembershipFactory, PoleFactory, department, region

pytestmark = pytest.mark.django_db


def found(text: str) -> list[str]:
    return list(Pole.objects.published().search(text).values_list("name", flat=True))


@pytest.fixture
def circular():
    """Poles where "économie circulaire" sits in the name, a theme, the summary, a member."""
    named = PoleFactory(name="Pôle d'économie circulaire du Val")
    themed = PoleFactory(name="Atelier des possibles")
    pole_update(pole=themed, relations={"themes": Theme.objects.filter(code="economie-circulaire")},
                source=ChangeSource.EDITOR)  # fmt: skip
    summarised = PoleFactory(name="Les Ateliers", summary="Réemploi et économie circulaire.")
    member = PoleFactory(name="Zèbre")
    pole_update(pole=member, members=[MemberEntry(name="Économie circulaire SCIC",
                                                  category="entreprise-ess")],
                source=ChangeSource.EDITOR)  # fmt: skip
    PoleFactory(name="Sans rapport", summary="Culture et patrimoine.")
    return named, themed, summarised, member


def test_words_find_themes_sector_summary_and_members_ranked_by_where(circular):
    named, themed, summarised, member = circular
    # Names, then themes, then the rest (summary and members alike, by name).
    assert found("economie circulaire") == [named.name, themed.name,
                                            *sorted([summarised.name, member.name])]  # fmt: skip


def test_an_exact_name_comes_first(circular):
    PoleFactory(name="Atelier")
    assert found("atelier")[0] == "Atelier"
    assert found("ATELIER DES POSSIBLES")[0] == "Atelier des possibles"


def test_word_endings_accents_and_beginnings_are_ignored(circular):
    named = circular[0]
    assert named.name in found("économiques circulaires")
    assert set(found("circul")) == set(found("economie circulaire"))
    assert found("ÉCONOMIE") == found("economie")


def test_the_territory_names_find_the_poles_located_there():
    breton = PoleFactory(name="Coopérative de l'Odet", department=department("29"),
                         region=region("53"), commune="Quimper")  # fmt: skip
    PoleFactory(name="Ailleurs", department=department("44"), region=region("52"))
    assert found("bretagne") == [breton.name]
    assert found("finistere") == [breton.name]
    assert found("quimper") == [breton.name]


def test_every_word_must_be_found():
    PoleFactory(name="Culture et insertion")
    PoleFactory(name="Culture seule")
    assert found("culture insertion") == ["Culture et insertion"]
    assert found("   ") == ["Culture et insertion", "Culture seule"]


def test_the_documents_follow_renamed_themes_and_members(circular):
    _, themed, _, member = circular
    theme = Theme.objects.get(code="economie-circulaire")
    theme.label = "Boucles locales"
    theme.save()
    assert themed.name in found("boucles locales")
    assert themed.name not in found("economie circulaire")
    scic = Member.objects.get(name="Économie circulaire SCIC")
    scic.name = "Recyclerie du Val"
    scic.save()
    assert found("recyclerie") == [member.name]


def test_a_member_added_through_the_service_is_found():
    pole = PoleFactory(name="Pôle A")
    assert found("menuiserie") == []
    MembershipFactory(pole=pole, member__name="Menuiserie solidaire")
    assert found("menuiserie") == [pole.name]


def test_on_the_real_data_each_pole_is_first_for_its_own_name_and_found_by_its_themes():
    poles_import_csv(path=REAL_CSV)
    with REAL_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert found(row["nom"])[:1] == [row["nom"]], row["nom"]
    labels = dict(Theme.objects.values_list("code", "label"))
    for code, label in labels.items():
        carrying = set(Pole.objects.published().filter(themes__code=code)
                       .values_list("name", flat=True))  # fmt: skip
        assert carrying <= set(found(label)), label
