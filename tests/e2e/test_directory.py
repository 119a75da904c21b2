"""The public directory in a real browser: map, filters without reload, history, no-JS path."""

import re

import pytest

from poles.imports import poles_import_csv
from poles.models import Pole
from poles.territories.models import PlaceKind

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def directory(sample_csv):
    poles_import_csv(path=sample_csv)


def markers_total(page) -> int:
    """Single markers plus the totals written on cluster icons."""
    return page.evaluate(
        """() => {
          let total = document.querySelectorAll('.pole-marker').length;
          document.querySelectorAll('.marker-cluster span').forEach(s => total += +s.textContent);
          return total;
        }"""
    )


def wait_for_map(page):
    # Attached, not visible: on a phone the list comes first and the map waits out of sight.
    page.wait_for_selector("[data-map][data-marker-count]", state="attached")


def test_map_shows_every_located_pole(page, live_server, directory):
    page.goto(live_server.url + "/")
    wait_for_map(page)
    located = Pole.objects.published().located().count()
    assert int(page.get_attribute("[data-map]", "data-marker-count")) == located
    # Markers are drawn only in view: metropolitan France and each overseas quick view add up.
    total = 0
    for view in page.locator("[data-quick-views] [data-view]").all():
        view.click()
        page.wait_for_timeout(400)
        total += markers_total(page)
    assert total == located
    assert "vue=" in page.url, "the map view is part of the link"
    assert "sans localisation" in page.inner_text("[data-results]")


def test_filter_updates_list_counts_map_and_url_without_reload(page, live_server, directory):
    expected = Pole.objects.published().filter(themes__code="alimentation")
    assert expected.count() > 1 and expected.located().count() < expected.count()
    # The map shows another number of markers before: the wait below sees it change.
    assert expected.located().count() != Pole.objects.published().located().count()
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.evaluate("window.__sameDocument = true")
    page.check("#f-thematique-alimentation")
    page.wait_for_url(re.compile(r"thematique=alimentation"))
    page.wait_for_selector(f"text={expected.count()} pôles trouvés")
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    page.wait_for_function(
        "n => +document.querySelector('[data-map]').dataset.markerCount === n",
        arg=expected.located().count(),
    )
    names = page.locator("[data-pole-list] h3").all_inner_texts()
    assert set(names) <= set(expected.values_list("name", flat=True))
    # Counts of the other filters follow; the live region announces the result.
    assert f"{expected.count()} pôles trouvés" in page.inner_text("[data-result-status]")

    # The journey: citizen-impulse poles working on food in Bretagne.
    page.check("#f-impulsion-citoyenne")
    page.wait_for_url(re.compile(r"impulsion=citoyenne"))
    shared_link = page.url
    page.wait_for_selector("[data-results]:not([aria-busy])")
    journey = page.locator("[data-pole-list] h3").all_inner_texts()
    assert page.evaluate("window.__sameDocument") is True
    # Downloads and feeds follow the selection shown.
    feed = page.get_attribute("a[href^='/flux/nouveaux.atom']", "href")
    assert "impulsion=citoyenne" in feed and "thematique=alimentation" in feed
    assert "impulsion=citoyenne" in page.get_attribute("link[title^='Nouveaux']", "href")

    # The shared link gives the same selection in a fresh page.
    page.goto(shared_link)
    assert page.locator("[data-pole-list] h3").all_inner_texts() == journey


def test_back_button_restores_the_previous_selection(page, live_server, directory):
    page.goto(live_server.url + "/")
    wait_for_map(page)
    everything = page.inner_text("#resultats-titre")
    page.check("#f-region-53")
    page.wait_for_url(re.compile(r"region=53"))
    page.wait_for_selector("[data-results]:not([aria-busy])")
    filtered = page.inner_text("#resultats-titre")
    assert filtered != everything
    page.go_back()
    page.wait_for_function(
        "t => document.querySelector('#resultats-titre').textContent.trim() === t",
        arg=everything.strip(),
    )
    assert not page.is_checked("#f-region-53")
    page.go_forward()
    page.wait_for_function(
        "t => document.querySelector('#resultats-titre').textContent.trim() === t",
        arg=filtered.strip(),
    )
    assert page.is_checked("#f-region-53")


