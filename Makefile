# The one entry point for people and CI. `make run` serves the app; `make test` checks it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=1

.PHONY: run test lint typecheck format migrate seeds bench bench-mixed harness harness-faults harness-nginx harness-email clean

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

# The web server, and beside it the worker that sends notification emails (django-tasks' db_worker);
# Ctrl-C stops both.
PORT ?= 8000
run: seeds
	@$(DEV_ENV) $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

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

# Mixed load (not in CI): anonymous readers of every page while writers post to one topic, at
# 0, 1 and 5 writes a second; PostgreSQL at scale 1 (the database above, reused) with Redis
# (database 6 on 127.0.0.1:6379, flushed first). Results in bench/results/mixed.md.
bench-mixed: $(VENV)/.installed
	@command -v wrk >/dev/null || { echo "Installing wrk (Debian package)"; apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/mixed.py

# Reliability on PostgreSQL through gunicorn, in a scratch database (diplomacy_harness).
# CI runs both. Concurrent posts:
harness: $(VENV)/.installed
	$(BIN)/python bench/concurrency.py

# The database stopped and started under load: it stops and restarts this machine's
# PostgreSQL cluster (pg_ctlcluster, as root), so don't run it where others use that cluster.
harness-faults: $(VENV)/.installed
	$(BIN)/python bench/db_faults.py

# nginx in front of gunicorn with deploy/nginx's page cache (scratch database diplomacy_harness_nginx):
# what is cached, what never is, htmx variants, freshness after a post, headers. CI runs it.
# It runs nginx as a foreground process from a temp dir on 127.0.0.1; /etc/nginx and port 80 are left alone.
harness-nginx: $(VENV)/.installed
	$(BIN)/python bench/nginx.py

# Notification emails through the real worker (db_worker) to an SMTP server in the harness (aiosmtpd), in a
# scratch database (diplomacy_harness_email): sent once, a refused send retried, the daily digest. CI runs it.
harness-email: $(VENV)/.installed
	$(BIN)/python bench/emails.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
