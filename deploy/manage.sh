#!/bin/sh
# manage.py with the production environment, for cron and operators:
#   deploy/manage.sh send_mail_outbox
# The environment file (PTCE_ENV_FILE, by default /etc/ptce/env) holds the variables of the
# README's "Deploying" section, one NAME=value per line.
set -eu
set -a
. "${PTCE_ENV_FILE:-/etc/ptce/env}"
set +a
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" manage.py "$@"
