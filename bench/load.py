"""`make load`: a bounded load run on loopback against two app servers (gunicorn, 2 workers
each) behind deploy/nginx.conf, on one PostgreSQL and one Redis; prints its figures and fails on
any error, lost write or stale answer.

wrk: 30 s, 64 connections in all through nginx (24 on the home page, 24 on the map data, both
mostly from nginx's microcache, and 16 on a region's list with a session cookie, which always
reach the app servers).
Meanwhile:
- an editor publishes and unpublishes a pole through the admin (via nginx, on either server);
  after each write both servers are asked directly: each must answer the new state at once;
- the first server is reloaded (SIGHUP) at 1/4, the second stopped and started again at 1/2
  (nginx sends requests to the other meanwhile): no request and no write may be lost;
- Redis is stopped at 3/4: pages keep being served from the database, and the log says so;
- an attacker behind the same (simulated) front proxy hammers the login with the editor's user
  name and with many user names: the attacker's address is locked out (429), the editor never is.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proxy import ProxyNginx
from run import PG_SERVER, PYTHON, ROOT, Gunicorn, free_port, run

DURATION = int(os.environ.get("PTCE_LOAD_SECONDS", "30"))
EDITOR = ("charge", "cooperation-territoriale-2026!")


def wrk(url: str, connections: int, *headers: str) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{DURATION}s", "--timeout", "10s",
         "-H", "Accept-Encoding: gzip", *(f"-H{header}" for header in headers), url],
        capture_output=True, text=True, timeout=DURATION + 60,
    ).stdout  # fmt: skip
    figures = {"url": url, "errors": 0, "non_2xx": 0}
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("Requests/sec:"):
            figures["rps"] = float(line.split()[1])
        elif re.match(r"\d+ requests in", line):
            figures["requests"] = int(line.split()[0])
        elif line.startswith("Latency"):
            figures["latency_avg"] = line.split()[1]
        elif line.startswith("Non-2xx or 3xx responses:"):
            figures["non_2xx"] = int(line.split(":")[1])
        elif line.startswith("Socket errors:"):
            figures["errors"] = sum(int(n) for n in re.findall(r"\d+", line))
    return figures


PROXY_HOP = "X-Forwarded-For"


class Editor:
    """An editor in the admin, through the real server, toggling a pole's publication.

    Requests carry the header our one (simulated) reverse proxy adds: the client's address.
    """

    def __init__(self, base: str, address: str = "203.0.113.10", spoofed: str = "",
                 watcher=None):  # fmt: skip
        self.base = base
        self.watcher = watcher
        self.forwarded = f"{spoofed}, {address}" if spoofed else address
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.ok = 0
        self.failed = 0
        self.last_action = None

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"Referer": self.base + path,
                                                  PROXY_HOP: self.forwarded})  # fmt: skip
        try:
            return self.opener.open(request, timeout=10).status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0

    def get(self, path: str) -> str:
        request = urllib.request.Request(self.base + path, headers={PROXY_HOP: self.forwarded})
        with self.opener.open(request, timeout=10) as response:
            return response.url

    def log_in(self, username: str = EDITOR[0], password: str = EDITOR[1]) -> int:
        self.get("/admin/login/")
        return self.post("/admin/login/", {"username": username, "password": password,
                                           "next": "/admin/"})  # fmt: skip

    def is_logged_in(self) -> bool:
        return not self.get("/admin/").split("?")[0].endswith("/admin/login/")

    def toggle(self, pole_id: int, stop: threading.Event) -> None:
        self.log_in()
        action = "unpublish"
        while not stop.is_set():
            self.get("/admin/poles/pole/")
            status = self.post(
                "/admin/poles/pole/", {"action": action, "_selected_action": str(pole_id)}
            )
            if status in (200, 302):  # the redirect is followed: the changelist answers 200
                self.ok += 1
                self.last_action = action
                if self.watcher:
                    self.watcher.check(action)
                action = "publish" if action == "unpublish" else "unpublish"
            else:
                self.failed += 1
            time.sleep(0.2)


class Attacker:
    """Wrong passwords for the editor's name, then one password for many names, from one
    address behind the proxy, with spoofed X-Forwarded-For entries in front of it."""

    def __init__(self, base: str):
        self.base = base
        self.statuses: list[int] = []

    def run(self, stop: threading.Event) -> None:
        attempt = 0
        while not stop.is_set():
            username = EDITOR[0] if attempt < 8 else f"compte{attempt}"
            client = Editor(self.base, address="198.51.100.66", spoofed=f"10.0.{attempt}.1")
            self.statuses.append(client.log_in(username, "Printemps2026!"))
            attempt += 1
            time.sleep(0.3)


class Redis:
    """A throwaway redis-server on loopback, as the app servers' shared cache."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(folder), "--maxmemory", "64mb",
             "--maxmemory-policy", "allkeys-lru"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise SystemExit("redis-server n'a pas démarré")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def status(url: str) -> int | None:
    """The status of a GET, None when nobody answers (a server being restarted)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Watcher:
    """After each of the editor's writes, both app servers asked directly for the pole's page:
    each must answer the new state at once (200 published, 404 not)."""

    def __init__(self, servers: list, slug: str):
        self.servers = servers
        self.slug = slug
        self.checked = 0
        self.stale: list[str] = []

    def check(self, action: str) -> None:
        expected = 200 if action == "publish" else 404
        for server in self.servers:
            answer = status(f"{server.url}/poles/{self.slug}/")
            if answer is None:  # stopped for its restart
                continue
            self.checked += 1
            if answer != expected:
                self.stale.append(f"{server.url} {answer} au lieu de {expected}")


def main() -> None:
    name = "ptce_load"
    work = Path(tempfile.mkdtemp(prefix="ptce-load-"))
    redis = Redis(work)
    env = {**os.environ, "DATABASE_URL": f"{PG_SERVER}/{name}", "DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": "load-test-only", "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "DJANGO_HTTPS": "false", "DJANGO_LOG_LEVEL": "WARNING",
           # A front proxy (simulated by the X-Forwarded-For the clients send), then nginx.
           "PTCE_PROXY_COUNT": "2", "REDIS_URL": redis.url,
           "DJANGO_SUPERUSER_PASSWORD": EDITOR[1], "DJANGO_STATIC_MANIFEST": "true"}  # fmt: skip
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "load_communes", "-v0"], env)  # as make run does
    run([PYTHON, "manage.py", "import_poles", "fixtures/ptce_poles.csv", "-v0"], env)
    run([PYTHON, "manage.py", "createsuperuser", "--noinput", "--username", EDITOR[0],
         "--email", "charge@example.org"], env)  # fmt: skip
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    slug = "les-ecossolies"
    find_pole = f"from poles.models import Pole; print(Pole.objects.get(slug={slug!r}).pk)"
    pole_id = int(run([PYTHON, "manage.py", "shell", "-c", find_pole], env).split()[-1])

    logs = [work / "server-1.log", work / "server-2.log"]
    servers = [Gunicorn(env, log=logs[0]), Gunicorn(env, log=logs[1])]
    proxy = ProxyNginx(port=free_port(), upstreams=[s.url.removeprefix("http://") for s in servers],
                       static_root=ROOT / "staticfiles")  # fmt: skip
    watcher = Watcher(servers, slug)
    editor = Editor(proxy.url, watcher=watcher)
    stop = threading.Event()
    writer = threading.Thread(target=editor.toggle, args=(pole_id, stop))
    attacker = Attacker(proxy.url)
    attacks = threading.Thread(target=attacker.run, args=(stop,))
    results = {}
    loads = [
        threading.Thread(target=lambda: results.update(home=wrk(proxy.url + "/", 24))),
        threading.Thread(target=lambda: results.update(
            map=wrk(proxy.url + "/carte/poles.geojson", 24))),
        # A session cookie: past the microcache, every request reaches an app server.
        threading.Thread(target=lambda: results.update(
            app=wrk(proxy.url + "/?region=53", 16, "Cookie: sessionid=charge"))),
    ]  # fmt: skip
    health = ""
    try:
        writer.start()
        attacks.start()
        for thread in loads:
            thread.start()
        time.sleep(DURATION / 4)
        servers[0].process.send_signal(signal.SIGHUP)  # graceful reload of its workers
        print(f"… serveur 1 rechargé (SIGHUP) à {DURATION / 4:.0f} s", flush=True)
        time.sleep(DURATION / 4)
        servers[1].stop()  # finishes its requests; nginx sends the next ones to server 1
        servers[1] = Gunicorn(env, port=servers[1].port, log=logs[1])
        print(f"… serveur 2 arrêté puis redémarré à {DURATION / 2:.0f} s", flush=True)
        time.sleep(DURATION / 4)
        redis.stop()
        print(f"… Redis arrêté à {3 * DURATION / 4:.0f} s", flush=True)
        for thread in loads:
            thread.join()
        stop.set()
        writer.join()
        attacks.join()
        # After all that, the editor logs in again from their own address.
        again = Editor(proxy.url)
        again.log_in()
        editor_still_in = again.is_logged_in()
        with urllib.request.urlopen(servers[1].url + "/healthz", timeout=10) as response:
            health = response.headers.get("X-Health", "")
    finally:
        for server in servers:
            server.stop()
        proxy.stop()
        redis.stop()

    count_writes = (
        f"from poles.models import Pole; p = Pole.objects.get(pk={pole_id}); "
        "print(p.changes.filter(reason__in=['publication', "
        "'dépublication']).count(), p.is_published)"
    )
    history = run([PYTHON, "manage.py", "shell", "-c", count_writes],
                  {**env, "REDIS_URL": ""}).split()  # fmt: skip
    recorded, published = int(history[-2]), history[-1] == "True"
    log_text = "".join(log.read_text() for log in logs)
    redis_logged = "shared cache unavailable" in log_text
    shutil.rmtree(work, ignore_errors=True)
    print()
    for label, figures in results.items():
        print(
            f"{label:5} {figures['url']}: {figures.get('requests')} requêtes, "
            f"{figures.get('rps')} req/s, latence moyenne {figures.get('latency_avg')}, "
            f"erreurs {figures['errors']}, réponses non 2xx/3xx {figures['non_2xx']}"
        )
    print(
        f"écritures admin réussies {editor.ok}, échouées {editor.failed}, "
        f"enregistrées dans l'historique {recorded}, état final publié={published}"
    )
    print(f"lectures directes sur les deux serveurs après chaque écriture {watcher.checked}, "
          f"périmées {len(watcher.stale)}")  # fmt: skip
    print(f"Redis arrêté : journal « shared cache unavailable » {'oui' if redis_logged else 'non'}"
          f", /healthz {health or '?'}")  # fmt: skip
    locked = attacker.statuses.count(429)
    print(
        f"connexions de l'attaquant {len(attacker.statuses)}, refusées (429) {locked} ; "
        f"l'éditeur se reconnecte : {'oui' if editor_still_in else 'non'}"
    )
    problems = []
    if not locked or attacker.statuses[-1] != 429:
        problems.append("l'adresse de l'attaquant n'a pas été bloquée")
    if not editor_still_in:
        problems.append("l'éditeur a été bloqué par un autre")
    for label, figures in results.items():
        if figures["errors"] or figures["non_2xx"] or not figures.get("requests"):
            problems.append(f"{label} : erreurs pendant la charge")
    if editor.failed or recorded != editor.ok or editor.ok == 0:
        problems.append("écritures perdues ou refusées")
    if editor.last_action and published != (editor.last_action == "publish"):
        problems.append("l'état final ne correspond pas à la dernière écriture")
    if watcher.stale or not watcher.checked:
        problems.append(f"un serveur ne voyait pas l'écriture de l'autre : {watcher.stale[:3]}")
    if not redis_logged or health != "degraded":
        problems.append("Redis arrêté sans ligne de journal claire ni /healthz dégradé")
    if problems:
        raise SystemExit("ÉCHEC : " + " ; ".join(problems))
    print(
        "OK : aucune erreur, aucune écriture perdue, chaque serveur voit les écritures de l'autre."
    )


if __name__ == "__main__":
    main()
