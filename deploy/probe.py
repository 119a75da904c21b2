"""After deploy/deploy.sh: the site as a visitor meets it, with the production settings.

Run with the same environment: `python deploy/probe.py`. Exits non-zero with what failed.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptce_site.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

host = settings.ALLOWED_HOSTS[0]
client = Client(HTTP_HOST=host, raise_request_exception=False)
failures = []


def check(what: str, ok: bool) -> None:
    print(("ok   " if ok else "ÉCHEC ") + what)
    if not ok:
        failures.append(what)


health = client.get("/healthz")
check("/healthz lit les pôles", health.status_code == 200)
home = client.get("/", secure=True)
check("l'accueil répond", home.status_code == 200 and "pôle" in home.content.decode())
english = client.get("/en/", secure=True)
check(
    "la page anglaise est en anglais",
    english.status_code == 200 and "poles found" in english.content.decode(),
)
places = client.get("/lieux/", {"q": "quimper"}, secure=True)
check("un lieu se trouve", places.status_code == 200 and "commune:29232" in places.content.decode())
static = client.get("/", secure=True).content.decode()
check("les fichiers statiques sont collectés", "/static/css/site." in static)
sys.exit(1 if failures else 0)
