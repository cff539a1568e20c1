# The two promises of README.md: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrations-check superuser demo clean bench-admin

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP) ## Set everything up and serve the site on http://127.0.0.1:8000
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "Admin login: run 'make superuser' in another terminal, then open http://$(HOST):$(PORT)/admin/"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP) ## The whole suite (SQLite by default; set DATABASE_URL for PostgreSQL)
	@test -x /usr/bin/chromium || echo "NOTE: /usr/bin/chromium is missing, so the browser tests will be SKIPPED (apt-get install -y chromium; see docs/testing.md)."
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

superuser: $(STAMP) ## Create an admin login for the local site
	DEBUG=1 $(BIN)/python manage.py createsuperuser

demo: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# --- Screenshots of the public pages (needs Debian's chromium: apt-get install -y chromium) ---
.PHONY: screenshots
screenshots: $(STAMP) ## PNGs of the main pages at 1280 px and 390 px in artifacts/screenshots/
	$(BIN)/python scripts/screenshots.py

# --- Staff admin (issue 6) ---------------------------------------------------------------
BENCH_ADMIN_DB ?= awards_staff_bench
bench-admin: $(STAMP) ## Admin speed at 500,000 nominations (PostgreSQL; see docs/performance.md)
	psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_ADMIN_DB)'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE $(BENCH_ADMIN_DB)"
	BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_ADMIN_DB) $(BIN)/python bench/admin_bench.py
