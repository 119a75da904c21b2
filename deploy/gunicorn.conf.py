"""gunicorn's settings for the Annuaire des PTCE (deploy/systemd/ptce.service uses them; make
bench and make load too). Values on the command line win over these."""

import multiprocessing
import os

bind = os.environ.get("PTCE_BIND", "127.0.0.1:8000")  # nginx in front (deploy/nginx.conf)
# Sync workers: each request is short (pages come from the cache); 2 per core plus one.
workers = int(os.environ.get("PTCE_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
timeout = 30
graceful_timeout = 30  # on SIGTERM or SIGHUP a worker finishes its requests first
# A worker is replaced after so many requests (at a random point of the last 10 %): whatever a
# long-lived process accumulates (memory fragmentation, the per-process cache without Redis)
# stays bounded. Not much sooner: without Redis a new worker computes its pages again (at
# 2,000, the benchmark's filtered list at 20,000 poles fell from 584 to 207 requests a second).
max_requests = 20000
max_requests_jitter = 2000
# nginx logs the requests; gunicorn its own errors (on stderr, JSON lines from Django's side).
accesslog = None
errorlog = "-"
loglevel = "warning"
