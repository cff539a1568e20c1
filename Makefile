# The two promises of README.md: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrations-check superuser demo clean bench-admin serve soak

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

# The hooks of .pre-commit-config.yaml on every tracked file: django-upgrade, ruff, djlint. They
# are local commands from $(BIN); PRE_COMMIT_HOME stays in the (ignored) venv, and nothing is fetched.
PRE_COMMIT = PRE_COMMIT_HOME=$(VENV)/pre-commit $(BIN)/pre-commit

lint: $(STAMP)
	$(PRE_COMMIT) run --all-files

format: $(STAMP) ## The fixers (django-upgrade, ruff), then the same checks as `make lint`
	$(PRE_COMMIT) run --all-files --hook-stage manual

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

# --- Staff admin ---------------------------------------------------------------
BENCH_ADMIN_DB ?= awards_staff_bench
bench-admin: $(STAMP) ## Admin speed at 500,000 nominations (PostgreSQL; see docs/performance.md)
	psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_ADMIN_DB)'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE $(BENCH_ADMIN_DB)"
	BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_ADMIN_DB) $(BIN)/python bench/admin_bench.py

# --- Production-like serving and the soak test (docs/deploy.md, docs/operations.md) -----------
# `make serve`: gunicorn with DEBUG off and hashed, compressed static files from whitenoise, on
# plain http://$(HOST):$(PORT), so the HTTPS-only settings are relaxed here and only here.
# SECRET_KEY comes from the environment or a local, git-ignored .secret-key made on first use.
SERVE_ENV = DEBUG=0 SECRET_KEY="$${SECRET_KEY:-$$(cat .secret-key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),localhost}" \
	SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0

.secret-key:
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

serve: $(STAMP) .secret-key ## Production-like: gunicorn, DEBUG off, collectstatic (http://127.0.0.1:8000)
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(SERVE_ENV) GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py awards_site.wsgi

# `make soak`: 60 s of mixed public traffic at 32 connections against gunicorn on PostgreSQL.
SOAK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/awards_soak
soak: $(STAMP) .secret-key ## 60 s of public traffic against gunicorn: zero 5xx, worker memory reported
	DATABASE_URL=$(SOAK_DATABASE_URL) SECRET_KEY="$${SECRET_KEY:-$$(cat .secret-key)}" \
		$(BIN)/python bench/soak.py

# --- Performance benchmark (docs/performance.md) -----------------------------------------
# Builds the 100,000-award dataset in BENCH_DATABASE_URL if missing (default awards_perf_bench),
# then measures each URL with wrk at 16 connections, cache on and off, as ratios to a trivial view.
.PHONY: bench
bench: $(STAMP) ## Public pages and API at 100,000 awards vs a trivial Django view (PostgreSQL, wrk)
	cd bench && ../$(BIN)/python bench.py

# --- Serving (docs/performance.md, "Serving") ---------------------------------------------------
# The trivial view under gunicorn.conf.py's access log and worker recycling variants (wrk, SQLite).
.PHONY: bench-serving
bench-serving: $(STAMP) ## What the access log and worker recycling cost the floor (wrk)
	cd bench && ../$(BIN)/python serving.py
