"""The embeddable map: framed by any site (that route only), the directory's selection, and its
builder page."""

import re
from html import unescape

import pytest

from tests.factories import PoleFactory, region

pytestmark = pytest.mark.django_db


def csp(response) -> dict[str, str]:
    return dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))


def test_only_the_embedded_map_may_be_framed(client):
    PoleFactory(located=True)
    embed = client.get("/carte/integree/")
    assert csp(embed)["frame-ancestors"] == "*"
    assert "X-Frame-Options" not in embed
    assert csp(embed)["script-src"] == "'self'"  # as strict as elsewhere otherwise
    again = client.get("/carte/integree/")  # served from the page cache: the same headers
    assert csp(again)["frame-ancestors"] == "*" and "X-Frame-Options" not in again
    for url in ("/", "/integrer/", "/donnees/api/", "/regions/bretagne/"):
        response = client.get(url)
        assert csp(response)["frame-ancestors"] == "'none'", url
        assert response["X-Frame-Options"] == "DENY", url


def test_the_embed_lists_and_counts_the_directorys_selection(client, sample_directory):
    for query in ("", "region=53", "region=52&thematique=alimentation", "charte=inconnu"):
        directory = client.get(f"/?{query}")
        embed = client.get(f"/carte/integree/?{query}")
        html = embed.content.decode()
        listed = re.findall(r'data-pole="([^"]+)"', html)
        assert listed == [p.slug for p in directory.context["page"]], query
        assert embed.context["total"] == directory.context["total"]
        link = f'href="http://testserver/{"?" + query if query else ""}"'
        assert unescape(link) in unescape(html)
        assert "Voir dans l'annuaire des PTCE" in html
        assert 'class="site-header"' not in html  # no site header in someone else's page


def test_the_embed_is_a_list_without_javascript_and_links_open_outside_the_frame(client):
    PoleFactory(name="Pôle breton", region=region("53"), located=True)
    html = client.get("/carte/integree/?region=53").content.decode()
    assert '<base target="_blank">' in html
    assert ">Pôle breton</a>" in html
    assert 'href="#liste" target="_self"' in html  # the in-page link stays in the frame


def test_the_builder_writes_the_iframe_for_the_chosen_filters_and_height(client):
    html = client.get("/integrer/?region=53&thematique=alimentation&hauteur=700").content.decode()
    code = unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1))
    src = "http://testserver/carte/integree/?region=53&thematique=alimentation"
    assert f'<iframe src="{src}" title="' in code and 'height="700"' in code
    assert 'src="/carte/integree/?region=53&amp;thematique=alimentation"' in html  # preview


def test_the_builder_ignores_an_invalid_choice_visibly(client):
    response = client.get("/integrer/?region=99&hauteur=12")
    html = response.content.decode()
    assert response.status_code == 200
    assert "n&#x27;est pas valide" in html or "n'est pas valide" in html
    assert 'src="/carte/integree/"' in html
