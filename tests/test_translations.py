"""The site in English: complete, up-to-date catalogues, and no French left on an English page
but the data itself (marked lang="fr") and proper names."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from poles.imports import poles_import_csv
from poles.management.commands.check_translations import problems
from poles.models import Approach, Member, Pole, Principle, StateCall, Theme
from poles.reference_labels import REFERENCE_TEXTS
from poles.territories.models import Department, Region
from tests.e2e.test_accessibility import add_places
from tests.test_html import ENGLISH_PAGES

pytestmark = pytest.mark.django_db

# Names that stay French in English: the site's own, institutions, the licence.
PROPER_NAMES = ["Annuaire des PTCE", "Défenseur des droits", "Licence Ouverte 2.0", "Labo de l'ESS",
                "Journal officiel", "Français"]  # fmt: skip
FRENCH = re.compile(
    r"[éèêàùçôîœ]|\b(les|des|une|du|pour|avec|sur|dans|est|sont|aux|cette|pôles?|fiche|"
    r"annuaire|carte|données|aucun|voir|où|votre|vous|nous)\b",
    re.IGNORECASE,
)


class VisibleText(HTMLParser):
    """The text a reader meets (and the labels read aloud), outside elements marked lang="fr"."""

    SKIPPED = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}  # fmt: skip

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []  # per open element: is its content skipped?
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        skipped = (bool(self.stack) and self.stack[-1]) or tag in self.SKIPPED
        skipped = skipped or attributes.get("lang", "").startswith("fr")
        if not skipped:
            for name in ("title", "aria-label", "alt", "placeholder"):
                if attributes.get(name):
                    self.parts.append(attributes[name])
        if tag not in self.VOID:
            self.stack.append(skipped)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def data_texts() -> list[str]:
    """What the database says in French: poles, members, territories (written as they are)."""
    texts = [*PROPER_NAMES]
    for fields in Pole.objects.values_list("name", "short_name", "carrier_name", "commune",
                                           "summary", "description", "sector", "charter_proof",
                                           "impulse_note", "economic_dynamic_note"):  # fmt: skip
        texts += fields
    texts += Member.objects.values_list("name", flat=True)
    texts += Region.objects.values_list("name", flat=True)
    texts += Department.objects.values_list("name", flat=True)
    from poles.territories.models import Commune, Epci

    texts += Commune.objects.values_list("name", flat=True)
    texts += Epci.objects.values_list("name", flat=True)
    return sorted({t for t in texts if t}, key=len, reverse=True)


def french_left(html: str, data: list[str]) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    text = re.sub(r"\s+", " ", " ".join(parser.parts))
    text = re.sub(r"https?://\S+|/[\w/-]+/", " ", text)  # addresses are not words
    for value in data:
        text = text.replace(value, " ")
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in FRENCH.finditer(text)]


def test_the_english_catalogues_are_complete_and_up_to_date():
    assert problems() == []


def test_the_check_finds_a_string_marked_but_not_translated():
    probe = Path(settings.BASE_DIR) / "templates" / "_translation_probe.html"
    probe.write_text('{% load i18n %}{% translate "Une phrase sans traduction" %}')
    try:
        assert any("Une phrase sans traduction" in p for p in problems())
    finally:
        probe.unlink()


def test_every_reference_label_of_the_database_is_translated():
    from django.utils import translation

    labels = [*Approach.objects.values_list("label", "description"),
              *Principle.objects.values_list("label", "description"),
              *Theme.objects.values_list("label", "description"),
              *StateCall.objects.values_list("label", "phase")]  # fmt: skip
    texts = {t for pair in labels for t in pair if t} - {""}
    texts -= set(StateCall.objects.values_list("phase", flat=True))
    assert texts <= set(REFERENCE_TEXTS)
    with translation.override("en"):
        assert all(translation.gettext(t) != t for t in texts)


def test_no_french_is_left_on_an_english_page(client, sample_csv):
    poles_import_csv(path=sample_csv)
    add_places()
    pages = [*ENGLISH_PAGES, "/en/?lieu=commune:44109", "/en/?ou=saint-denis",
             *("/en" + p.get_absolute_url() for p in Pole.objects.all())]  # fmt: skip
    data = data_texts()
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404, 410), url
        html = response.content.decode()
        assert '<html lang="en">' in html, url
        if left := french_left(html, data):
            found[url] = left
    assert not found, found


def test_each_page_links_its_other_language_and_the_sitemap_lists_both(client, sample_csv):
    poles_import_csv(path=sample_csv)
    html = client.get("/?region=52&thematique=alimentation").content.decode()
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/">' in html
    # The switcher keeps the selection being looked at.
    assert 'href="/en/?region=52&amp;thematique=alimentation" hreflang="en" lang="en"' in html
    pole = client.get("/en/poles/pole-essai-nantais/").content.decode()
    assert 'href="/poles/pole-essai-nantais/" hreflang="fr" lang="fr"' in pole
    assert '<link rel="canonical" href="http://testserver/en/poles/pole-essai-nantais/">' in pole
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/poles/pole-essai-nantais/</loc>" in sitemap
    assert "<loc>http://testserver/en/poles/pole-essai-nantais/</loc>" in sitemap
    assert 'hreflang="en" href="http://testserver/en/regions/bretagne/"' in sitemap


def test_the_english_site_has_english_reference_labels_and_scripts_texts(client, sample_csv):
    poles_import_csv(path=sample_csv)
    html = client.get("/en/?thematique=alimentation").content.decode()
    assert "food and agriculture" in html and "alimentation et agriculture" not in html
    assert '"poleUrl": "/en/poles/__slug__/"' in html  # the map's popups link English pages
    catalogue = client.get("/en/jsi18n/").content.decode()
    assert "PTCE directory" in catalogue
