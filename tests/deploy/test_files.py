"""The deployment files say what exists: the cron commands are the project's, the gunicorn
settings load, the command wrapper runs manage.py with the environment file."""

import re
import subprocess
import sys
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def test_every_scheduled_command_is_one_of_ours():
    lines = [line for line in (DEPLOY / "crontab").read_text().splitlines()
             if line.strip() and not line.startswith("#")]  # fmt: skip
    commands = [re.search(r"deploy/manage\.sh (\w+)", line).group(1) for line in lines]
    assert {
        "send_mail_outbox",
        "purge_contributor_data",
        "send_reminders",
        "publish_release",
    } <= set(commands)
    ours = {name for name, app in get_commands().items() if app == "poles"}
    assert set(commands) <= ours


def test_the_gunicorn_settings_load_and_bound_each_worker():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "--print-config",
         "-c", "deploy/gunicorn.conf.py", "ptce_site.wsgi"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert re.search(r"^max_requests\s*=\s*20000$", result.stdout, re.M)
    assert re.search(r"^bind\s*=\s*\['127.0.0.1:8000'\]$", result.stdout, re.M)


def test_the_service_runs_gunicorn_with_these_settings():
    unit = (DEPLOY / "systemd" / "ptce.service").read_text()
    assert (
        "ExecStart=/srv/ptce/app/.venv/bin/gunicorn ptce_site.wsgi -c deploy/gunicorn.conf.py"
        in unit
    )
    assert "ExecReload=/bin/kill -HUP $MAINPID" in unit


def test_the_command_wrapper_loads_the_environment_file(tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text("DJANGO_DEBUG=true\nPTCE_SITE_URL=https://depuis-le-fichier.example\n")
    result = subprocess.run(
        [str(DEPLOY / "manage.sh"), "shell", "-c",
         "from django.conf import settings; print(settings.PTCE_SITE_URL)"],
        env={"PATH": "/usr/bin:/bin", "PTCE_ENV_FILE": str(env_file), "PYTHON": sys.executable},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "https://depuis-le-fichier.example"
