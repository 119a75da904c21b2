"""Outside testers: odd values posted to every public form and odd parameters given to every
public listing, as an attacker would, never a 5xx and never a half-written record.

The strategies are the project's own fuzz (tests/poles/test_form_fuzzing.py and test_fuzzing.py
use them on the test databases). Run as a script after deploy/deploy.sh (make deploy-check,
hence CI), it tries them on the deployed PostgreSQL database with the production settings:
`python deploy/fuzz.py [examples]`. It writes proposals and claims there: for a check database.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ODD = [
    "", " ", "a" * 255 + "@example.org", "x@" + "a" * 300 + ".fr", "a" * 320, "é" * 400,
    "nom\nsur deux lignes", "\x00", "\r\n", "<script>alert(1)</script>", "https://x.example",
    "🙂" * 50, "-1", "99999999999999999999", "oui", "inconnu", "2014", "35", "alimentation",
    "Coop (entreprise-ess)", "a@b.fr",
]  # fmt: skip
FIELDS = [
    "contributor_name", "contributor_email", "contributor_relation", "message", "name",
    "short_name", "carrier_name", "commune", "department", "website", "summary",
    "approches_impulsion", "approches_dynamique", "has_common_place", "themes", "stage",
    "year_created", "members", "sources", "charter_status", "charter_year", "charter_proof",
    "snapshot_token", "not_duplicate", "email",
]  # fmt: skip
posts = st.dictionaries(
    st.sampled_from(FIELDS), st.one_of(st.sampled_from(ODD), st.text(max_size=400)), max_size=12
)
# What a person sends when the form is right: the fuzz changes some of it.
VALID = {
    "contributor_name": "Camille", "contributor_email": "camille@example.org",
    "contributor_relation": "reseau", "name": "Un pôle tout nouveau", "commune": "Brest",
    "sources": "https://nouveau.example", "has_common_place": "inconnu",
    "charter_status": "inconnu", "email": "camille@example.org",
}  # fmt: skip


def form_urls(slug: str) -> list[str]:
    """Every public form, for a published pole's slug."""
    pole = f"/poles/{slug}"
    return ["/proposer-un-ptce/", f"{pole}/proposer/", f"{pole}/a-jour/",
            f"{pole}/n-existe-plus/", f"{pole}/coordonner/", "/connexion/"]  # fmt: skip


# Forms whose answer is the same whether or not something was stored (no enumeration).
SILENT_FORMS = ("/coordonner/", "/connexion/")

PARAMETERS = [
    "q", "impulsion", "dynamique", "lieu_commun", "thematique", "region", "departement",
    "categorie", "stade", "charte", "reconnaissance", "tri", "page", "vue", "pole", "lieu",
]  # fmt: skip
ODD_VALUES = [
    "53", "alimentation", "citoyenne", "oui", "inconnu", "nom", "-annee", "0", "-1", "+2",
    "999999999999999999999", "%00", "' OR 1=1 --", "<script>", "é" * 50, "🙂", "commune:29232",
]  # fmt: skip
query_values = st.one_of(
    st.text(max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(ODD_VALUES),
)
queries = st.lists(st.tuples(st.sampled_from(PARAMETERS), query_values), max_size=8)
LISTINGS = ["/", "/carte/poles.geojson", "/donnees/poles.csv", "/donnees/poles.geojson",
            "/regions/bretagne/", "/api/v1/poles", "/flux/nouveaux.atom", "/lieux/",
            "/charte/", "/carte/integree/"]  # fmt: skip


def main(examples: int) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptce_site.settings")
    import django

    django.setup()
    from django.conf import settings as django_settings
    from django.test import Client
    from django.utils.http import urlencode

    from poles.contributions.models import Proposal
    from poles.coordination.models import ClaimRequest, SignInToken
    from poles.models import Pole, RateCount

    # 4xx are the expected answers here: only what goes wrong is logged.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    logging.getLogger("django.security").setLevel(logging.ERROR)
    client = Client(HTTP_HOST=django_settings.ALLOWED_HOSTS[0], raise_request_exception=False)
    slug = Pole.objects.published().order_by("slug").values_list("slug", flat=True).first()
    failures: list[str] = []
    fuzz = settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))  # fmt: skip

    def records() -> tuple[int, int, int]:
        return Proposal.objects.count(), ClaimRequest.objects.count(), SignInToken.objects.count()

    for url in form_urls(slug):

        @fuzz
        @given(data=posts, url=st.just(url))
        def post(data: dict, url: str) -> None:
            RateCount.objects.all().delete()  # the limits would answer 429 after a few
            before = records()
            sent = {**VALID, **{k: v for k, v in data.items() if "\x00" not in v}}
            response = client.post(url, sent, secure=True)
            if response.status_code >= 500:
                failures.append(f"POST {url} {sent!r}: {response.status_code}")
            elif (
                response.status_code != 302
                and not url.endswith(SILENT_FORMS)
                and records() != before
            ):
                failures.append(f"POST {url} {sent!r}: refusé mais enregistré")

        post()
    for proposal in Proposal.objects.all():
        try:
            proposal.full_clean()
        except Exception as error:
            failures.append(f"proposition {proposal.pk} incomplète : {error}")
    for listing in LISTINGS:

        @fuzz
        @given(query=queries, listing=st.just(listing))
        def get(query: list, listing: str) -> None:
            RateCount.objects.all().delete()
            response = client.get(f"{listing}?{urlencode(query)}", secure=True)
            if response.status_code >= 500:
                failures.append(f"GET {listing}?{urlencode(query)}: {response.status_code}")

        get()
    tried = examples * (len(form_urls(slug)) + len(LISTINGS))
    for failure in failures[:20]:
        print("ÉCHEC " + failure[:400])
    print(f"{'ok   ' if not failures else 'ÉCHEC '}fuzz : {tried} requêtes au plus, "
          f"{len(failures)} réponse(s) 5xx ou enregistrement(s) à moitié")  # fmt: skip
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 60))
