"""deploy/nginx.conf as it is, in front of the live test server: what its microcache keeps, and
what always reaches Django (make test installs Debian's nginx-light)."""

import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest

from bench.proxy import ProxyNginx
from bench.run import free_port
from poles.imports import poles_import_csv
from tests.conftest import SAMPLE_CSV

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def proxy(live_server, settings):
    settings.PTCE_SHARED_CACHE_SECONDS = 60  # long enough to see the hits
    poles_import_csv(path=SAMPLE_CSV)
    # Readable by nginx's workers, which run as another user.
    static_root = Path(tempfile.mkdtemp(prefix="ptce-static-"))
    static_root.chmod(0o755)
    (static_root / "probe.txt").write_text("fichier statique")
    server = ProxyNginx(port=free_port(), upstreams=[live_server.url.removeprefix("http://")],
                        static_root=static_root)  # fmt: skip
    yield server
    server.stop()
    shutil.rmtree(static_root)


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes

    def read(self) -> bytes:
        return self.body

    def __getitem__(self, name: str) -> str | None:
        return self.headers.get(name)


def get(url: str, method: str = "GET", **headers) -> Answer:
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=20)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return Answer(response.status, response.headers, response.read())


def test_public_pages_are_kept_by_address_language_and_compression(proxy):
    assert get(proxy.url + "/")["X-Cache"] == "MISS"
    again = get(proxy.url + "/")
    assert again["X-Cache"] == "HIT" and "pôles trouvés" in again.read().decode()
    assert get(proxy.url + "/?region=53")["X-Cache"] == "MISS"  # another address
    english = get(proxy.url + "/en/")
    assert english["X-Cache"] == "MISS" and 'lang="en"' in english.read().decode()
    zipped = get(proxy.url + "/", **{"Accept-Encoding": "gzip"})
    assert zipped["X-Cache"] == "MISS" and zipped["Content-Encoding"] == "gzip"
    plain = get(proxy.url + "/")
    assert plain["X-Cache"] == "HIT" and plain["Content-Encoding"] is None


def test_signed_in_visitors_posts_forms_and_the_admin_always_reach_django(proxy):
    for _ in range(2):
        signed_in = get(proxy.url + "/", Cookie="csrftoken=a; sessionid=abc")
        assert signed_in["X-Cache"] == "BYPASS"
        form = get(proxy.url + "/proposer-un-ptce/")
        assert form["X-Cache"] != "HIT" and "no-store" in form.headers.get("Cache-Control")
        admin = get(proxy.url + "/admin/login/")
        assert admin.status == 200 and admin["X-Cache"] is None
        posted = get(proxy.url + "/proposer-un-ptce/", method="POST")
        assert posted.status == 403 and posted["X-Cache"] != "HIT"  # Django's CSRF check


def test_static_files_are_served_by_nginx_for_a_year(proxy):
    response = get(proxy.url + "/static/probe.txt")
    assert response.read() == b"fichier statique"
    assert "immutable" in response["Cache-Control"] and response["X-Cache"] is None