def test_popup_link_opens_the_pole_page(page, live_server, directory):
    page.goto(live_server.url + "/?departement=44")
    wait_for_map(page)
    # Clusters zoom in or spread out when clicked: go on until a single marker opens a popup.
    for _ in range(8):
        single = page.locator(".pole-marker")
        target = single.first if single.count() else page.locator(".marker-cluster").first
        target.click()
        try:
            page.wait_for_selector(".leaflet-popup", timeout=1500)
            break
        except Exception:  # the map was zooming or spreading a cluster: try again
            page.wait_for_timeout(500)
    link = page.locator(".leaflet-popup a").first
    name = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/poles/[\w-]+/$"))
    assert page.inner_text("h1").startswith(name)


def test_directory_works_without_javascript(browser, live_server, directory, tiles_stub):
    from tests.factories import PoleFactory

    PoleFactory.create_batch(20, located=True)  # more than a page
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.click("[data-filters-details] summary")  # served folded: one click unfolds it
    page.check("#f-region-53")
    page.check("#f-thematique-alimentation")
    page.click("text=Afficher les résultats")
    page.wait_for_url(
        re.compile(r"region=53.*thematique=alimentation|thematique=alimentation.*region=53")
    )
    expected = set(
        Pole.objects.published()
        .in_territory(PlaceKind.REGION, "53")
        .filter(themes__code="alimentation")
        .values_list("name", flat=True)
    )
    assert set(page.locator("[data-pole-list] h3").all_inner_texts()) == expected
    # Pagination and pole pages are plain links.
    page.goto(live_server.url + "/")
    page.click("a[rel=next]")
    assert "page=2" in page.url
    page.locator("[data-pole-list] h3 a").first.click()
    assert page.locator("h1").count() == 1
    context.close()


def test_map_view_and_selected_pole_travel_in_the_link(page, live_server, directory):
    pole = Pole.objects.published().located().get(slug="pole-essai-nantais")
    page.goto(f"{live_server.url}/?vue=47.2,-1.55,12&pole={pole.slug}")
    wait_for_map(page)
    page.wait_for_selector(".leaflet-popup")
    assert page.inner_text(".leaflet-popup .popup-title") == pole.name


def test_popups_show_database_text_as_text(page, live_server):
    from tests.factories import PoleFactory

    pole = PoleFactory(name='<img src=x onerror="document.title=1">Pôle', located=True,
                       commune="<b>Nantes</b>")  # fmt: skip
    page.goto(f"{live_server.url}/?pole={pole.slug}")
    page.wait_for_selector(".leaflet-popup")
    assert page.locator(".leaflet-popup img").count() == 0
    assert page.locator(".leaflet-popup b").count() == 0
    assert page.inner_text(".leaflet-popup .popup-title") == pole.name
    assert page.inner_text(".leaflet-popup .popup-place") == "<b>Nantes</b>"
    assert page.title() != "1"


def test_static_files_are_the_fingerprinted_production_ones(page, live_server, directory):
    page.goto(live_server.url + "/")
    scripts = page.eval_on_selector_all("script[src]", "nodes => nodes.map(n => n.src)")
    assert any(re.search(r"/static/js/poles_map\.[0-9a-f]{12}\.js$", src) for src in scripts)
    # The clusterer comes from npm and is loaded by the map's worker.
    clusterer = page.get_attribute("[data-map]", "data-clusterer")
    assert re.search(r"/static/vendor/supercluster/supercluster\.min\.[0-9a-f]{12}\.js$", clusterer)
    assert re.search(
        r"/static/js/poles_map_worker\.[0-9a-f]{12}\.js$",
        page.get_attribute("[data-map]", "data-worker"),
    )


