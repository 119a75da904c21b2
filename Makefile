# One entry point for humans and CI. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
DATA ?= fixtures/ptce_poles.csv
PG_URL ?= postgres://postgres:postgres@127.0.0.1:5432/ptce

.PHONY: run test test-pg check lint fmt migrate import browser clean

# The venv is rebuilt when the declared dependencies change.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# Front-end libraries (leaflet.markercluster) from the npm registry, pinned by the lock file.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

migrate: $(BIN)/.installed node_modules/.installed
	$(MANAGE) migrate --noinput

import: migrate
	$(MANAGE) import_poles $(DATA)

run: import
	@echo "Annuaire des PTCE : http://$(HOST):$(PORT)/ (administration : /admin/)"
	$(MANAGE) runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium; install it when we can (root), else say how.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "Chromium manque pour les tests navigateur : sudo apt-get install chromium"; exit 1; \
	  fi; }

test: $(BIN)/.installed node_modules/.installed browser
	$(BIN)/pytest

# The same tests on PostgreSQL (PG_URL points at a server where we may create databases).
test-pg: $(BIN)/.installed node_modules/.installed browser
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: lint node_modules/.installed
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(MAKE) test

fmt: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
