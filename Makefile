# The one entry point for people and CI. `make run` serves the app; `make test` checks it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=1

.PHONY: run test lint typecheck format migrate seeds bench harness harness-faults clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "diplomacy needs Python 3.11 or newer (set PYTHON=python3.x)")'
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input

seeds: migrate
	$(DEV_ENV) $(BIN)/python manage.py load_seeds

run: seeds
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest

# The benchmark: SQLite with the seeds, then PostgreSQL (DATABASE_URL-style BENCH_DATABASE_URL,
# default postgres://postgres@127.0.0.1:5432/diplomacy_bench, created if missing) at scale 1.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/diplomacy_bench
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || { echo "Installing wrk (Debian package)"; apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
	$(BIN)/python bench/run.py --db sqlite
	@psql "$(dir $(BENCH_DATABASE_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(notdir $(BENCH_DATABASE_URL))'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_DATABASE_URL))
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run.py --db postgres

# Reliability on PostgreSQL through gunicorn, in a scratch database (diplomacy_harness).
# CI runs both. Concurrent posts:
harness: $(VENV)/.installed
	$(BIN)/python bench/concurrency.py

# The database stopped and started under load: it stops and restarts this machine's
# PostgreSQL cluster (pg_ctlcluster, as root), so don't run it where others use that cluster.
harness-faults: $(VENV)/.installed
	$(BIN)/python bench/db_faults.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