def test_clusters_are_named_for_screen_readers(page, live_server, directory):
    from tests.factories import PoleFactory

    PoleFactory.create_batch(3, located=True)  # the same point: one cluster
    page.goto(live_server.url + "/?departement=44")
    wait_for_map(page)
    label = page.get_attribute(".marker-cluster", "aria-label")
    assert re.fullmatch(r"\d+ pôles", label)
    assert label == f"{page.inner_text('.marker-cluster span')} pôles"


def test_a_visible_message_says_when_the_map_data_fails(page, live_server, directory):
    page.route(
        "**/carte/poles.geojson*", lambda route: route.fulfill(status=503, body="indisponible")
    )
    page.goto(live_server.url + "/")
    notice = page.wait_for_selector("[data-map-error]")
    assert notice.is_visible() and "La liste des résultats reste complète" in notice.inner_text()
    page.console_errors.clear()  # the browser logs the refused request itself


def test_nothing_moves_once_the_page_is_drawn(page, live_server, directory):
    """Cumulative layout shift, as the browser measures it, on the home page."""
    page.add_init_script(
        """window.__cls = 0; new PerformanceObserver(list => { for (const e of list.getEntries())
           if (!e.hadRecentInput) window.__cls += e.value; })
           .observe({type: 'layout-shift', buffered: true});"""
    )
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + "/")
        wait_for_map(page)
        page.wait_for_timeout(300)
        assert page.evaluate("window.__cls") <= 0.02, width


def test_poles_at_one_point_open_as_one_list(page, live_server):
    from tests.factories import PoleFactory

    together = PoleFactory.create_batch(3, located=True)  # the same town hall
    PoleFactory(approximate=True)  # elsewhere
    page.goto(f"{live_server.url}/?vue=47.21863,-1.55377,16")
    wait_for_map(page)
    cluster = page.locator(".marker-cluster")
    assert cluster.count() == 1
    assert cluster.get_attribute("aria-label") == "3 pôles"
    # However far one zooms these stay together: one click lists them, each a link.
    cluster.click()
    page.wait_for_selector(".leaflet-popup")
    assert page.inner_text(".leaflet-popup .popup-title") == "3 pôles à cet endroit"
    links = page.locator(".leaflet-popup .popup-list a")
    assert sorted(links.all_inner_texts()) == sorted(p.name for p in together)
    links.first.click()
    page.wait_for_url(re.compile(r"/poles/[\w-]+/$"))
    # The pole page's small map titles its zoom buttons in the page's language.
    page.wait_for_selector(".leaflet-control-zoom-in")
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "Zoom avant"
    assert page.get_attribute(".leaflet-control-zoom-out", "title") == "Zoom arrière"


def test_an_open_popup_puts_its_pole_in_the_link(page, live_server):
    from tests.factories import PoleFactory

    pole = PoleFactory(located=True)
    page.goto(f"{live_server.url}/?vue=47.21863,-1.55377,12")
    wait_for_map(page)
    page.click(".pole-marker")
    page.wait_for_url(re.compile(rf"pole={pole.slug}"))
    assert page.inner_text(".leaflet-popup .popup-title") == pole.name
    page.click(".leaflet-popup-close-button")
    page.wait_for_url(lambda url: "pole=" not in url)


