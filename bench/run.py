"""`make bench`: the directory's performance for the real data, 2,000 and 20,000 poles, on SQLite
and on PostgreSQL. Prints a table and checks it against the targets; writes docs/benchmarks.md.

Synthetic poles go into dedicated benchmark databases (bench-results/*.sqlite3, ptce_bench_*),
never into the project's database.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proxy import ProxyNginx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench-results"
PG_SERVER = os.environ.get("PTCE_BENCH_PG", "postgres://postgres:postgres@127.0.0.1:5432")
SIZES = [int(n) for n in os.environ.get("PTCE_BENCH_SIZES", "0,2000,20000").split(",")]
BACKENDS = os.environ.get("PTCE_BENCH_BACKENDS", "sqlite,postgresql").split(",")
TARGETS = {
    "map_bytes_per_pole": 80,
    "page_median_ms": 50,
    "page_to_map_ratio": 0.5,
    "cls": 0.02,
    "tbt_ms": 100,
    "tbt_ms_20000": 200,
    "browser_ms": 1500,
    "place_suggestions_ms": 50,
    "after_edit_ms": 100,
    "search_ms": 50,
    "proxy_to_static_ratio": 0.5,
    "edit_seen_s": 2.0,
}


def run(args: list[str], env: dict, **kwargs) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} a échoué :\n{result.stdout}\n{result.stderr}")
    return result.stdout


def database_url(backend: str, size: int) -> str:
    name = f"ptce_bench_{size or 'real'}"
    if backend == "sqlite":
        return f"sqlite:///{RESULTS / (name + '.sqlite3')}"
    return f"{PG_SERVER}/{name}"


def fresh_database(backend: str, size: int, env: dict) -> None:
    name = f"ptce_bench_{size or 'real'}"
    if backend == "sqlite":
        (RESULTS / f"{name}.sqlite3").unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "load_communes", "-v0"], env)
    if size:
        run([PYTHON, "bench/synthetic.py", "--poles", str(size), "--members-per-pole", "5"],
            env)  # fmt: skip
    else:
        run([PYTHON, "manage.py", "import_poles", "fixtures/ptce_poles.csv", "-v0"], env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn with 2 workers on loopback, production settings (DEBUG off, whitenoise)."""

    def __init__(self, env: dict, port: int | None = None, log: Path | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("a") if log else None  # the app's log lines (stderr)
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "ptce_site.wsgi", "-c", "deploy/gunicorn.conf.py",
             "--workers", "2",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=ROOT, env=env, stderr=self.log,
        )  # fmt: skip
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/robots.txt", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn n'a pas démarré")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        if self.log:
            self.log.close()


