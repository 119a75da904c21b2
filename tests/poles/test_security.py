"""Security by default: headers, deployment checks, admin protection, errors, bad input."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from poles.errors import server_error
from tests.factories import MemberFactory, MembershipFactory, PoleFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
PAGE_TYPES = [
    "/",
    "/?region=53",
    "/carte/poles.geojson",
    "/regions/",
    "/regions/bretagne/",
    "/departements/finistere/",
    "/qu-est-ce-qu-un-ptce/",
    "/donnees/",
    "/donnees/poles.csv",
    "/donnees/poles.geojson",
    "/donnees/api/",
    "/api/v1/poles",
    "/flux/mis-a-jour.atom",
    "/mentions-legales/",
    "/accessibilite/",
    "/robots.txt",
    "/sitemap.xml",
    "/admin/login/",
    "/poles/n-existe-pas/",
]


def production_env(**extra) -> dict:
    # The browser tests' switch for Playwright's event loop has no place in production.
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **environment,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k3y-for-tests-only-9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e",
        "DJANGO_ALLOWED_HOSTS": "annuaire.example.org",
        "DJANGO_LOG_LEVEL": "CRITICAL",
        **extra,
    }


@pytest.mark.parametrize("url", PAGE_TYPES)
def test_security_headers_on_every_page_type(client, url):
    pole = PoleFactory(located=True, slug="pole-a")
    urls = {url, pole.get_absolute_url()}
    for address in urls:
        response = client.get(address)
        csp = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'", "no inline script, no eval"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "geolocation=(self)" in response["Permissions-Policy"]
        assert "camera=()" in response["Permissions-Policy"]


def test_csp_allows_the_configured_tile_server_only():
    csp = Client().get("/")["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org" in csp


def test_production_settings_send_hsts_over_https_and_redirect_plain_http(tmp_path):
    """The production settings themselves (not a test's), answering real requests."""
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "c = Client(raise_request_exception=False, HTTP_HOST='annuaire.example.org');"
        "r = c.get('/robots.txt', secure=True);"
        "print(r.status_code, r.get('Strict-Transport-Security'), sep='|');"
        "r = c.get('/robots.txt');"
        "print(r.status_code, r.get('Location'), r.get('Strict-Transport-Security'), sep='|')"
    )
    env = production_env(
        DJANGO_SETTINGS_MODULE="ptce_site.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    secure, plain = result.stdout.strip().splitlines()[-2:]
    assert secure == "200|max-age=31536000; includeSubDomains; preload", result.stderr
    assert plain == "301|https://annuaire.example.org/robots.txt|None"


def test_check_deploy_is_clean_in_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY est obligatoire" in result.stderr


def test_plain_http_setup_can_relax_https():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
        env=production_env(DJANGO_HTTPS="false"), capture_output=True, text=True, timeout=120,
    ).stdout  # fmt: skip
    assert out.split()[-3:] == ["False", "0", "False"]
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=production_env(),
        capture_output=True, text=True, timeout=120,
    ).stdout  # fmt: skip
    assert out.split()[-3:] == ["True", "31536000", "True"]


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


def test_healthz_answers_a_balancer_probing_by_ip_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["annuaire.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", headers={"Host": "10.0.0.5"})
    assert response.status_code == 200 and response.content == b"ok\n"
    # Every other page still refuses an unknown host.
    assert client.get("/", headers={"Host": "10.0.0.5"}).status_code == 400


def test_database_down_gives_a_clear_503_page():
    """A real refused connection: the app pointed at a closed port."""
    code = (
        "import django, os; django.setup();"
        "from django.test import Client;"
        "c = Client(raise_request_exception=False, HTTP_HOST='annuaire.example.org');"
        "[print(u, r.status_code, r.get('Retry-After'), 'indisponible' in r.content.decode(),"
        " r.get('Cache-Control'))"
        " for u in ('/', '/poles/x/', '/carte/poles.geojson', '/healthz')"
        " for r in [c.get(u, secure=True)]]"
    )
    env = production_env(
        DATABASE_URL="postgres://postgres@127.0.0.1:1/absente",
        DJANGO_SETTINGS_MODULE="ptce_site.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    assert lines["/"].startswith("503 30 True"), result.stdout + result.stderr
    assert lines["/poles/x/"].startswith("503 30 True")
    assert lines["/carte/poles.geojson"].startswith("503 30 True")
    assert lines["/healthz"] == "503 30 True no-store"
    assert "Traceback" not in result.stdout


def test_database_down_page_does_not_need_collected_static_files(tmp_path):
    """Even before collectstatic (no manifest), the outage page is a page, not a crash."""
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(raise_request_exception=False, HTTP_HOST='annuaire.example.org')"
        ".get('/', secure=True); print(r.status_code, 'indisponible' in r.content.decode())"
    )
    env = production_env(
        DATABASE_URL="postgres://postgres@127.0.0.1:1/absente",
        DJANGO_SETTINGS_MODULE="ptce_site.settings",
        DJANGO_STATIC_MANIFEST="true",
    )
    # An empty STATIC_ROOT: no manifest to resolve {% static %} with.
    code = f"import os; os.environ['PTCE_STATIC_ROOT'] = {str(tmp_path)!r};" + code
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.stdout.split() == ["503", "True"], result.stdout + result.stderr


def test_a_bug_gives_the_500_page_without_details(rf):
    request = rf.get("/")
    try:
        raise ValueError("secret detail")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "secret detail" not in response.content.decode()
    assert "Le serveur a rencontré une erreur" in response.content.decode()


def test_repeated_failed_logins_lock_the_account_out(client):
    user = UserFactory(editor=True)
    statuses = [
        client.post("/admin/login/", {"username": user.username, "password": "mauvais"}).status_code
        for _ in range(settings.PTCE_LOGIN_FAILURE_LIMIT)
    ]
    # The form says "wrong password" until the limit; the attempt that reaches it is refused.
    assert statuses == [200] * (settings.PTCE_LOGIN_FAILURE_LIMIT - 1) + [429]
    locked = client.post(
        "/admin/login/", {"username": user.username, "password": "mot-de-passe-de-test-2026"}
    )
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("password", ["motdepasse", "123456789012", "azerty", "annuaire"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, UserFactory.build(username="annuaire"))


def test_strong_password_is_accepted():
    validate_password("cooperation-territoriale-2026!", UserFactory.build())


def test_html_in_text_fields_is_escaped_in_json_ld_and_geojson(client):
    pole = PoleFactory(name='</script><script>alert("x")</script>', located=True)
    MembershipFactory(pole=pole, member=MemberFactory(name="<svg onload=alert(1)>"))
    page = client.get(pole.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in page
    assert "<svg onload" not in page
    data = client.get("/carte/poles.geojson").json()
    assert data["features"][0]["properties"]["name"] == pole.name  # JSON, shown via textContent


@pytest.mark.parametrize("method", ["put", "delete", "patch", "post"])
@pytest.mark.parametrize("url", ["/", "/poles/x/", "/carte/poles.geojson", "/donnees/poles.csv",
                                 "/sitemap.xml", "/robots.txt", "/healthz"])  # fmt: skip
def test_methods_a_public_page_does_not_serve_get_405(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}


@pytest.mark.parametrize(
    "url", ["/?q=%00", "/poles/%00/", "/carte/poles.geojson?region=a%00b", "/donnees/?x=%00"]
)
def test_a_nul_byte_anywhere_is_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


def test_a_nul_byte_in_form_data_is_a_clear_400(client):
    response = client.post("/admin/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400
