"""Settings read from the environment: database, cache, logs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def django_shell(code: str, **env) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env={**environment, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_redis_cache_is_used_when_redis_url_is_set(redis_server):
    code = (
        "from django.core.cache import caches; import uuid; k = str(uuid.uuid4());"
        "cache = caches['default'];"
        "cache.set(k, 'partagé', 30); print(type(cache).__name__, cache.get(k)); cache.delete(k)"
    )
    assert django_shell(code, REDIS_URL=redis_server) == "ResilientRedisCache partagé"
    assert django_shell(code).startswith("LocMemCache")


def test_database_url_selects_postgresql_and_defaults_to_sqlite():
    code = "from django.db import connection; print(connection.vendor)"
    assert django_shell(code, DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres") == (
        "postgresql"
    )
    environment_without = {"DATABASE_URL": ""}
    assert django_shell(code, **environment_without) == "sqlite"


def test_production_logs_are_json_lines():
    code = "import logging; logging.getLogger('ptce').warning('bonjour %s', 'le monde')"
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
        env={**environment, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 60,
             "DJANGO_ALLOWED_HOSTS": "a.example"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    line = next(line for line in result.stderr.splitlines() if "bonjour" in line)
    entry = json.loads(line)
    assert entry["message"] == "bonjour le monde"
    assert entry["level"] == "WARNING" and entry["logger"] == "ptce"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        # Production: the site's own host, over HTTPS.
        ({"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "annuaire.example.org,www.example.org"},
         "https://annuaire.example.org"),
        ({"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "ptce.local", "DJANGO_HTTPS": "false"},
         "http://ptce.local"),
        # Said outright, it wins.
        ({"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "annuaire.example.org",
          "PTCE_SITE_URL": "https://ptce.example.net/"}, "https://ptce.example.net"),
        # Development: what `make run` serves.
        ({"DJANGO_DEBUG": "true"}, "http://127.0.0.1:8000"),
    ],
)  # fmt: skip
def test_the_address_in_emails_follows_where_the_site_is_served(env, expected):
    base = {"DJANGO_SECRET_KEY": "k3y-for-tests-only-9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a",
            "DJANGO_LOG_LEVEL": "CRITICAL", "PTCE_SITE_URL": ""}  # fmt: skip
    environment = {**base, **env}  # an empty PTCE_SITE_URL: not given
    code = "from django.conf import settings; print(settings.PTCE_SITE_URL)"
    assert django_shell(code, **environment) == expected


def test_make_run_serves_and_links_the_same_address():
    makefile = (ROOT / "Makefile").read_text()
    assert "PTCE_SITE_URL=$${PTCE_SITE_URL:-http://$(HOST):$(PORT)}" in makefile
