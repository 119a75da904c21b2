"""`make load`: a bounded load run on loopback against gunicorn (2 workers), with a graceful
restart of the app server and admin writes in the middle; prints its figures and fails on any
error or lost write.

wrk: 30 s, 64 connections in all (32 on the home page, 32 on the map data). Meanwhile an editor
publishes and unpublishes a pole through the admin, gunicorn is reloaded (SIGHUP), and an
attacker behind the same (simulated) reverse proxy hammers the login with the editor's user name
and with many user names: the attacker's address is locked out (429), the editor never is.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import PG_SERVER, PYTHON, Gunicorn, run

DURATION = int(os.environ.get("PTCE_LOAD_SECONDS", "30"))
EDITOR = ("charge", "cooperation-territoriale-2026!")


def wrk(url: str, connections: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{DURATION}s", "--timeout", "10s",
         "-H", "Accept-Encoding: gzip", url],
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

    def __init__(self, base: str, address: str = "203.0.113.10", spoofed: str = ""):
        self.base = base
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


def main() -> None:
    name = "ptce_load"
    env = {**os.environ, "DATABASE_URL": f"{PG_SERVER}/{name}", "DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": "load-test-only", "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "DJANGO_HTTPS": "false", "DJANGO_LOG_LEVEL": "WARNING", "PTCE_PROXY_COUNT": "1",
           "DJANGO_SUPERUSER_PASSWORD": EDITOR[1]}  # fmt: skip
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "load_communes", "-v0"], env)  # as make run does
    run([PYTHON, "manage.py", "import_poles", "fixtures/ptce_poles.csv", "-v0"], env)
    run([PYTHON, "manage.py", "createsuperuser", "--noinput", "--username", EDITOR[0],
         "--email", "charge@example.org"], env)  # fmt: skip
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        {**env, "DJANGO_STATIC_MANIFEST": "true"})  # fmt: skip
    find_pole = "from poles.models import Pole; print(Pole.objects.get(slug='les-ecossolies').pk)"
    pole_id = int(run([PYTHON, "manage.py", "shell", "-c", find_pole], env).split()[-1])

    server = Gunicorn(env)
    server.env = env
    editor = Editor(server.url)
    stop = threading.Event()
    writer = threading.Thread(target=editor.toggle, args=(pole_id, stop))
    attacker = Attacker(server.url)
    attacks = threading.Thread(target=attacker.run, args=(stop,))
    results = {}
    loads = [
        threading.Thread(target=lambda: results.update(home=wrk(server.url + "/", 32))),
        threading.Thread(target=lambda: results.update(
            map=wrk(server.url + "/carte/poles.geojson", 32))),
    ]  # fmt: skip
    try:
        writer.start()
        attacks.start()
        for thread in loads:
            thread.start()
        time.sleep(DURATION / 3)
        server.process.send_signal(signal.SIGHUP)  # graceful restart of the workers
        print(f"… gunicorn rechargé (SIGHUP) à {DURATION // 3} s", flush=True)
        for thread in loads:
            thread.join()
        stop.set()
        writer.join()
        attacks.join()
        # After all that, the editor logs in again from their own address.
        again = Editor(server.url)
        again.log_in()
        editor_still_in = again.is_logged_in()
    finally:
        server.stop()

    count_writes = (
        f"from poles.models import Pole; p = Pole.objects.get(pk={pole_id}); "
        "print(p.changes.filter(reason__in=['publication', "
        "'dépublication']).count(), p.is_published)"
    )
    history = run([PYTHON, "manage.py", "shell", "-c", count_writes], env).split()
    recorded, published = int(history[-2]), history[-1] == "True"
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
    if problems:
        raise SystemExit("ÉCHEC : " + " ; ".join(problems))
    print("OK : aucune erreur, aucune écriture perdue.")


if __name__ == "__main__":
    main()
