"""Property-based tests of every public form: whatever is posted, a 4xx or a form's message,
never a 5xx, and never a half-written record (on PostgreSQL, lengths are enforced)."""

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poles.contributions.models import Proposal
from poles.coordination.models import ClaimRequest, SignInToken
from tests.factories import PoleFactory

pytestmark = pytest.mark.django_db

ODD = [
    "", " ", "a" * 255 + "@example.org", "x@" + "a" * 300 + ".fr", "a" * 320, "é" * 400,
    "nom\nsur deux lignes", "\x00", "\r\n", "<script>alert(1)</script>", "https://x.example",
    "🙂" * 50, "-1", "99999999999999999999", "oui", "inconnu", "2014", "35", "alimentation",
    "Coop (entreprise-ess)", "a@b.fr",
]  # fmt: skip
values = st.one_of(st.sampled_from(ODD), st.text(max_size=400))
FIELDS = [
    "contributor_name", "contributor_email", "contributor_relation", "message", "name",
    "short_name", "carrier_name", "commune", "department", "website", "summary",
    "approches_impulsion", "approches_dynamique", "has_common_place", "themes", "stage",
    "year_created", "members", "sources", "charter_status", "charter_year", "charter_proof",
    "snapshot_token", "not_duplicate", "email",
]  # fmt: skip
posts = st.dictionaries(st.sampled_from(FIELDS), values, max_size=12)
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])  # fmt: skip


@pytest.fixture
def pole():
    return PoleFactory(name="Pôle des essais", slug="essais", located=True,
                       website="https://essais.example")  # fmt: skip


# What a person sends when the form is right: the fuzz changes some of it.
VALID = {
    "contributor_name": "Camille", "contributor_email": "camille@example.org",
    "contributor_relation": "reseau", "name": "Un pôle tout nouveau", "commune": "Brest",
    "sources": "https://nouveau.example", "has_common_place": "inconnu",
    "charter_status": "inconnu", "email": "camille@example.org",
}  # fmt: skip


def records() -> tuple[int, int, int]:
    return Proposal.objects.count(), ClaimRequest.objects.count(), SignInToken.objects.count()


@pytest.mark.parametrize(
    "url",
    ["/proposer-un-ptce/", "/poles/essais/proposer/", "/poles/essais/a-jour/",
     "/poles/essais/n-existe-plus/", "/poles/essais/coordonner/", "/connexion/"],
)  # fmt: skip
@FUZZ
@given(data=posts)
def test_any_post_to_a_public_form_never_gives_a_server_error(client, pole, url, data):
    cache.clear()  # the rate limits would answer 429 after a few examples
    before = records()
    sent = {**VALID, **{k: v for k, v in data.items() if "\x00" not in v}}
    response = client.post(url, sent)
    assert response.status_code < 500, (url, data)
    after = records()
    if response.status_code != 302 and not url.endswith(("/coordonner/", "/connexion/")):
        assert after == before  # refused: nothing stored
    for proposal in Proposal.objects.all():
        proposal.full_clean()  # what was stored is whole and valid
        assert "\n" not in proposal.proposed_values.get("name", "")


@pytest.mark.parametrize(
    "url",
    ["/proposer-un-ptce/", "/poles/essais/proposer/", "/poles/essais/a-jour/",
     "/poles/essais/n-existe-plus/", "/poles/essais/coordonner/", "/connexion/"],
)  # fmt: skip
@pytest.mark.parametrize("length", [255, 300, 320])
def test_a_valid_but_too_long_address_gets_a_message_not_a_server_error(client, pole, url, length):
    address = "a" * 60 + "@" + ".".join(["b" * 60] * 6)
    address = address[: length - 3] + ".fr"
    before = records()
    sent = {**VALID, "contributor_email": address, "email": address,
            "message": "Le pôle a fermé en 2024."}  # fmt: skip
    response = client.post(url, sent)
    assert response.status_code == 200, response.status_code
    assert response.context["form"].errors
    assert records() == before


def test_a_name_on_two_lines_is_refused(client):
    response = client.post("/proposer-un-ptce/", {**VALID, "name": "Pôle\nBcc: x@y.example"})
    assert "Une seule ligne de texte" in " ".join(response.context["form"].errors["name"])
    assert not Proposal.objects.exists()


def test_the_name_of_an_unpublished_pole_answers_like_any_other_name(client):
    from tests.factories import PoleFactory

    PoleFactory(name="Pôle encore caché", unpublished=True)
    published = PoleFactory(name="Pôle déjà public")
    hidden = client.post("/proposer-un-ptce/", {**VALID, "name": "pôle encore caché"})
    assert hidden.status_code == 302  # stored for the editors, nothing told
    shown = client.post("/proposer-un-ptce/", {**VALID, "name": published.name})
    assert "déjà" in " ".join(shown.context["form"].errors["name"])