def test_each_map_asks_for_the_tiles_of_its_first_view_only(page, live_server, directory):
    """No map draws France's tiles and then those of the view it was meant to open on."""
    from tests.factories import CommuneFactory

    # Every tile image the page creates, even one removed in the same task, by its zoom.
    page.add_init_script(r"""
      window.__tileZooms = [];
      new MutationObserver(function (records) {
        records.forEach(function (record) {
          record.addedNodes.forEach(function (node) {
            var images = node.tagName === "IMG" ? [node]
              : node.querySelectorAll ? Array.from(node.querySelectorAll("img")) : [];
            images.forEach(function (image) {
              var tile = /\/__test_tiles__\/(\d+)\//.exec(image.src);
              if (tile) window.__tileZooms.push(tile[1]);
            });
          });
        });
      }).observe(document, { childList: true, subtree: true });
    """)
    CommuneFactory(code="44109", name="Nantes")
    pole = Pole.objects.published().located().first()

    def zooms(path: str) -> set[str]:
        page.goto(live_server.url + path)
        page.wait_for_selector(".leaflet-tile-loaded")
        return set(page.evaluate("window.__tileZooms"))

    assert zooms("/") == {"5"}  # France
    assert zooms("/?vue=47.2,-1.55,12") == {"12"}  # a shared view
    assert zooms("/?lieu=commune:44109") == {"10"}  # the place searched
    assert zooms(f"/poles/{pole.slug}/") == {"11"}  # the pole
    # A territory opens on its poles' bounds, whatever zoom that is.
    territory = zooms("/regions/pays-de-la-loire/")
    assert len(territory) == 1 and territory != {"5"}


def test_directory_zoom_buttons_sit_outside_the_map(page, live_server, directory):
    page.goto(f"{live_server.url}/?vue=47.2,-1.55,8")
    wait_for_map(page)
    # No Leaflet control over the markers: the page's own buttons, above the map, zoom it.
    assert page.locator("[data-map] .leaflet-control-zoom").count() == 0
    page.click("[data-quick-views] [data-zoom='1']")
    page.wait_for_url(re.compile(r"vue=[-\d.]+%2C[-\d.]+%2C9|vue=[-\d.]+,[-\d.]+,9"))
    page.click("[data-quick-views] [data-zoom='-1']")
    page.wait_for_url(re.compile(r"vue=[-\d.]+%2C[-\d.]+%2C8|vue=[-\d.]+,[-\d.]+,8"))


def test_the_language_switch_keeps_the_selection_the_map_view_and_the_pole(
    page, live_server, directory
):
    page.goto(live_server.url + "/?impulsion=entrepreneuriale")
    wait_for_map(page)
    page.check("#f-impulsion-citoyenne")
    page.wait_for_url(re.compile(r"impulsion=citoyenne"))
    page.evaluate("history.replaceState(null, '', location.search + '&vue=47.2,-1.5,9')")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/en/\?"))
    query = page.url.split("?", 1)[1]
    assert "impulsion=entrepreneuriale" in query and "impulsion=citoyenne" in query
    assert "vue=47.2%2C-1.5%2C9" in query or "vue=47.2,-1.5,9" in query
    assert page.locator("html").get_attribute("lang") == "en"


def test_escape_closes_a_popup_and_a_listed_pole_stands_out_on_the_map(
    page, live_server, directory
):
    pole = Pole.objects.published().located().order_by("name").first()
    page.goto(f"{live_server.url}/?vue={pole.latitude},{pole.longitude},14")
    wait_for_map(page)
    marker = page.locator(f'.pole-marker[title^="{pole.name}"]')
    marker.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup")
    page.locator(".leaflet-popup a").first.focus()  # the focus inside the popup
    page.keyboard.press("Escape")
    page.wait_for_selector(".leaflet-popup", state="detached")
    assert page.evaluate("document.activeElement.title").startswith(pole.name)
    # Hovering its card in the list marks its marker.
    card = page.locator(f'[data-pole-list] [data-pole="{pole.slug}"]')
    card.hover()
    assert "pole-marker--highlight" in marker.get_attribute("class")
    page.mouse.move(0, 0)
    assert "pole-marker--highlight" not in marker.get_attribute("class")


def test_without_javascript_no_empty_map_box_is_shown(browser, live_server, directory):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280,
                                                                       "height": 900})  # fmt: skip
    page = context.new_page()
    for url in ("/", "/regions/bretagne/", "/charte/", "/carte/integree/?region=52"):
        page.goto(live_server.url + url)
        assert page.locator("[data-map]").count() == 1
        assert not page.locator("[data-map]").is_visible(), url
        assert page.locator(".pole-list").is_visible(), url
    context.close()
