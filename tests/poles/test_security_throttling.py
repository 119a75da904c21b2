"""Login throttling behind proxies: the right client address, no lockout of others."""

import pytest
from django.test import Client, RequestFactory

from poles.security import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-test-2026"


def request(remote="127.0.0.1", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", None, "203.0.113.7"),
        (0, "127.0.0.1", "6.6.6.6", "127.0.0.1"),  # no proxy: the header is the client's own
        (1, "127.0.0.1", "203.0.113.7", "203.0.113.7"),
        (1, "127.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # a spoofed entry is ignored
        (2, "10.0.0.3", "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "10.0.0.3", "203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (1, "198.51.100.4", None, "198.51.100.4"),  # not through the proxy: the peer
        (2, "10.0.0.3", "10.0.0.2", "10.0.0.3"),  # fewer entries than proxies
        (1, "127.0.0.1", "pas-une-adresse", "127.0.0.1"),
        (1, "127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_behind_proxies(settings, proxies, remote, forwarded, expected):
    settings.PTCE_PROXY_COUNT = proxies
    assert client_ip(request(remote, forwarded)) == expected


def post_login(client, username, password, client_address, spoofed=""):
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",  # every request reaches us through the local proxy
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_an_attacker_behind_the_proxy_cannot_lock_an_editor_out(settings):
    settings.PTCE_PROXY_COUNT = 1
    editor = UserFactory(editor=True)
    attacker = Client()
    statuses = [
        post_login(
            attacker, editor.username, "mauvais", "198.51.100.66", spoofed=f"10.1.1.{n}"
        ).status_code
        for n in range(settings.PTCE_LOGIN_FAILURE_LIMIT + 2)
    ]
    assert statuses[-1] == 429, "the attacker's own address is locked, spoofed entries or not"
    # The editor, from their own address through the same proxy, still logs in.
    response = post_login(Client(), editor.username, PASSWORD, "203.0.113.10")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_one_address_trying_many_user_names_is_throttled(settings):
    settings.PTCE_PROXY_COUNT = 1
    settings.PTCE_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    names = [UserFactory(editor=True).username for _ in range(8)]
    attacker = Client()
    statuses = [
        post_login(attacker, name, "Printemps2026!", "198.51.100.77").status_code for name in names
    ]
    # As for one user name, the attempt that reaches the limit is refused.
    assert statuses == [200] * 5 + [429] * 3
    locked = post_login(attacker, names[0], PASSWORD, "198.51.100.77")
    assert locked.status_code == 429 and "Trop de tentatives" in locked.content.decode()
    # Another address is not concerned.
    assert post_login(Client(), names[1], PASSWORD, "203.0.113.11").status_code == 302


def test_a_very_long_user_name_is_a_form_error_not_a_server_error():
    response = Client().post("/admin/login/", {"username": "é" * 300, "password": "x"})
    assert response.status_code == 200
    assert "150" in response.content.decode() or "caractères" in response.content.decode()


def test_a_login_without_a_next_page_lands_on_the_administration(settings):
    from django.contrib.auth.views import LoginView

    editor = UserFactory(editor=True)
    request = RequestFactory().post("/", {"username": editor.username, "password": PASSWORD})
    assert LoginView(request=request).get_default_redirect_url() == "/admin/"


def test_form_rate_limits_survive_a_flushed_or_flooded_cache(client, settings):
    """Counted in the database: every worker and server sees them, no junk evicts them."""
    from django.core.cache import cache

    from poles.models import RateCount

    settings.PTCE_SIGN_IN_PER_HOUR = 2
    for _ in range(2):
        assert client.post("/connexion/", {"email": "x@y.example"}).status_code == 200
    cache.clear()  # what a flood of junk entries, or another worker's empty cache, amounts to
    response = client.post("/connexion/", {"email": "x@y.example"})
    assert response.status_code == 429
    assert RateCount.objects.exists()
    assert not RateCount.objects.filter(key__contains="x@y.example").exists()  # hashed
