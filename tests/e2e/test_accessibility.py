"""Accessibility (WCAG 2.1 AA / RGAA): axe-core on every page type, keyboard use, small screens."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from poles.imports import poles_import_csv
from poles.models import Pole
from poles.releases.models import Release
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


@pytest.fixture
def directory(sample_csv):
    from poles.releases.services import release_publish

    poles_import_csv(path=sample_csv)
    add_places()
    release_publish()  # the data releases' pages


def add_places():
    from decimal import Decimal

    from tests.factories import CommuneFactory, department

    CommuneFactory(code="44109", name="Nantes", postcodes="44000")
    for code, dep, lat, lon in (("93066", "93", "48.9356", "2.3539"),
                                ("97411", "974", "-20.8789", "55.4481")):  # fmt: skip
        CommuneFactory(code=code, name="Saint-Denis", department=department(dep),
                       latitude=Decimal(lat), longitude=Decimal(lon))  # fmt: skip


def page_types() -> list[tuple[str, str]]:
    unlocated = Pole.objects.published().unlocated().order_by("name").first()
    approximate = Pole.objects.published().filter(location_precision="departement").first()
    return [
        ("accueil", "/"),
        ("accueil filtré", "/?region=53&impulsion=citoyenne&thematique=alimentation"),
        ("liste page 2 triée", "/?page=2&tri=-annee"),
        ("paramètres invalides", "/?region=99"),
        ("fiche", "/poles/pole-essai-nantais/"),
        ("fiche sans localisation", unlocated.get_absolute_url()),
        ("fiche approximative", approximate.get_absolute_url()),
        ("régions", "/regions/"),
        ("région", "/regions/bretagne/"),
        ("département", "/departements/loire-atlantique/"),
        ("explication", "/qu-est-ce-qu-un-ptce/"),
        ("données", "/donnees/"),
        ("API", "/donnees/api/"),
        ("intégrer la carte", "/integrer/"),
        ("carte intégrée", "/carte/integree/?region=52"),
        ("mentions légales", "/mentions-legales/"),
        ("accessibilité", "/accessibilite/"),
        ("page introuvable", "/poles/n-existe-pas/"),
        ("charte", "/charte/"),
        ("chiffres", "/chiffres/"),
        ("chiffres d'une région", "/chiffres/?region=52"),
        ("chiffres en anglais", "/en/chiffres/"),
        ("versions des données", "/donnees/versions/"),
        ("une version des données", Release.objects.get().get_absolute_url()),
        ("suivre par courriel", "/suivre/?region=53"),
        ("un lieu", "/?lieu=commune:44109"),
        ("lieux homonymes", "/?ou=saint-denis"),
        ("autour de moi", "/?lieu=point:47.2,-1.5"),
        ("historique d'une fiche", "/poles/pole-essai-nantais/historique/"),
        ("proposer une modification", "/poles/pole-essai-nantais/proposer/"),
        ("signaler un PTCE manquant", "/proposer-un-ptce/"),
        ("confirmer la fiche", "/poles/pole-essai-nantais/a-jour/"),
        ("merci", "/propositions/merci/"),
        ("coordonner une fiche", "/poles/pole-essai-nantais/coordonner/"),
        ("connexion", "/connexion/"),
        ("animation régionale", "/animation/"),
        ("connexion admin", "/admin/login/"),
        # The English site (the same templates, other texts: other lengths, other labels).
        ("accueil en anglais", "/en/?region=53"),
        ("fiche en anglais", "/en/poles/pole-essai-nantais/"),
        ("données en anglais", "/en/donnees/"),
        ("signaler en anglais", "/en/proposer-un-ptce/"),
        ("intégrer en anglais", "/en/integrer/"),
    ]


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
             .then(r => r.violations.map(v => ({id: v.id, help: v.help,
               nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))""",
        WCAG_TAGS,
    )


def test_every_page_type_has_no_axe_violation(axe_page, live_server, directory):
    page = axe_page
    assert AXE.exists(), "axe-core manque : lancez npm ci"
    failures = {}
    for name, url in page_types():
        page.goto(live_server.url + url)
        if page.locator("[data-map]").count() and not url.startswith(("/poles/", "/en/poles/")):
            page.wait_for_selector("[data-map][data-marker-count]")
        page.wait_for_load_state("networkidle")
        violations = axe_violations(page)
        if violations:
            failures[f"{name} ({url})"] = violations
        assert page.get_attribute("html", "lang") == ("en" if url.startswith("/en/") else "fr")
        if name == "page introuvable":
            assert page.console_errors == [
                "Failed to load resource: the server responded with a status of 404 (Not Found)"
            ]
            page.console_errors.clear()
    assert not failures, failures


