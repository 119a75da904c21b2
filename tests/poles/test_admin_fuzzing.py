"""The administration under hostile input, as a logged-in editor, on PostgreSQL.

PostgreSQL refuses what SQLite lets through (NUL bytes in text, invalid regular expressions,
values longer than a column): these tests run where that matters. Whatever the query string,
object id or form field, the answer is the page or a clear 4xx, never a 500.
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import MembershipFactory, PoleFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's own refusals are the point"
    ),
]

CHANGELISTS = [
    "poles/pole", "poles/member", "poles/theme", "poles/approach", "poles/principle",
    "poles/statecall", "poles/region", "poles/department",
]  # fmt: skip
LIST_PARAMETERS = [
    "q", "o", "p", "e", "all", "is_published__exact", "region__id__exact",
    "department__id__exact", "approaches__id__exact", "has_common_place__exact",
    "themes__id__exact", "stage__exact", "charter_status__exact", "recognitions__id__exact",
    "location_precision__exact", "category__exact", "axis__exact", "region__id__exact",
    "name__regex", "name__iregex", "id__in", "name__startswith", "slug", "_to_field", "_popup",
]  # fmt: skip
ODD = [
    "\x00", "%00", "a\x00b", "é" * 300, "x" * 5000, "(", "[", "*", "\\", "-1", "0", "1e309",
    "99999999999999999999999", "1,2,abc", "' OR 1=1 --", "<script>", "🙂", "true",
    "inconnu", "emergent", "",
]  # fmt: skip
# Any text a browser can send (lone surrogates cannot be encoded); raw bytes are tested apart.
texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=400)
values = st.one_of(texts, st.sampled_from(ODD))
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def editor_client():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(editor=True, is_superuser=True))
    pole = PoleFactory(located=True)
    MembershipFactory(pole=pole)
    return client


def ok(response, what) -> None:
    assert response.status_code < 500, (what, response.status_code)


@pytest.mark.parametrize("changelist", CHANGELISTS)
@FUZZ
@given(query=st.lists(st.tuples(st.sampled_from(LIST_PARAMETERS), values), max_size=6))
def test_any_list_filter_or_search_stays_4xx(editor_client, changelist, query):
    ok(editor_client.get(f"/admin/{changelist}/", dict(query)), query)


@FUZZ
@given(object_id=st.one_of(texts, st.sampled_from(ODD)))
def test_any_object_id_stays_4xx(editor_client, object_id):
    from urllib.parse import quote

    quoted = quote(object_id, safe="")
    for suffix in ("change/", "history/", "delete/", ""):
        ok(editor_client.get(f"/admin/poles/pole/{quoted}/{suffix}"), (object_id, suffix))
    ok(editor_client.get(f"/admin/poles/member/{quoted}/history/{quoted}/"), object_id)


@FUZZ
@given(term=values, field=st.sampled_from(["member", "region", "department", "\x00", "x"]))
def test_any_autocomplete_query_stays_4xx(editor_client, term, field):
    query = {"term": term, "app_label": "poles", "model_name": "membership",
             "field_name": field}  # fmt: skip
    ok(editor_client.get(reverse("admin:autocomplete"), query), query)


@FUZZ
@given(
    action=st.sampled_from(["publish", "unpublish", "delete_selected", "\x00", "nope"]),
    selected=st.lists(
        st.one_of(st.sampled_from(["1", "abc", "-1", "\x00", "9" * 30]), texts), max_size=4
    ),
)
def test_any_action_selection_stays_4xx(editor_client, action, selected):
    data = {"action": action, "_selected_action": selected, "index": "0"}
    ok(editor_client.post("/admin/poles/pole/", data), data)


POLE_FIELDS = [
    "name", "slug", "short_name", "carrier_name", "carrier_siren", "summary", "commune",
    "commune_insee", "latitude", "longitude", "location_precision", "website", "year_created",
    "stage", "charter_status", "charter_year", "sources", "impulse_note", "has_common_place",
]  # fmt: skip


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(POLE_FIELDS), values, max_size=6))
def test_any_pole_form_input_stays_4xx(editor_client, fields):
    data = {
        "name": "Pôle fuzz", "slug": "pole-fuzz", "location_precision": "aucune",
        "charter_status": "inconnu", "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0", **fields,
    }  # fmt: skip
    ok(editor_client.post("/admin/poles/pole/add/", data), fields)


@FUZZ
@given(username=values, password=values)
def test_any_login_input_stays_4xx(username, password):
    client = Client(raise_request_exception=False)
    ok(client.post("/admin/login/", {"username": username, "password": password}), username)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/poles/pole/?q=%ff%fe",
        "/admin/poles/pole/?stage__exact=%c3%28",
        "/admin/poles/pole/%ff/change/",
        "/admin/poles/pole/%00/history/",
        "/admin/poles/pole/?stage__exact=%00",
        "/admin/poles/pole/?name__regex=%00",
        "/admin/poles/pole/?name__regex=(",
        "/admin/autocomplete/?term=%00&app_label=poles&model_name=membership&field_name=member",
        "/admin/poles/member/?category__exact=%00",
        "/admin/poles/approach/?axis__exact=%00",
    ],
)
def test_raw_bytes_nul_and_bad_patterns_in_admin_urls_stay_4xx(editor_client, url):
    ok(editor_client.get(url), url)
