# One entry point for humans and CI. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
DATA ?= fixtures/ptce_poles.csv
PG_SERVER ?= postgres://postgres:postgres@127.0.0.1:5432
PG_URL ?= $(PG_SERVER)/ptce

SHARED_DATA ?= ../shared/data

.PHONY: run test test-pg check lint fmt migrate import fixtures system-deps screenshots bench lighthouse load clean messages compilemessages gettext deploy-check

# The venv is rebuilt when the declared dependencies change.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# Front-end libraries (supercluster) from the npm registry, pinned by the lock file.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

migrate: $(BIN)/.installed node_modules/.installed compilemessages
	$(MANAGE) migrate --noinput

# The English catalogues: `make messages` after changing marked strings (then translate the new
# entries in locale/en/), compiled for the site by `compilemessages` (the .mo are not kept).
MAKEMESSAGES_IGNORE := $(foreach p,.venv node_modules bench-results staticfiles tests screenshots,--ignore=$(p))
messages: $(BIN)/.installed gettext
	$(MANAGE) makemessages -l en --no-location $(MAKEMESSAGES_IGNORE)
	$(MANAGE) makemessages -d djangojs -l en --no-location $(MAKEMESSAGES_IGNORE)
	$(MANAGE) check_translations --write-french

compilemessages: $(BIN)/.installed gettext
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v0

# GNU gettext (makemessages, compilemessages), from Debian's packages.
gettext:
	@command -v msgfmt >/dev/null 2>&1 || { 	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; 	  else echo "Paquet manquant : sudo apt-get install gettext"; exit 1; fi; }

# The official communes (place search, distances), then the real poles.
import: migrate
	$(MANAGE) load_communes
	$(MANAGE) import_poles $(DATA)

# fixtures/ follows ../shared/data/: the poles converted to the data schema, sources and
# territories copied as they are (tests/poles/test_real_data.py checks they are in step); a renamed
# pole keeps its identifier (its address) through fixtures/identifiers.csv.
fixtures: $(BIN)/.installed
	$(MANAGE) convert_poles_csv $(SHARED_DATA)/ptce_poles.csv fixtures/ptce_poles.csv \
	  --identifiers fixtures/identifiers.csv
	cp $(SHARED_DATA)/SOURCES.md $(SHARED_DATA)/territories.csv fixtures/

run: import
	@echo "Annuaire des PTCE : http://$(HOST):$(PORT)/ (administration : /admin/)"
	PTCE_SITE_URL=$${PTCE_SITE_URL:-http://$(HOST):$(PORT)} $(MANAGE) runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium, the HTML checker runs on Java and the Redis cache test
# starts its own throwaway redis-server: install them when we can (root), else say how.
SYSTEM_PACKAGES := $(if $(shell command -v chromium),,chromium) \
	$(if $(shell command -v java),,default-jre-headless) \
	$(if $(shell command -v redis-server),,redis-server) \
	$(if $(shell command -v nginx),,nginx-light)
system-deps:
	@[ -z "$(strip $(SYSTEM_PACKAGES))" ] || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES); \
	  else \
	    echo "Paquets manquants pour les tests : sudo apt-get install $(SYSTEM_PACKAGES)"; exit 1; \
	  fi; }

# PYTEST_ARGS narrows a run (CI runs the browser tests on PostgreSQL only).
PYTEST_ARGS ?=
test: $(BIN)/.installed node_modules/.installed system-deps compilemessages
	$(BIN)/pytest $(PYTEST_ARGS)

# The same tests on PostgreSQL (PG_URL points at a server where we may create databases).
test-pg: $(BIN)/.installed node_modules/.installed system-deps compilemessages
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS)

# Performance: real data, 2,000 and 20,000 synthetic poles on SQLite and PostgreSQL, Lighthouse
# on the seven page types, wrk against gunicorn and nginx; prints the tables, checks the targets
# and records docs/benchmarks.md. Needs wrk and nginx (Debian packages, installed when root).
bench: $(BIN)/.installed node_modules/.installed system-deps bench-results/lighthouse/node_modules/.bin/lighthouse
	@command -v wrk >/dev/null 2>&1 || apt-get install -y -qq wrk
	@command -v nginx >/dev/null 2>&1 || apt-get install -y -qq nginx-light
	PTCE_BENCH_PG=$(PG_SERVER) $(BIN)/python bench/run.py

# Lighthouse (mobile) on seven page types of the real data: the four scores, CLS and TBT.
# A measuring tool, not part of the site: installed from the npm registry, pinned, in the
# git-ignored bench-results/ (its dependency tree holds a "latest" range that npm ci refuses).
LIGHTHOUSE_VERSION ?= 12.8.2
bench-results/lighthouse/node_modules/.bin/lighthouse:
	npm install --no-audit --no-fund --no-save --prefix bench-results/lighthouse lighthouse@$(LIGHTHOUSE_VERSION)

lighthouse: $(BIN)/.installed node_modules/.installed system-deps bench-results/lighthouse/node_modules/.bin/lighthouse
	$(BIN)/python bench/lighthouse.py

# Load and faults: 30 s of wrk (64 connections) on the home page and the map data through
# deploy/nginx.conf in front of two gunicorn servers (one PostgreSQL, one Redis), with admin
# writes, a reload, a restart and Redis stopped meanwhile; fails on any error or lost write.
load: $(BIN)/.installed node_modules/.installed system-deps
	@command -v wrk >/dev/null 2>&1 || apt-get install -y -qq wrk
	PTCE_BENCH_PG=$(PG_SERVER) $(BIN)/python bench/load.py

# Desktop and mobile screenshots of the main pages, in screenshots/ (git-ignored).
screenshots: $(BIN)/.installed node_modules/.installed system-deps
	PTCE_SCREENSHOTS=1 $(BIN)/pytest tests/e2e/test_accessibility.py -k screenshots

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: lint node_modules/.installed gettext
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check_translations
	$(MAKE) test

fmt: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3

# The README's production steps (deploy/deploy.sh) on a fresh PostgreSQL database with production
# settings, then the site probed as a visitor meets it (deploy/probe.py) and fuzzed as an attacker
# would try it (deploy/fuzz.py: every public form and listing, never a 5xx nor a half-record).
DEPLOY_DB ?= ptce_deploy_check
deploy-check: $(BIN)/.installed node_modules/.installed gettext
	$(BIN)/python -c "import psycopg; c = psycopg.connect('$(PG_SERVER)/postgres', autocommit=True); c.execute('DROP DATABASE IF EXISTS $(DEPLOY_DB) WITH (FORCE)'); c.execute('CREATE DATABASE $(DEPLOY_DB)')"
	env DJANGO_DEBUG=false DJANGO_SECRET_KEY=deploy-check-$$(date +%s)-a-long-enough-secret-key-for-django \
	  DJANGO_ALLOWED_HOSTS=annuaire.example.org DATABASE_URL=$(PG_SERVER)/$(DEPLOY_DB) \
	  PTCE_STATIC_ROOT=$$(mktemp -d) DJANGO_LOG_LEVEL=WARNING \
	  sh -c 'deploy/deploy.sh && $(BIN)/python deploy/probe.py && $(BIN)/python deploy/fuzz.py'
