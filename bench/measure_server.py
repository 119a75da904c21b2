"""Server-side figures for one database: run by bench/run.py with DATABASE_URL set.

Prints one JSON object: for each page, median and p95 time (ms) through Django's test client
(the whole request/response cycle, no network), the SQL query count, raw and gzipped size.
"""

import gzip
import json
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptce_site.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from poles.models import Pole  # noqa: E402


def measure(client: Client, url: str, runs: int) -> dict:
    client.get(url, headers={"Accept-Encoding": "gzip"})  # warm: caches, connection
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        body = b"".join(response) if response.streaming else response.content
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    if response.get("Content-Encoding") == "gzip":
        gzipped, raw = body, gzip.decompress(body)
    else:
        raw, gzipped = body, gzip.compress(body, compresslevel=6)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "queries": len(queries),
        "raw_bytes": len(raw),
        "gzip_bytes": len(gzipped),
    }


def measure_after_edit(client: Client, runs: int) -> dict:
    """The home page right after a committed change (what the writer's commit leaves ready)."""
    from poles.caching import directory_version_bump_now

    times = []
    for _ in range(runs):
        directory_version_bump_now()
        start = time.perf_counter()
        response = client.get("/", headers={"Accept-Encoding": "gzip"})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    directory_version_bump_now()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", headers={"Accept-Encoding": "gzip"})
    body = response.content
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[-1], 1),
        "queries": len(queries),
        "raw_bytes": len(gzip.decompress(body)) if response.get("Content-Encoding") else len(body),
        "gzip_bytes": len(body),
    }


def measure_search(text: str, runs: int) -> dict:
    """The words search itself, never from a cache: its first page of 20 and its count."""
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        found = Pole.objects.published().search(text)
        first = list(found[:20])
        count = found.count()
        times.append((time.perf_counter() - start) * 1000)
    times = sorted(times[1:])  # the first run warms the connection
    return {"median_ms": round(statistics.median(times), 1), "found": count,
            "first": first[0].name if first else None}  # fmt: skip


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    client = Client(HTTP_HOST="127.0.0.1")
    pole = Pole.objects.published().located().order_by("pk")[Pole.objects.count() // 2]
    poles = Pole.objects.published().count()
    pages = {
        "home": "/",
        "list (page 5, by year)": "/?page=5&tri=-annee",
        "map data": "/carte/poles.geojson",
        "pole page": pole.get_absolute_url(),
        "CSV export": "/donnees/poles.csv",
        # Place search: suggestions as one types, a commune with its nearest poles.
        "place suggestions (quim)": "/lieux/?q=quim",
        "place: Quimper, nearest poles": "/?lieu=commune:29232",
        "words search (économie circulaire)": "/?q=%C3%A9conomie+circulaire",
        # Les PTCE en chiffres, and a region's fact sheet (its figures beside France's).
        "figures": "/chiffres/",
        "region page (with its figures)": "/regions/bretagne/",
    }
    results = {"poles": poles, "pages": {}}
    for name, url in pages.items():
        results["pages"][name] = measure(client, url, runs if name != "CSV export" else 3)
    results["pages"]["home, first request after an edit"] = measure_after_edit(client, runs=5)
    results["search"] = measure_search("économie circulaire", runs)
    located = Pole.objects.published().located().count()
    results["map_gzip_bytes_per_pole"] = round(
        results["pages"]["map data"]["gzip_bytes"] / max(located, 1), 1
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
