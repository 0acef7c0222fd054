# The one entry point for people and CI. `make run` serves the app; `make test` checks it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=1

.PHONY: run test lint format migrate seeds clean

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

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
