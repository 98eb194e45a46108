# Comptoir: `make run` serves the demo network, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Tests run in parallel (pytest-xdist): one worker per core; PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= auto
export FLASK_APP := wsgi

.PHONY: run test test-sqlite test-postgres setup setup-dev translations extract-messages db demo lint bench clean

run: setup translations instance/config.py db
	@$(BIN)/flask seed-demo
	@echo "Comptoir is on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	exec $(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) --access-logfile - wsgi:app

test: setup-dev translations node_modules/.axe-stamp
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  $(MAKE) --no-print-directory test-postgres-url; \
	elif ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  scripts/with-postgres.sh $(MAKE) --no-print-directory test-postgres-url; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
	  echo "PostgreSQL is required (REQUIRE_POSTGRES) but not installed" >&2; exit 1; \
	else \
	  echo "PostgreSQL server not installed: the PostgreSQL run is skipped."; \
	fi

test-sqlite:
	@echo "== Test suite on SQLite =="
	TEST_DATABASE_URL= $(BIN)/pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The PostgreSQL run leaves out the browser tests, which do not depend on the database.
test-postgres-url:
	@echo "== Test suite on PostgreSQL =="
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not browser" $(PYTEST_ARGS)

setup: $(VENV)/.run-stamp
setup-dev: $(VENV)/.dev-stamp

$(VENV)/.run-stamp: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-stamp: requirements.txt requirements-dev.txt $(VENV)/.run-stamp
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core (npm) is injected into pages by the browser tests.
node_modules/.axe-stamp: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: the accessibility checks will be skipped."; fi

translations: setup
	@$(BIN)/pybabel -q compile -d portal/translations

extract-messages: setup
	$(BIN)/pybabel -q extract -F babel.cfg --ignore-dirs ".* ._ __pycache__ node_modules" -k _l -k lazy_gettext -o portal/translations/messages.pot .
	$(BIN)/pybabel -q update -i portal/translations/messages.pot -d portal/translations

instance/config.py:
	@mkdir -p instance
	@$(BIN)/python -c "import secrets; print('SECRET_KEY = %r' % secrets.token_hex(32))" > $@
	@echo "Wrote a random SECRET_KEY to $@"

db: setup
	$(BIN)/flask db upgrade

bench: setup translations
	$(BIN)/python scripts/bench.py

lint: setup-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules .pytest_cache