def test_admin_pages_have_no_axe_violation(axe_page, live_server, directory):
    page = axe_page
    user = UserFactory(editor=True)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "mot-de-passe-de-test-2026")
    page.click("input[type=submit]")
    pole = Pole.objects.get(slug="pole-essai-nantais")
    failures = {}
    for url in ("/admin/poles/pole/", f"/admin/poles/pole/{pole.pk}/change/"):
        page.goto(live_server.url + url)
        violations = axe_violations(page)
        if violations:
            failures[url] = violations
    assert not failures, failures


def focused(page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return {tag: el.tagName, id: el.id, text: (el.textContent || '').trim().slice(0, 60),
                  name: el.getAttribute('name'), rel: el.getAttribute('rel'),
                  outline: style.outlineStyle, outlineWidth: style.outlineWidth};
        }"""
    )


def tab_until(page, predicate, limit=400) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        if predicate(state):
            return state
    raise AssertionError("focus never reached the expected element")


def test_keyboard_journey_through_skip_links_filters_results_and_pagination(
    page, live_server, directory
):
    from tests.factories import PoleFactory

    PoleFactory.create_batch(20, located=True)  # more than a page of results
    page.goto(live_server.url + "/")
    page.wait_for_selector("[data-map][data-marker-count]")

    # The first stop is the skip link, visible when focused; it leads to the content.
    page.keyboard.press("Tab")
    state = focused(page)
    assert state["text"] == "Aller au contenu"
    assert page.locator(".skip-link").first.bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "contenu"

    # The results are a few key presses away, whatever the number of filters.
    page.goto(live_server.url + "/")
    page.wait_for_selector("[data-map][data-marker-count]")
    presses = 0
    while focused(page)["text"] != "Aller aux résultats":
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= 15, "more than 15 key presses to the results"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "resultats"
    page.goto(live_server.url + "/")
    page.wait_for_selector("[data-map][data-marker-count]")

    # Filters: a checkbox with a visible focus, checked with the space bar.
    state = tab_until(page, lambda s: s["id"] == "f-region-53")
    assert state["outline"] != "none" and state["outlineWidth"] != "0px"
    page.keyboard.press("Space")
    page.wait_for_url("**region=53**")
    page.wait_for_selector("[data-results]:not([aria-busy])")
    assert focused(page)["id"] == "f-region-53", "focus stays on the checkbox after the update"
    assert "trouvé" in page.inner_text("[data-result-status]")

    # The map can be skipped: its skip link leads straight to the results.
    page.goto(live_server.url + "/")
    page.wait_for_selector("[data-map][data-marker-count]")
    tab_until(page, lambda s: s["text"].startswith("Passer la carte"))
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "resultats"

    # From the results, the keyboard reaches a pole and the pagination.
    state = tab_until(page, lambda s: s["tag"] == "A" and s["rel"] == "next")
    assert state["outline"] != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**page=2**")
    page.wait_for_selector("[data-results]:not([aria-busy])")
    assert focused(page)["id"] == "resultats", "focus moves to the new page of results"


def test_map_markers_are_reachable_by_keyboard(page, live_server, directory):
    from poles.models import Pole
    from poles.territories.models import PlaceKind

    pole = Pole.objects.published().in_territory(PlaceKind.DEPARTMENT, "44").get()
    page.goto(live_server.url + "/?departement=44")
    page.wait_for_selector("[data-map][data-marker-count]")
    state = tab_until(page, lambda s: "pole-marker" in page.evaluate(
        "document.activeElement.className"))  # fmt: skip
    assert state["tag"] == "DIV"
    # The marker is named after its pole for screen readers, and opens its popup with Enter.
    assert page.evaluate("document.activeElement.title").startswith(pole.name)
    assert page.locator(".leaflet-popup").count() == 0
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    popup.wait_for()
    assert (
        popup.get_by_role("link", name=pole.name)
        .get_attribute("href")
        .endswith(f"/poles/{pole.slug}/")
    )


def first_result_top(page) -> float:
    """Where the first result (a pole of the list, or the nearest one to a place) starts."""
    return page.evaluate(
        """() => {
          const first = document.querySelector('.nearest-list li, [data-pole-list] li');
          return first.getBoundingClientRect().top + window.scrollY;
        }"""
    )


def phone(browser, width=360, height=740, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=True,
                                  has_touch=True, locale="fr-FR", **options)  # fmt: skip
    context.route("**/__test_tiles__/**", lambda route: route.fulfill(status=204))
    return context


def test_on_a_phone_the_count_criteria_and_results_come_first(browser, live_server, directory,
                                                              tiles_stub):  # fmt: skip
    context = phone(browser)
    page = context.new_page()
    for url in ("/", "/?lieu=commune:44109&thematique=alimentation", "/?q=essai",
                "/?region=53&impulsion=citoyenne"):  # fmt: skip
        page.goto(live_server.url + url)
        page.wait_for_selector("[data-map][data-marker-count]", state="attached")
        assert page.evaluate("document.querySelector('[data-filters-details]').open") is False
        assert first_result_top(page) <= 1100, url
        assert page.locator("[data-map]").is_visible() is False, (
            "the list first, the map a tap away"
        )
        chips = page.locator(".chips li:not(.chips-clear) a")
        summary = page.inner_text("[data-filters-details] summary")
        assert summary.endswith(f"({chips.count()})") if chips.count() else summary == "Filtres"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url

    # A criterion's chip removes it alone.
    page.goto(live_server.url + "/?region=53&impulsion=citoyenne")
    page.wait_for_selector("[data-map][data-marker-count]", state="attached")
    page.get_by_role("link", name="Retirer le critère Région : Bretagne").click()
    page.wait_for_url(lambda url: "region" not in url and "impulsion=citoyenne" in url)
    page.wait_for_function(
        "() => document.querySelector('[data-filter-count]').textContent === ' (1)'"
    )

    # The filters open from their button and fold once applied, the results in view.
    page.click("[data-filters-details] summary")
    page.check("#f-region-52")
    page.wait_for_url("**region=52**")
    assert page.evaluate("document.querySelector('[data-filters-details]').open") is True
    page.get_by_role("button", name="Afficher les résultats").click()
    page.wait_for_function("() => !document.querySelector('[data-filters-details]').open")
    assert page.evaluate("document.activeElement.id") == "resultats"

    # The map is one tap away, at the width of the screen.
    page.get_by_role("button", name="Carte").click()
    assert page.get_by_role("button", name="Carte").get_attribute("aria-pressed") == "true"
    map_box = page.locator("[data-map]").bounding_box()
    assert map_box["width"] >= 300 and map_box["height"] >= 250 and map_box["x"] >= 0
    assert page.locator("[data-pole-list]").is_visible() is False
    page.get_by_role("button", name="Liste").click()
    assert page.locator("[data-pole-list] h3").first.is_visible()
    context.close()


def test_the_new_phone_states_have_no_axe_violation(browser, live_server, directory, tiles_stub):
    context = phone(browser, bypass_csp=True)  # to inject axe-core
    page = context.new_page()
    page.goto(live_server.url + "/?region=53&impulsion=citoyenne")
    page.wait_for_selector("[data-map][data-marker-count]", state="attached")
    page.click("[data-filters-details] summary")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Carte").click()
    assert axe_violations(page) == []
    context.close()


def test_no_page_is_wider_than_a_320_px_screen(browser, live_server, directory, tiles_stub):
    context = phone(browser, width=320, height=640)
    page = context.new_page()
    wider = {}
    for name, url in page_types():
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wider[name] = width
    assert wider == {}
    context.close()


def test_screenshots_when_asked(browser, live_server, directory, tiles_stub):
    """PTCE_SCREENSHOTS=1 writes desktop and mobile screenshots to screenshots/ (git-ignored)."""
    if not os.environ.get("PTCE_SCREENSHOTS"):
        pytest.skip("set PTCE_SCREENSHOTS=1 to write screenshots")
    SCREENSHOTS.mkdir(exist_ok=True)
    for width, label in ((1280, "bureau"), (360, "mobile")):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for name, url in page_types()[:12]:
            page.goto(live_server.url + url)
            page.wait_for_load_state("networkidle")
            slug = name.replace(" ", "-")
            page.screenshot(path=str(SCREENSHOTS / f"{slug}-{label}.png"), full_page=True)
        context.close()
    assert len(list(SCREENSHOTS.glob("*.png"))) >= 24


def test_no_console_error_on_any_page_under_the_real_csp(page, live_server, directory):
    """The page fixture keeps the site's Content-Security-Policy and fails on console errors."""
    for name, url in page_types():
        page.goto(live_server.url + url)
        if page.locator("[data-map]").count() and not url.startswith(("/poles/", "/en/poles/")):
            page.wait_for_selector("[data-map][data-marker-count]")
        page.wait_for_load_state("networkidle")
        if name == "page introuvable":
            assert page.console_errors == [
                "Failed to load resource: the server responded with a status of 404 (Not Found)"
            ]
            page.console_errors.clear()
        assert not page.console_errors, (url, page.console_errors)
