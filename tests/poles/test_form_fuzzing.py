"""Property-based tests of every public form: whatever is posted, a 4xx or a form's message,
never a 5xx, and never a half-written record (on PostgreSQL, lengths are enforced)."""

import pytest
from hypothesis import HealthCheck, given, settings

from deploy.fuzz import SILENT_FORMS, VALID, form_urls, posts
from poles.contributions.models import Proposal
from poles.coordination.models import ClaimRequest, SignInToken
from poles.models import RateCount
from tests.factories import PoleFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])  # fmt: skip


@pytest.fixture
def pole():
    return PoleFactory(name="Pôle des essais", slug="essais", located=True,
                       website="https://essais.example")  # fmt: skip


def records() -> tuple[int, int, int]:
    return Proposal.objects.count(), ClaimRequest.objects.count(), SignInToken.objects.count()


@pytest.mark.parametrize("url", form_urls("essais"))
@FUZZ
@given(data=posts)
def test_any_post_to_a_public_form_never_gives_a_server_error(client, pole, url, data):
    RateCount.objects.all().delete()  # the rate limits would answer 429 after a few examples
    before = records()
    sent = {**VALID, **{k: v for k, v in data.items() if "\x00" not in v}}
    response = client.post(url, sent)
    assert response.status_code < 500, (url, data)
    after = records()
    if response.status_code != 302 and not url.endswith(SILENT_FORMS):
        assert after == before  # refused: nothing stored
    for proposal in Proposal.objects.all():
        proposal.full_clean()  # what was stored is whole and valid
        assert "\n" not in proposal.proposed_values.get("name", "")


@pytest.mark.parametrize("url", form_urls("essais"))
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
