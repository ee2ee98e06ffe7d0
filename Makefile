# Build automation for marketagg. `make run` and `make test` are all a fresh machine needs:
# both call `setup`, which installs what is missing and is safe to run again.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
APT_STAMP := $(VENV)/.apt-installed
HOST ?= 127.0.0.1
PORT ?= 8000
APT_PACKAGES := postgresql-15-partman chromium

.PHONY: setup run demo test lint bench migrate clean apt node

setup: $(STAMP) $(NODE_STAMP) $(APT_STAMP) migrate

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages: pg_partman for native partitioning on plain PostgreSQL, chromium for browser tests.
# Installed only where missing, and only when we are allowed to (root or sudo).
$(APT_STAMP): | $(STAMP)
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; else SUDO=none; fi; \
	  if [ "$$SUDO" = none ]; then echo "note: cannot install$$missing (not root); PostgreSQL partitioning tests need them"; \
	  else $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq$$missing >/dev/null; fi; \
	fi
	touch $(APT_STAMP)

# The WebAssembly PostgreSQL with TimescaleDB, used by the hypertable tests.
$(NODE_STAMP): package.json
	npm install --no-audit --no-fund --legacy-peer-deps --silent
	touch $(NODE_STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput -v 0

run: setup
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

demo: setup
	$(PY) manage.py serve --simulate --host $(HOST) --port $(PORT)

# The suite runs on the machine's PostgreSQL (and Redis); the tests marked `backends` run a second
# time on the embedded SQLite default, so both storage paths are proven on every run.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/marketagg
TEST_REDIS_URL ?= redis://127.0.0.1:6379/5
# The floor applies to the combined report of both runs (the second appends to the first).
COV_MIN ?= 85
# Tests run in TEST_WORKERS processes (pytest-xdist; 0 runs them in this one). `--dist load` hands
# each worker tests in collection order, so pytest-django's order (tests in a transaction before the
# ones that empty the tables) holds in every worker; tests/worker_env.py gives each worker its own
# var directory and Redis database, and pytest-django its own test database.
TEST_WORKERS ?= 2
XDIST := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist load)
test: setup
	MARKETAGG_VAR_DIR=$(CURDIR)/var/test DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) \
	  $(PY) -m pytest $(XDIST) --cov --cov-report= $(PYTEST_ARGS)
	MARKETAGG_VAR_DIR=$(CURDIR)/var/test-sqlite $(PY) -m pytest $(XDIST) -m backends --cov --cov-append \
	  --cov-report=term --cov-report=xml:coverage.xml --cov-report=html:htmlcov --cov-fail-under=$(COV_MIN) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: setup
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) -m tests.perf.run --readme README.md

clean:
	rm -rf $(VENV) node_modules htmlcov coverage.xml .pytest_cache
