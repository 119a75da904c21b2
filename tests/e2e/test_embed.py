"""The embedded map in another site's page: framed there (that route only), map and list working."""

import http.server
import threading
from urllib.parse import urlparse

import pytest

from poles.models import Pole
from tests.e2e.conftest import TILE_PATH, TILE_PNG

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def partner_site(live_server):
    """Another origin: a network's own page, served by its own server, framing ours."""
    page = (
        "<!DOCTYPE html><html lang='fr'><title>Réseau</title><body>"
        f"<iframe id='embed' title='Carte' src='{live_server.url}/carte/integree/?region=52'"
        " width='800' height='600'></iframe>"
        f"<iframe id='home' title='Accueil' src='{live_server.url}/'></iframe></body></html>"
    ).encode()

    class Partner(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    host = "127.0.0.1" if urlparse(live_server.url).hostname == "localhost" else "localhost"
    server = http.server.ThreadingHTTPServer((host, 0), Partner)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://{host}:{server.server_address[1]}/carte.html"
    server.shutdown()
    server.server_close()


def test_another_site_may_frame_the_embedded_map_and_no_other_page(
    browser, live_server, tiles_stub, sample_directory, partner_site
):
    context = browser.new_context(locale="fr-FR")
    machine = {urlparse(live_server.url).hostname, urlparse(partner_site).hostname}

    def route(route):
        url = urlparse(route.request.url)
        if url.path.startswith(TILE_PATH):
            return route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        return route.continue_() if url.hostname in machine else route.abort()

    context.route("**/*", route)
    page = context.new_page()
    refusals = []
    page.on("console", lambda m: refusals.append(m.text) if "frame-ancestors" in m.text else None)
    page.goto(partner_site)

    embed = page.frame_locator("#embed")
    expected = Pole.objects.published().filter(region__code="52")
    embed.locator("[data-map][data-marker-count]").wait_for()
    assert embed.locator("[data-map]").get_attribute("data-marker-count") == str(
        expected.located().count()
    )
    assert embed.locator(".pole-card h3").all_text_contents() == list(
        expected.order_by("name").values_list("name", flat=True)
    )
    assert embed.locator("text=Voir dans l'annuaire des PTCE").get_attribute("href") == (
        f"{live_server.url}/?region=52"
    )

    # The directory itself refuses to be framed: nothing of it shows in the partner's page.
    home = page.query_selector("#home").content_frame()
    page.wait_for_timeout(500)
    assert home.query_selector(".site-title") is None
    assert any("frame-ancestors" in text for text in refusals)
    context.close()


def test_the_builder_updates_preview_and_code_as_choices_are_made(
    page, live_server, sample_directory
):
    page.goto(live_server.url + "/integrer/")
    page.select_option("#id_region", "52")
    page.select_option("#id_hauteur", "400")
    code = page.input_value("[data-embed-code]")
    assert f'src="{live_server.url}/carte/integree/?region=52"' in code
    assert 'height="400"' in code
    preview = page.locator("[data-embed-preview]")
    assert preview.get_attribute("src") == "/carte/integree/?region=52"
    page.frame_locator("[data-embed-preview]").locator("[data-map][data-marker-count]").wait_for()
    assert "region=52" in page.url  # the builder's own link keeps the choices


@pytest.mark.parametrize("height", [300, 400, 900])
def test_the_embedded_map_and_its_attribution_fit_the_frame(browser, live_server, tiles_stub,
                                                           sample_directory, height):  # fmt: skip
    for width in (320, 800):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(live_server.url + "/carte/integree/?region=52")
        page.wait_for_selector("[data-map][data-marker-count]", state="attached")
        box = page.locator("[data-map]").bounding_box()
        attribution = page.locator(".leaflet-control-attribution").bounding_box()
        assert box["y"] + box["height"] <= height and box["height"] >= 110, (width, box)
        assert attribution["y"] + attribution["height"] <= height
        # The map takes what the frame gives it: a taller frame, a taller map.
        if height == 900:
            assert box["height"] > 600
        context.close()