def wrk_rps(url: str) -> float:
    output = subprocess.run(
        ["wrk", "-t2", "-c16", "-d5s", "-H", "Accept-Encoding: gzip", url],
        capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    for line in output.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise SystemExit(f"wrk n'a rien mesuré :\n{output}")


def fetch_gzip(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    return urllib.request.urlopen(request, timeout=60).read()


class Nginx:
    """Debian's nginx (2 workers, like gunicorn) serving given bytes as static files."""

    def __init__(self, files: dict[str, bytes]):
        self.root = Path(tempfile.mkdtemp(prefix="ptce-nginx-"))
        (self.root / "www").mkdir()
        for name, body in files.items():
            (self.root / "www" / name).write_bytes(body)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The files hold gzip bytes, as the site sends them: nginx only copies them out.
        (self.root / "nginx.conf").write_text(f"""
worker_processes 2; daemon off; pid {self.root}/nginx.pid; error_log {self.root}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off; sendfile on; tcp_nopush on;
  client_body_temp_path {self.root}; proxy_temp_path {self.root};
  fastcgi_temp_path {self.root}; uwsgi_temp_path {self.root}; scgi_temp_path {self.root};
  server {{
    listen 127.0.0.1:{self.port};
    root {self.root}/www;
    default_type text/html;
    add_header Content-Encoding gzip;
  }}
}}
""")
        self.process = subprocess.Popen(["nginx", "-c", str(self.root / "nginx.conf")])
        for _ in range(50):
            try:
                urllib.request.urlopen(self.url + "/" + next(iter(files)), timeout=2)
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise SystemExit("nginx n'a pas démarré")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)


def load_run(server: Gunicorn, pages: dict[str, str]) -> dict:
    """Whole cached pages and the cached map data of the same gunicorn, in one run, beside
    nginx serving the same bytes as static files, and the same pages through deploy/nginx.conf
    (its microcache) in front of that gunicorn."""
    bodies = {name: fetch_gzip(server.url + path) for name, path in pages.items()}
    rps = {name: round(wrk_rps(server.url + path)) for name, path in pages.items()}
    nginx = Nginx({f"{index}.bin": body for index, body in enumerate(bodies.values())})
    try:
        static_rps = {name: round(wrk_rps(f"{nginx.url}/{index}.bin"))
                      for index, name in enumerate(pages)}  # fmt: skip
    finally:
        nginx.stop()
    proxy = ProxyNginx(port=free_port(), upstreams=[f"127.0.0.1:{server.port}"],
                       static_root=ROOT / "staticfiles")  # fmt: skip
    try:
        proxy_rps = {name: round(wrk_rps(proxy.url + path)) for name, path in pages.items()}
    finally:
        proxy.stop()
    return {
        name: {"bytes": len(bodies[name]), "rps": rps[name], "nginx_rps": static_rps[name],
               "ratio_to_map": round(rps[name] / rps["map data"], 2),
               "proxy_rps": proxy_rps[name],
               "proxy_ratio": round(proxy_rps[name] / static_rps[name], 2)}
        for name in pages
    }  # fmt: skip


EDIT = """
from poles.models import ChangeSource, Pole
from poles.services import pole_update
pole = Pole.objects.get(slug={slug!r})
pole_update(pole=pole, values={{"summary": {summary!r}}}, source=ChangeSource.EDITOR,
            reason="mesure : délai d'affichage derrière nginx")
"""


def edit_seen_through_proxy(server: Gunicorn, env: dict, slug: str) -> float:
    """Seconds from an edit's commit to its first sight through deploy/nginx.conf, on a page
    the microcache holds (read continuously by 4 visitors, as a busy page is)."""
    proxy = ProxyNginx(port=free_port(), upstreams=[f"127.0.0.1:{server.port}"],
                       static_root=ROOT / "staticfiles")  # fmt: skip
    url = f"{proxy.url}/poles/{slug}/"
    stop = threading.Event()

    def visit() -> None:
        while not stop.is_set():
            urllib.request.urlopen(url, timeout=10).read()
            time.sleep(0.05)

    visitors = [threading.Thread(target=visit) for _ in range(4)]
    try:
        for visitor in visitors:
            visitor.start()
        time.sleep(3)  # the page is in the microcache
        marker = f"Mesure {time.time_ns()}"
        run([PYTHON, "manage.py", "shell", "-c", EDIT.format(slug=slug, summary=marker)], env)
        committed = time.perf_counter()
        while marker not in urllib.request.urlopen(url, timeout=10).read().decode():
            if time.perf_counter() - committed > 60:
                raise SystemExit("modification jamais vue derrière nginx (60 s)")
            time.sleep(0.02)
        return round(time.perf_counter() - committed, 2)
    finally:
        stop.set()
        for visitor in visitors:
            visitor.join()
        proxy.stop()


def measure(backend: str, size: int, tiles_url: str) -> dict:
    import lighthouse

    env = {**os.environ, "DATABASE_URL": database_url(backend, size), "DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": "benchmark-only", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
           "DJANGO_HTTPS": "false", "DJANGO_LOG_LEVEL": "WARNING",
           "PTCE_TILES_URL": tiles_url}  # fmt: skip
    started = time.perf_counter()
    fresh_database(backend, size, env)
    result = json.loads(run([PYTHON, "bench/measure_server.py", "20"], env))
    server = Gunicorn(env)
    try:
        result["browser"] = json.loads(run([PYTHON, "bench/measure_browser.py", server.url], env))
        if backend == "postgresql" and size in (0, max(SIZES)) and lighthouse.LIGHTHOUSE.exists():
            pages = lighthouse.page_types(lighthouse.first_slug(env))
            if size:  # the pages whose weight grows with the number of poles
                pages = {name: pages[name] for name in ("accueil", "liste filtrée")}
            print(f"… Lighthouse, {len(pages)} pages", file=sys.stderr, flush=True)
            result["lighthouse"] = {name: lighthouse.audit(server.url + path)
                                    for name, path in pages.items()}  # fmt: skip
        if backend == "postgresql" and size == max(SIZES):
            result["load"] = load_run(server, {
                "map data": "/carte/poles.geojson",
                "home": "/",
                "filtered list": lighthouse.FILTERED_LIST,
                "pole page": f"/poles/{lighthouse.first_slug(env)}/",
            })  # fmt: skip
            # The worst of three edits (when an edit falls in the microcache's second varies).
            result["edit_seen_s"] = max(edit_seen_through_proxy(server, env,
                                                                lighthouse.first_slug(env))
                                        for _ in range(3))  # fmt: skip
    finally:
        server.stop()
    result["setup_s"] = round(time.perf_counter() - started)
    return result


def check_targets(results: dict) -> list[str]:
    misses = []
    for (backend, size), result in results.items():
        label = f"{backend}, {result['poles']} pôles"
        if size == 20000 and result["map_gzip_bytes_per_pole"] > TARGETS["map_bytes_per_pole"]:
            misses.append(f"{label} : carte {result['map_gzip_bytes_per_pole']} o/pôle gzip "
                          f"(cible {TARGETS['map_bytes_per_pole']})")  # fmt: skip
        suggestions = result["pages"].get("place suggestions (quim)")
        if suggestions and suggestions["median_ms"] > TARGETS["place_suggestions_ms"]:
            misses.append(f"{label} : suggestions de lieux {suggestions['median_ms']} ms "
                          "(cible 50 ms)")  # fmt: skip
        search = result.get("search")
        if (size == 20000 and backend == "postgresql" and search
                and search["median_ms"] > TARGETS["search_ms"]):  # fmt: skip
            misses.append(f"{label} : recherche de mots {search['median_ms']} ms (cible 50 ms)")
        after_edit = result["pages"].get("home, first request after an edit")
        if (
            size == 20000
            and backend == "postgresql"
            and after_edit
            and after_edit["median_ms"] > TARGETS["after_edit_ms"]
        ):
            misses.append(f"{label} : accueil après une modification "
                          f"{after_edit['median_ms']} ms (cible 100 ms)")  # fmt: skip
        if size == 20000 and backend == "postgresql":
            for page in ("home", "list (page 5, by year)", "figures",
                         "region page (with its figures)"):  # fmt: skip
                median = result["pages"][page]["median_ms"]
                if median > TARGETS["page_median_ms"]:
                    misses.append(f"{label} : {page} médiane {median} ms (cible 50 ms)")
        browser = result.get("browser")
        if (
            size == 20000
            and browser
            and browser["first_interaction_ms"] - browser["data_arrived_ms"] > TARGETS["browser_ms"]
        ):
            misses.append(f"{label} : carte utilisable "
                          f"{browser['first_interaction_ms'] - browser['data_arrived_ms']} ms "
                          "après l'arrivée des données (cible 1 500 ms)")  # fmt: skip
        if result.get("edit_seen_s", 0) > TARGETS["edit_seen_s"]:
            misses.append(f"{label} : modification vue derrière nginx après "
                          f"{result['edit_seen_s']} s (cible 2 s)")  # fmt: skip
        for page, load in result.get("load", {}).items():
            if (
                page in ("home", "pole page")
                and load["proxy_ratio"] < TARGETS["proxy_to_static_ratio"]
            ):
                misses.append(f"{label} : {page} derrière nginx {load['proxy_rps']} req/s, "
                              f"{load['proxy_ratio']} fois nginx seul (cible ≥ 0,5)")  # fmt: skip
            if load["ratio_to_map"] < TARGETS["page_to_map_ratio"]:
                misses.append(f"{label} : {page} {load['rps']} req/s, {load['ratio_to_map']} "
                              "fois les données de carte (cible ≥ 0,5)")  # fmt: skip
        for page, audit in result.get("lighthouse", {}).items():
            low = [name for name in ("performance", "accessibility", "best-practices", "seo")
                   if audit[name] < 100]  # fmt: skip
            if low:
                misses.append(f"{label} : Lighthouse {page} sous 100 en {', '.join(low)}")
            if audit["cls"] > TARGETS["cls"]:
                misses.append(f"{label} : Lighthouse {page} CLS {audit['cls']} (cible 0,02)")
            tbt_target = TARGETS["tbt_ms" if not size else "tbt_ms_20000"]
            if page == "accueil" and audit["tbt_ms"] > tbt_target:
                misses.append(f"{label} : Lighthouse accueil TBT {audit['tbt_ms']} ms "
                              f"(cible {tbt_target} ms)")  # fmt: skip
    # Query counts must not depend on the number of poles.
    for backend in BACKENDS:
        counts = {size: {p: r["queries"] for p, r in results[(backend, size)]["pages"].items()}
                  for size in SIZES if (backend, size) in results}  # fmt: skip
        if len({json.dumps(c, sort_keys=True) for c in counts.values()}) > 1:
            misses.append(f"{backend} : le nombre de requêtes SQL varie avec N : {counts}")
    return misses


def number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def table(results: dict) -> str:
    lines = [
        "| base | pôles | page | médiane ms | p95 ms | requêtes SQL | octets | octets gzip |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for (backend, _size), result in results.items():
        for page, f in result["pages"].items():
            lines.append(f"| {backend} | {result['poles']} | {page} | {f['median_ms']} | "
                         f"{f['p95_ms']} | {f['queries']} | {number(f['raw_bytes'])} | "
                         f"{number(f['gzip_bytes'])} |")  # fmt: skip
    lines += [
        "",
        "Recherche de mots « économie circulaire », sans cache (première page de 20 et compte) :",
        "",
        "| base | pôles | médiane ms | trouvés | premier |",
        "|---|---:|---:|---:|---|",
    ]
    for (backend, _size), result in results.items():
        search = result.get("search", {})
        lines.append(f"| {backend} | {result['poles']} | {search.get('median_ms')} | "
                     f"{search.get('found')} | {search.get('first')} |")  # fmt: skip
    lines += [
        "",
        "| base | pôles | carte o/pôle gzip | données reçues ms | marqueurs dessinés ms "
        "| dessin après données ms | déplacement ms | tas JS Mo |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (backend, _size), result in results.items():
        b = result.get("browser", {})
        lines.append(f"| {backend} | {result['poles']} | {result['map_gzip_bytes_per_pole']} | "
                     f"{b.get('data_arrived_ms')} | {b.get('markers_drawn_ms')} | "
                     f"{b.get('drawn_after_data_ms')} | {b.get('pan_ms')} | "
                     f"{b.get('heap_mb')} |")  # fmt: skip
    for (backend, _size), result in results.items():
        if "lighthouse" in result:
            import lighthouse

            lines += ["", f"Lighthouse 12, mobile, throttling par défaut, médiane de "
                      f"{lighthouse.RUNS} essais ({backend}, {result['poles']} pôles) :", "",
                      lighthouse.table(result["lighthouse"])]  # fmt: skip
    for (backend, _size), result in results.items():
        if "load" in result:
            lines += ["", f"Charge (wrk, 2 fils, 16 connexions, 5 s par adresse ; gunicorn et "
                      f"nginx à 2 workers ; {backend}, {result['poles']} pôles) :", "",
                      "| adresse | octets gzip | gunicorn req/s | rapport aux données de carte "
                      "| nginx, mêmes octets en fichier, req/s | via deploy/nginx.conf, req/s "
                      "| rapport à nginx seul |",
                      "|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
            for page, load in result["load"].items():
                lines.append(f"| {page} | {number(load['bytes'])} | {load['rps']} | "
                             f"{load['ratio_to_map']} | {load['nginx_rps']} | "
                             f"{load['proxy_rps']} | {load['proxy_ratio']} |")  # fmt: skip
            lines += ["", f"Une modification (service d'écriture) est vue derrière "
                      f"deploy/nginx.conf après {result['edit_seen_s']} s au plus (trois "
                      "modifications, page lue en continu par 4 visiteurs)."]  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "benchmark-only",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_STATIC_MANIFEST": "true"}  # fmt: skip
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    import lighthouse

    tiles_url = lighthouse.tile_server()
    results = {}
    for backend in BACKENDS:
        for size in SIZES:
            print(f"… {backend}, {size or 'données réelles'}", file=sys.stderr, flush=True)
            results[(backend, size)] = measure(backend, size, tiles_url)
    text = table(results)
    misses = check_targets(results)
    verdict = ("Toutes les cibles sont atteintes." if not misses
               else "Cibles manquées :\n" + "\n".join(f"- {m}" for m in misses))  # fmt: skip
    print(text)
    print()
    print(verdict)
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    (RESULTS / "latest.json").write_text(
        json.dumps({f"{b}:{s}": r for (b, s), r in results.items()}, indent=2)
    )
    if set(SIZES) == {0, 2000, 20000} and set(BACKENDS) == {"sqlite", "postgresql"}:
        doc = ROOT / "docs" / "benchmarks.md"
        doc.parent.mkdir(exist_ok=True)
        doc.write_text(
            "# Benchmarks\n\n"
            f"Dernière mesure : {stamp}, `make bench` sur la machine de développement "
            f"(2 cœurs, {shutil.which('chromium') and 'Chromium Debian'}).\n\n"
            "Temps serveur : client de test Django (cycle requête-réponse complet, sans "
            "réseau), 20 requêtes après une requête de chauffe (3 pour l'export CSV). "
            "Navigateur : Chromium sans tête, médiane de 3 chargements de l'accueil "
            "(tuiles servies localement).\n\n"
            "Les médianes sont celles de requêtes répétées : pages, comptes, facettes, données "
            "de carte et exports sont alors servis du cache, valable jusqu'à la prochaine "
            "modification de l'annuaire. « home, first request after an edit » mesure "
            "l'accueil juste après une modification validée (le rédacteur recalcule les "
            "comptes après son commit).\n\n" + text + "\n\n" + verdict + "\n"
        )


if __name__ == "__main__":
    main()
