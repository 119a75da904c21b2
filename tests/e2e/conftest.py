"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

The server serves static files as production does: collected, fingerprinted and compressed by
collectstatic, served by whitenoise, so that a file that only resolves in development (Leaflet's
marker images) fails here too. Tiles come from a local stub and every request that leaves the
machine is refused, so the tests never touch the network.
"""

import os
import shutil
from base64 import b64decode
from urllib.parse import urlparse

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# itself (factories, assertions) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PTCE_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
# A 1x1 transparent PNG served for every tile.
TILE_PNG = b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
TILE_PATH = "/__test_tiles__/"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : installez le paquet Debian chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def production_static(tmp_path_factory):
    """Static files collected as `collectstatic` does in production, and settings to serve them."""
    from django.core.management import call_command
    from django.test import override_settings

    root = tmp_path_factory.mktemp("staticfiles")
    production = override_settings(
        STATIC_ROOT=root,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    )
    production.enable()
    call_command("collectstatic", interactive=False, verbosity=0)
    yield root
    production.disable()


class _ServedByWhitenoise:
    """Stands in for the live server's static handler: static files reach the application,
    where whitenoise serves the collected files, as in production."""

    def __new__(cls, application):
        return application


@pytest.fixture(scope="package")
def live_server(production_static):
    from unittest import mock

    from pytest_django.live_server_helper import LiveServer

    address = os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    with mock.patch("django.contrib.staticfiles.handlers.StaticFilesHandler", _ServedByWhitenoise):
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.fixture
def tiles_stub(monkeypatch, live_server):
    """django-leaflet's tile layer (and so the CSP) pointed at a local stub."""
    import leaflet

    url = f"{live_server.url}{TILE_PATH}{{z}}/{{x}}/{{y}}.png"
    tiles = [("Plan", url, {"attribution": "tuiles de test", "maxZoom": 19})]
    monkeypatch.setitem(leaflet.app_settings, "TILES", tiles)
    return url


@pytest.fixture
def page(browser, live_server, tiles_stub):
    """A page under the site's real Content-Security-Policy."""
    yield from _page(browser, live_server)


@pytest.fixture
def axe_page(browser, live_server, tiles_stub):
    """A page that lets axe-core be injected (CSP bypassed for the checker's script only)."""
    yield from _page(browser, live_server, bypass_csp=True)


def _page(browser, live_server, **options):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, **options
    )
    local_host = urlparse(live_server.url).hostname
    requests_to_elsewhere = []

    def route(route):
        url = urlparse(route.request.url)
        if url.path.startswith(TILE_PATH):
            return route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        if url.scheme in ("data", "blob") or url.hostname == local_host:
            return route.continue_()
        requests_to_elsewhere.append(route.request.url)
        return route.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors = []
    page.console_errors = errors  # a test that expects an error (a 404 page) takes it out
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not requests_to_elsewhere, f"requests left the machine: {requests_to_elsewhere}"
    assert not errors, f"errors in the browser console: {errors}"


@pytest.fixture(autouse=True)
def _site_address_is_the_live_server(request, settings):
    # Pages show the site's address (PTCE_SITE_URL): here, the live server the browser visits.
    if "live_server" in request.fixturenames:
        settings.PTCE_SITE_URL = request.getfixturevalue("live_server").url
