"""The editor's map widget: click or drag to place the pole, inputs and marker stay in sync."""

import re

import pytest

from poles.models import Pole
from tests.factories import PoleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "mot-de-passe-de-test-2026")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def marker_position(page) -> dict | None:
    box = page.locator(".leaflet-marker-icon").first
    if page.locator(".leaflet-marker-icon").count() == 0:
        return None
    return box.bounding_box()


def test_editor_places_a_pole_by_clicking_the_map_and_saves_it(page, live_server):
    log_in(page, live_server, UserFactory(editor=True))
    page.goto(f"{live_server.url}/admin/poles/pole/add/")
    page.fill("#id_name", "Pôle placé à la souris")
    page.locator("[data-point-map]").scroll_into_view_if_needed()
    map_box = page.locator("[data-point-map]").bounding_box()
    assert map_box["width"] > 300 and map_box["height"] > 300
    assert page.locator(".leaflet-marker-icon").count() == 0

    page.mouse.click(map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2)
    latitude = float(page.input_value("#id_latitude"))
    longitude = float(page.input_value("#id_longitude"))
    # The map opens centred on France: a click in its middle lands in France.
    assert 42 < latitude < 51 and -5 < longitude < 9
    assert page.input_value("#id_location_precision") == "commune"
    assert page.locator(".leaflet-marker-icon").count() == 1
    # The marker image resolves with production's fingerprinted static files.
    page.wait_for_function(
        "() => document.querySelector('img.leaflet-marker-icon').naturalWidth > 0"
    )
    assert re.search(r"/static/leaflet/images/marker-icon\.[0-9a-f]{12}\.png$",
                     page.get_attribute("img.leaflet-marker-icon", "src"))  # fmt: skip

    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/poles/pole/")
    pole = Pole.objects.get(name="Pôle placé à la souris")
    assert float(pole.latitude) == pytest.approx(latitude, abs=1e-5)
    assert float(pole.longitude) == pytest.approx(longitude, abs=1e-5)


def test_marker_follows_typed_coordinates_and_drag_updates_them(page, live_server):
    pole = PoleFactory(located=True)
    log_in(page, live_server, UserFactory(editor=True))
    page.goto(f"{live_server.url}/admin/poles/pole/{pole.pk}/change/")
    page.locator("[data-point-map]").scroll_into_view_if_needed()
    start = marker_position(page)
    assert start is not None, "an existing point is shown on the map"

    # Typing other coordinates moves the marker (the map pans to it).
    page.fill("#id_latitude", "47.3")
    page.fill("#id_longitude", "-1.4")
    page.wait_for_timeout(400)
    moved = marker_position(page)
    assert moved is not None

    # Dragging the marker writes its new position into the inputs.
    before = (page.input_value("#id_latitude"), page.input_value("#id_longitude"))
    x, y = moved["x"] + moved["width"] / 2, moved["y"] + moved["height"] - 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 40, steps=8)
    page.mouse.up()
    after = (page.input_value("#id_latitude"), page.input_value("#id_longitude"))
    assert after != before
    assert float(after[0]) < 47.3 and float(after[1]) > -1.4  # moved south-east

    # "Retirer le point" empties both inputs and removes the marker.
    page.click("[data-point-clear]")
    assert page.input_value("#id_latitude") == "" and page.input_value("#id_longitude") == ""
    assert page.input_value("#id_location_precision") == "aucune"
    assert page.locator(".leaflet-marker-icon").count() == 0
