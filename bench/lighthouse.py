"""`make lighthouse`: Lighthouse 12 (npm, on Debian's Chromium, mobile profile) on seven page types
of the real data, served by gunicorn with production settings and a local tile server.

Prints, for each page, the four category scores, the cumulative layout shift and the total
blocking time. A benchmark prints figures; it does not fail on them.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import PYTHON, ROOT, Gunicorn, free_port, run

LIGHTHOUSE = ROOT / "bench-results" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("PTCE_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
RUNS = int(os.environ.get("PTCE_LIGHTHOUSE_RUNS", "3"))
FILTERED_LIST = "/?region=53&thematique=alimentation"


def png(size: int) -> bytes:
    """A plain tile: 256 px, or 512 px for the "@2x" (high-density) URL."""
    raw = b"".join(b"\x00" + b"\xdd\xe6\xd8" * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))  # fmt: skip


def tile_server() -> str:
    tiles = {256: png(256), 512: png(512)}

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = tiles[512 if "@2x" in self.path else 256]
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}{{r}}.png"


def audit_once(url: str, attempts: int = 3) -> dict:
    """One Lighthouse run; a run that fails to record its trace (Lighthouse then says "run
    Lighthouse again") is run again."""
    for attempt in range(attempts):
        try:
            return _lighthouse(url)
        except subprocess.CalledProcessError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _lighthouse(url: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        subprocess.run(
            [str(LIGHTHOUSE), url, "--quiet", "--form-factor=mobile", "--output=json",
             f"--output-path={output.name}",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
            env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True, timeout=300,
            capture_output=True,
        )  # fmt: skip
        report = json.loads(Path(output.name).read_text())
    audits = report["audits"]
    return {
        **{name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES},
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
    }


def audit(url: str, runs: int = RUNS) -> dict:
    """The median run by performance score, as Lighthouse's documentation advises: one run
    varies with what else the machine does."""
    reports = sorted((audit_once(url) for _ in range(runs)),
                     key=lambda r: (r["performance"], -r["tbt_ms"]))  # fmt: skip
    return {**reports[len(reports) // 2], "tbt_all_ms": [r["tbt_ms"] for r in reports]}


def page_types(slug: str) -> dict[str, str]:
    return {
        "accueil": "/",
        "liste filtrée": FILTERED_LIST,
        "fiche": f"/poles/{slug}/",
        "territoire": "/regions/bretagne/",
        "charte": "/charte/",
        "données": "/donnees/",
        "chiffres": "/chiffres/",
    }


def first_slug(env: dict) -> str:
    return run([PYTHON, "manage.py", "shell", "-c",
                "from poles.models import Pole; print(Pole.objects.published().located()"
                ".order_by('name').first().slug)"], env).split()[-1]  # fmt: skip


def table(results: dict[str, dict]) -> str:
    lines = [
        "| page | performance | accessibilité | bonnes pratiques | SEO | CLS | TBT ms "
        "| TBT des essais ms |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['performance']} | {r['accessibility']} | "
                     f"{r['best-practices']} | {r['seo']} | {r['cls']} | {r['tbt_ms']} | "
                     f"{', '.join(map(str, r['tbt_all_ms']))} |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse manque : lancez make lighthouse.")
    workdir = Path(tempfile.mkdtemp(prefix="ptce-lighthouse-"))
    env = {
        **os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "lighthouse-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_HTTPS": "false",
        "DJANGO_LOG_LEVEL": "WARNING", "PTCE_STATIC_ROOT": str(workdir / "static"),
        "PTCE_TILES_URL": tile_server(),
    }  # fmt: skip
    try:
        for command in (["migrate"], ["load_communes"], ["import_poles", "fixtures/ptce_poles.csv"],
                        ["collectstatic", "--noinput"]):  # fmt: skip
            run([PYTHON, "manage.py", *command, "-v0"], env)
        server = Gunicorn(env)
        try:
            results = {name: audit(server.url + path)
                       for name, path in page_types(first_slug(env)).items()}  # fmt: skip
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(table(results))


if __name__ == "__main__":
    main()
