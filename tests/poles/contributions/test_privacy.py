"""Contributors' names and e-mails never leave the moderation: no public page, export or feed."""

import pytest

from poles.contributions.models import Proposal
from tests.factories import PoleFactory, UserFactory
from tests.poles.contributions.conftest import correction

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Dominique Témoin-Unique", "temoin.unique@example.org"


def test_no_contributor_data_in_any_public_page_or_export(client):
    pole = PoleFactory(located=True, name="Pôle des essais")
    contributor = {"contributor_name": NAME, "contributor_email": EMAIL,
                   "contributor_relation": "pole"}  # fmt: skip
    client.post(f"/poles/{pole.slug}/proposer/", correction(pole, short_name="PDE", **contributor))
    client.post("/proposer-un-ptce/", {**contributor, "name": "Pôle nouveau d'essai",
                                       "sources": "https://n.example", "charter_status": "inconnu",
                                       "has_common_place": "inconnu"})  # fmt: skip
    editor = UserFactory(editor=True)
    client.force_login(editor)
    for proposal in Proposal.objects.all():
        client.post(f"/admin/poles/proposal/{proposal.pk}/change/",
                    {"decision": "accepter", "fields": list(proposal.proposed_values)})  # fmt: skip
    client.logout()
    assert Proposal.objects.filter(contributor_email=EMAIL).count() == 2
    urls = ["/", "/?q=essai", pole.get_absolute_url(), "/charte/", "/donnees/",
            "/donnees/poles.csv", "/donnees/poles.geojson", "/carte/poles.geojson",
            "/sitemap.xml", "/regions/pays-de-la-loire/", "/propositions/merci/",
            f"/poles/{pole.slug}/proposer/"]  # fmt: skip
    for url in urls:
        body = client.get(url).content.decode("utf-8-sig")
        assert NAME not in body and EMAIL not in body, url
