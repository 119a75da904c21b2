""" "Où ?" and "Autour de moi" in the browser: keyboard combobox, geolocation granted or not."""

import re
from contextlib import contextmanager
from decimal import Decimal

import pytest

from tests.e2e.conftest import _page
from tests.factories import CommuneFactory, PoleFactory, department, region

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def brittany():
    CommuneFactory(code="29232", name="Quimper", department=department("29"), postcodes="29000",
                   population=62985, latitude=Decimal("47.996194"),
                   longitude=Decimal("-4.102035"))  # fmt: skip
    CommuneFactory(code="29233", name="Quimperlé", department=department("29"),
                   postcodes="29300", population=12000, latitude=Decimal("47.8728"),
                   longitude=Decimal("-3.5497"))  # fmt: skip
    PoleFactory(name="Pôle de Lorient", commune="Lorient", commune_insee="56121",
                department=department("56"), region=region("53"), latitude=Decimal("47.7483"),
                longitude=Decimal("-3.37"), location_precision="commune")  # fmt: skip
    PoleFactory(name="Pôle de Nantes", located=True)


@contextmanager
def browser_page(browser, live_server, **options):
    pages = _page(browser, live_server, **options)
    try:
        yield next(pages)
    finally:
        next(pages, None)


def test_the_place_combobox_works_with_the_keyboard(page, live_server, brittany):
    page.goto(live_server.url + "/")
    page.wait_for_selector("[data-map][data-marker-count]")
    field = page.locator("#id_ou")
    assert field.get_attribute("role") == "combobox"
    field.focus()
    page.keyboard.type("quim")
    page.wait_for_selector("[data-place-listbox] [role=option]")
    assert field.get_attribute("aria-expanded") == "true"
    options = page.locator("[data-place-listbox] [role=option]").all_inner_texts()
    assert options[0].startswith("Quimper (29)")
    page.keyboard.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == "lieu-option-0"
    page.keyboard.press("Enter")
    page.wait_for_url("**lieu=commune%3A29232**")
    page.wait_for_selector("[data-nearest]")
    text = page.inner_text("[data-results]")
    assert "Aucun pôle n'est encore situé à Quimper (29)" in text
    assert text.index("Pôle de Lorient") < text.index("Pôle de Nantes")
    assert page.locator(".place-marker").count() == 1
    assert field.input_value() == "Quimper (29)"


def test_around_me_uses_the_position_when_granted(browser, live_server, tiles_stub, brittany):
    with browser_page(browser, live_server, permissions=["geolocation"],
                      geolocation={"latitude": 47.99, "longitude": -4.1}) as page:  # fmt: skip
        page.goto(live_server.url + "/")
        page.click("text=Autour de moi")
        page.wait_for_url("**lieu=point**")
        assert "Les pôles les plus proches de votre position" in page.inner_text("[data-results]")
        # The list itself, nearest first, each with its distance.
        cards = page.locator("[data-pole-list] li").all_inner_texts()
        assert cards[0].startswith("Pôle de Lorient")
        distances = [int(m.group(1)) for card in cards if (m := re.search(r"(\d+) km", card))]
        assert len(distances) >= 2 and distances == sorted(distances)


def test_around_me_says_so_when_the_position_is_refused(browser, live_server, tiles_stub,
                                                        brittany):  # fmt: skip
    with browser_page(browser, live_server) as page:  # no permission: the browser refuses
        page.goto(live_server.url + "/")
        page.click("text=Autour de moi")
        status = page.locator("[data-around-me-status]")
        status.filter(has_text="Position").wait_for()
        assert "choisissez plutôt un lieu" in status.inner_text()
        assert "lieu=" not in page.url
