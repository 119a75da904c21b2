"""Atom feeds of new and updated poles: valid Atom, newest first, honouring the selection."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from poles.models import Pole
from tests.factories import PoleFactory, region

pytestmark = pytest.mark.django_db


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception  # well-formed XML
    assert feed.version == "atom10"
    return feed


def make_dated(name: str, *, created_days_ago: int, updated_days_ago: int, **fields) -> Pole:
    pole = PoleFactory(name=name, **fields)
    now = timezone.now()
    Pole.objects.filter(pk=pole.pk).update(
        created_at=now - timedelta(days=created_days_ago),
        updated_at=now - timedelta(days=updated_days_ago),
    )
    return pole


def test_new_and_updated_poles_come_newest_first(client):
    make_dated("Ancien mais modifié", created_days_ago=300, updated_days_ago=1)
    make_dated("Récent", created_days_ago=2, updated_days_ago=2)
    make_dated("Caché", created_days_ago=0, updated_days_ago=0, unpublished=True)
    new = parse(client, "/flux/nouveaux.atom")
    assert [e.title for e in new.entries] == ["Récent", "Ancien mais modifié"]
    updated = parse(client, "/flux/mis-a-jour.atom")
    assert [e.title for e in updated.entries] == ["Ancien mais modifié", "Récent"]
    entry = new.entries[0]
    assert entry.link == "http://testserver/poles/recent/"
    assert entry.id == entry.link
    assert new.feed.id != updated.feed.id


def test_a_feed_follows_the_selection_of_the_directory(client):
    make_dated("Breton", created_days_ago=1, updated_days_ago=1, region=region("53"))
    make_dated("Lillois", created_days_ago=1, updated_days_ago=1, region=region("32"))
    feed = parse(client, "/flux/nouveaux.atom?region=53")
    assert [e.title for e in feed.entries] == ["Breton"]
    assert feed.feed.link == "http://testserver/?region=53"
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link == "http://testserver/flux/nouveaux.atom?region=53"


def test_an_invalid_selection_is_a_clear_400(client):
    response = client.get("/flux/nouveaux.atom?region=99")
    assert response.status_code == 400
    assert "region" in response.content.decode()


def test_a_feed_answers_304_until_the_directory_changes(client, commit):
    with commit():
        PoleFactory(name="Premier")
    etag = client.get("/flux/nouveaux.atom")["ETag"]
    assert client.get("/flux/nouveaux.atom", headers={"If-None-Match": etag}).status_code == 304
    with commit():
        PoleFactory(name="Second")
    assert client.get("/flux/nouveaux.atom", headers={"If-None-Match": etag}).status_code == 200


def test_directory_and_territory_pages_link_their_feeds(client):
    PoleFactory(region=region("53"))
    for url, query in (("/?region=53", "?region=53"), ("/regions/bretagne/", "?region=53"),
                       ("/", "")):  # fmt: skip
        html = client.get(url).content.decode()
        assert (
            f'rel="alternate" type="application/atom+xml" title="Nouveaux pôles (Atom)" '
            f'data-selection-link="/flux/nouveaux.atom" href="/flux/nouveaux.atom{query}"'
        ) in html
        assert f'href="/flux/mis-a-jour.atom{query}">pôles mis à jour</a>' in html


def test_feeds_in_both_languages_may_be_read_by_other_sites_scripts(client):
    PoleFactory(name="Pôle")
    for url in ("/flux/nouveaux.atom", "/en/flux/nouveaux.atom"):
        response = client.get(url, headers={"Origin": "https://reseau.example"})
        assert response["Access-Control-Allow-Origin"] == "*", url
    english = parse(client, "/en/flux/nouveaux.atom")
    assert english.feed.title == "New poles — PTCE directory"
    assert english.entries[0].link.startswith("http://testserver/en/poles/")
