# Recognize & Report — the two commands of the quick start, and a few more.
#   make run      install what is missing, upgrade the database, seed the demo, serve on 127.0.0.1:$(PORT)
#   make test     install the test tools, lint and type-check, and run the whole suite (SQLite)
#   make test-fast the quick loop: the suite without the tests marked slow (browser journeys, races)
#   make test-pg  the same suite against PostgreSQL ($(TEST_DATABASE_URL); a throwaway database is created)
#   make test-e2e the real-browser journeys only (Chromium from apt, axe-core from npm)
#   make screenshots  run them and refresh the README's screenshots in docs/screenshots/
#   make loadtest the load test: $(USERS) users for $(DURATION) against a throwaway database and gunicorn
#   make messages extract the interface's messages and update every language's catalog (then translate)
#   make bench    time the big pages at 1,000 and 20,000 staff (BENCH_SIZES) against floors; bench/results/

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app app
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
USERS      ?= 200
SPAWN_RATE ?= 20
DURATION   ?= 90s

.PHONY: run test test-fast test-pg test-e2e screenshots loadtest bench lint install install-dev db seed clean help catalogs messages

help:
	@sed -n 's/^#   //p' Makefile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt bin/system-deps | $(BIN)/python
	bin/system-deps
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt bin/system-deps | $(BIN)/python
	bin/system-deps --for-tests
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime-installed

$(VENV)/.load-installed: requirements.txt requirements-load.txt bin/system-deps | $(BIN)/python
	bin/system-deps
	$(BIN)/pip install --quiet -r requirements-load.txt
	@touch $@ $(VENV)/.runtime-installed

install: $(VENV)/.runtime-installed catalogs
install-dev: $(VENV)/.dev-installed catalogs

# The compiled catalogs (.mo) are built, never committed: the .po files are the source.
catalogs: $(VENV)/.runtime-installed
	$(BIN)/pybabel -q compile -d training/translations

messages: install-dev
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -k N_ --no-location --sort-output \
		--project "Recognize & Report" --msgid-bugs-address "" -o training/translations/messages.pot .
	$(BIN)/pybabel -q update -i training/translations/messages.pot -d training/translations --no-fuzzy-matching --ignore-obsolete

db: install
	$(FLASK) db upgrade

seed: db
	@if [ -n "$$(ls modules/*/course.yaml 2>/dev/null)" ] && $(FLASK) load-content --help >/dev/null 2>&1; then \
		$(FLASK) load-content; fi
	$(FLASK) seed-demo

run: seed
	@echo "Serving Recognize & Report on http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m mypy training/

test: lint
	$(BIN)/pytest

test-fast: install-dev
	$(BIN)/pytest -m 'not slow' -q

test-pg: install-dev
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest

test-e2e: install-dev
	$(BIN)/pytest tests/e2e

screenshots: install-dev
	E2E_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/e2e

loadtest: $(VENV)/.load-installed
	USERS=$(USERS) SPAWN_RATE=$(SPAWN_RATE) DURATION=$(DURATION) $(BIN)/python -m bench.loadtest

bench: install-dev
	$(BIN)/python -m bench.suite

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
