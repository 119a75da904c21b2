"""deploy/nginx.conf, run as it is, in front of the benchmark's app servers.

The file is included in a minimal `http` block, with the four values its header names replaced:
the port, the app servers, the static root and the cache folder. Used by `make bench` (pages
through the microcache) and `make load` (two app servers behind it).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "deploy" / "nginx.conf"
UPSTREAM_LINE = "    server 127.0.0.1:8000 max_fails=1 fail_timeout=2s;\n"


def site_conf(*, port: int, upstreams: list[str], static_root: Path, cache: Path) -> str:
    """deploy/nginx.conf for these values; fails loudly when the file no longer holds them."""
    text = CONF.read_text()
    replacements = {
        UPSTREAM_LINE: "".join(UPSTREAM_LINE.replace("127.0.0.1:8000", up) for up in upstreams),
        "listen 8080;": f"listen 127.0.0.1:{port};",
        "/srv/ptce/staticfiles/": f"{static_root}/",
        "/var/cache/nginx/ptce": str(cache),
    }
    for old, new in replacements.items():
        if old not in text:
            raise SystemExit(f"deploy/nginx.conf ne contient plus « {old.strip()} »")
        text = text.replace(old, new)
    return text


class ProxyNginx:
    """Debian's nginx (2 workers) with deploy/nginx.conf in front of `upstreams`."""

    def __init__(self, *, port: int, upstreams: list[str], static_root: Path):
        self.root = Path(tempfile.mkdtemp(prefix="ptce-proxy-"))
        self.url = f"http://127.0.0.1:{port}"
        site = site_conf(port=port, upstreams=upstreams, static_root=static_root,
                         cache=self.root / "cache")  # fmt: skip
        (self.root / "site.conf").write_text(site)
        mime_types = Path("/etc/nginx/mime.types")
        (self.root / "nginx.conf").write_text(f"""
worker_processes 2; daemon off; pid {self.root}/nginx.pid; error_log {self.root}/error.log;
events {{ worker_connections 4096; }}
http {{
  {f"include {mime_types};" if mime_types.exists() else ""}
  access_log off; sendfile on; tcp_nopush on;
  client_body_temp_path {self.root}; proxy_temp_path {self.root};
  fastcgi_temp_path {self.root}; uwsgi_temp_path {self.root}; scgi_temp_path {self.root};
  include {self.root}/site.conf;
}}
""")
        checked = subprocess.run(["nginx", "-t", "-c", str(self.root / "nginx.conf")],
                                 capture_output=True, text=True)  # fmt: skip
        if checked.returncode:
            raise SystemExit(f"deploy/nginx.conf refusé par nginx :\n{checked.stderr}")
        self.process = subprocess.Popen(["nginx", "-c", str(self.root / "nginx.conf")])
        for _ in range(50):
            try:
                urllib.request.urlopen(self.url + "/robots.txt", timeout=2)
                return
            except urllib.error.HTTPError:  # nginx answers (its app servers may not, yet)
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise SystemExit("nginx (deploy/nginx.conf) n'a pas démarré")

    def errors(self) -> str:
        log = self.root / "error.log"
        return log.read_text() if log.exists() else ""

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)
        self.process.wait(timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)
